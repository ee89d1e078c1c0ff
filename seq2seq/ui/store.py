"""What one browser owns on the server: its trained or uploaded models and its training.

A Streamlit session ends when its tab reloads, so models kept in ``st.session_state`` were
lost on F5. They live here instead, on a *shelf* per browser, under an id the browser holds
in a cookie (``seq2seq/ui/browser.py``) and that no other browser can guess. Shelves are
bounded: models per browser, bytes on the whole server (the least recently seen browsers'
shelves go first), and age (a shelf not seen for ``limits.SESSION_MAX_AGE_S`` is dropped).

Plain Python, no Streamlit: ``seq2seq/ui/models.py`` holds one ``ShelfStore`` per server
process (``st.cache_resource``) and the tests use it directly.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from seq2seq import limits
from seq2seq.core.checkpoint import Checkpoint

SESSION_MARK = "★ "  # session models' names start with it, so they never collide with files


def model_bytes(ckpt: Checkpoint) -> int:
    """Memory held by a model's weights (what the byte bound counts)."""
    return sum(p.numel() * p.element_size() for p in ckpt.model.parameters())


@dataclass
class Shelf:
    """One browser's models (name -> checkpoint, oldest first) and its Train page's state
    (the running job, its probe, the names its results got)."""

    models: OrderedDict[str, Checkpoint] = field(default_factory=OrderedDict)
    state: dict[str, Any] = field(default_factory=dict)
    seen: float = 0.0

    @property
    def bytes(self) -> int:
        return sum(model_bytes(c) for c in self.models.values())


class ShelfStore:
    """Every browser's shelf in one server process (thread-safe: sessions run in threads)."""

    def __init__(
        self,
        per_browser: int = limits.SESSION_MODELS_PER_BROWSER,
        max_bytes: int = limits.SESSION_MODEL_BYTES,
        max_age: float = limits.SESSION_MAX_AGE_S,
        max_browsers: int = limits.SESSION_MAX_BROWSERS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.per_browser, self.max_bytes = per_browser, max_bytes
        self.max_age, self.max_browsers = max_age, max_browsers
        self._clock = clock
        self._shelves: OrderedDict[str, Shelf] = OrderedDict()  # least recently seen first
        self._lock = threading.Lock()

    def shelf(self, browser: str) -> Shelf:
        """The shelf of ``browser`` (a new, empty one for an unknown or expired id)."""
        with self._lock:
            now = self._clock()
            self._expire(now)
            shelf = self._shelves.pop(browser, None) or Shelf()
            shelf.seen = now
            self._shelves[browser] = shelf  # most recently seen last
            while len(self._shelves) > self.max_browsers:
                self._shelves.popitem(last=False)
            return shelf

    def add(self, browser: str, ckpt: Checkpoint, base: str) -> str:
        """Keep ``ckpt`` on ``browser``'s shelf under a fresh name ("★ reverse-attention 2");
        the oldest model goes when the shelf is full. Returns the name."""
        shelf = self.shelf(browser)
        with self._lock:
            name, n = f"{SESSION_MARK}{base}", 1
            while name in shelf.models:
                n += 1
                name = f"{SESSION_MARK}{base} {n}"
            ckpt.label = name
            shelf.models[name] = ckpt
            while len(shelf.models) > self.per_browser:
                shelf.models.popitem(last=False)
            self._fit_bytes(keep=browser)
            return name

    def __len__(self) -> int:
        return len(self._shelves)

    def _expire(self, now: float) -> None:
        for browser in [b for b, s in self._shelves.items() if now - s.seen > self.max_age]:
            del self._shelves[browser]

    def _fit_bytes(self, keep: str) -> None:
        """Drop other browsers' shelves, least recently seen first, then this browser's oldest
        models, until the server holds at most ``max_bytes`` of session models."""
        total = sum(s.bytes for s in self._shelves.values())
        for browser in list(self._shelves):
            if total <= self.max_bytes:
                return
            if browser != keep and self._shelves[browser].models:
                total -= self._shelves[browser].bytes
                self._shelves[browser].models.clear()
        mine = self._shelves[keep].models
        while total > self.max_bytes and len(mine) > 1:
            _, dropped = mine.popitem(last=False)
            total -= model_bytes(dropped)
