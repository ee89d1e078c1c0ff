"""The per-browser shelves of session models: isolated, bounded in count, bytes and age."""

from seq2seq.core.checkpoint import Checkpoint
from seq2seq.ui.store import SESSION_MARK, ShelfStore, model_bytes

from .conftest import small_model


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def ckpt(tokenizer) -> Checkpoint:
    return Checkpoint(model=small_model(tokenizer), tokenizer=tokenizer, task=None)


def test_a_browser_sees_only_its_own_models(tokenizer):
    store = ShelfStore()
    name = store.add("browser-a", ckpt(tokenizer), "reverse-attention")
    assert name == f"{SESSION_MARK}reverse-attention"
    assert list(store.shelf("browser-a").models) == [name]
    assert not store.shelf("browser-b").models
    # a second model of the same base gets a fresh name, the first stays
    assert store.add("browser-a", ckpt(tokenizer), "reverse-attention") == f"{SESSION_MARK}reverse-attention 2"
    assert len(store.shelf("browser-a").models) == 2


def test_the_oldest_model_goes_when_a_shelf_is_full(tokenizer):
    store = ShelfStore(per_browser=2)
    names = [store.add("a", ckpt(tokenizer), f"m{i}") for i in range(3)]
    assert list(store.shelf("a").models) == names[1:]


def test_shelves_expire_after_max_age(tokenizer):
    clock = Clock()
    store = ShelfStore(max_age=100, clock=clock)
    store.add("a", ckpt(tokenizer), "m")
    clock.now = 99
    assert store.shelf("a").models  # seen: the age starts again
    clock.now = 198
    store.shelf("b")
    assert store.shelf("a").models
    clock.now = 400
    assert not store.shelf("a").models


def test_bytes_are_bounded_over_the_whole_server_least_recently_seen_first(tokenizer):
    one = model_bytes(ckpt(tokenizer))
    clock = Clock()
    store = ShelfStore(max_bytes=2 * one, clock=clock)
    store.add("old", ckpt(tokenizer), "m")
    clock.now = 1
    store.add("new", ckpt(tokenizer), "m")
    clock.now = 2
    store.add("new", ckpt(tokenizer), "m")  # three models, room for two: the other browser's goes
    assert not store.shelf("old").models
    assert len(store.shelf("new").models) == 2
    clock.now = 3
    store.add("new", ckpt(tokenizer), "m")  # then this browser's oldest
    assert len(store.shelf("new").models) == 2


def test_the_number_of_browsers_is_bounded(tokenizer):
    store = ShelfStore(max_browsers=3)
    for b in "abcde":
        store.shelf(b)
    assert len(store) == 3
