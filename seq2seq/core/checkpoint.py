"""One self-contained ``.safetensors`` file per model.

Tensors: the model's weights. Metadata (strings only, by the format's rules): a format tag
and version, and JSON for the model config, tokenizer, task, training config, metrics and
history. Loading never unpickles anything (safetensors cannot carry code), validates every
piece of metadata before building a model, checks every tensor's name and shape against
that model before reading any data, and turns every problem into a ``CheckpointError`` with
a sentence a user can act on.

Writes are atomic: the file is written to a hidden temporary name in the same folder,
flushed to disk, then renamed over the target, so a crash mid-save leaves the previous file
intact and no partial file that the model picker would list.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save as safetensors_bytes

from seq2seq import limits
from seq2seq.core import families
from seq2seq.core.card import ModelCard
from seq2seq.core.model import Seq2Seq
from seq2seq.data.tasks import Task, task_from_dict
from seq2seq.data.tokenizers import TENSOR_NAMES, Tokenizer, tokenizer_from_dict
from seq2seq.errors import CheckpointError

FORMAT = "attention-lab"
FORMAT_VERSION = 1
SUFFIX = ".safetensors"


@dataclass
class Checkpoint:
    """A loaded model with everything needed to use and describe it."""

    model: Seq2Seq
    tokenizer: Tokenizer
    task: Task | None
    card: ModelCard = field(default_factory=ModelCard)  # metrics, training config and time, history
    path: Path | None = None
    label: str | None = None  # the name of a model that lives only in an app session

    @property
    def name(self) -> str:
        return self.label or (self.path.stem if self.path else "(unsaved)")


def save(ckpt: Checkpoint, path: str | os.PathLike, half: bool = False) -> Path:
    """Write ``ckpt`` to ``path`` atomically; returns the path. ``half``: weights stored as float16
    (half the file; ``load`` reads them back into the float32 model)."""
    path = Path(path)
    if path.suffix != SUFFIX:
        raise CheckpointError(f"checkpoint files end in {SUFFIX}: {path.name}")
    write_atomic(path, to_bytes(ckpt, half))
    return path


def to_bytes(ckpt: Checkpoint, half: bool = False) -> bytes:
    """The checkpoint as the bytes of a .safetensors file (for downloads); ``half``: float16 weights."""
    metadata = {
        "format": FORMAT,
        "format_version": str(FORMAT_VERSION),
        "config": json.dumps(ckpt.model.cfg.to_dict()),
        "tokenizer": json.dumps(ckpt.tokenizer.to_dict(), ensure_ascii=False),
        "task": json.dumps(ckpt.task.to_dict() if ckpt.task else None, ensure_ascii=False),
        "card": json.dumps(ckpt.card.to_dict(), ensure_ascii=False),
    }
    state = {k: v.detach().cpu().contiguous() for k, v in ckpt.model.state_dict().items()}
    if half:
        state = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
    state |= ckpt.tokenizer.tensors()  # e.g. the sentencepiece model, as uint8
    return safetensors_bytes(state, metadata=metadata)


def _refuse_oversize(name: str, size: int) -> None:
    if size > limits.MAX_CHECKPOINT_BYTES:
        top = limits.MAX_CHECKPOINT_BYTES // 2**20
        raise CheckpointError.of("checkpoint_too_big", name=name, mb=f"{size / 2**20:.0f}", top=top)


def load_bytes(data: bytes, name: str = "upload") -> Checkpoint:
    """Load an uploaded checkpoint from memory, with every check ``load`` makes."""
    _refuse_oversize(name, len(data))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{Path(name).stem or 'upload'}{SUFFIX}"
        path.write_bytes(data)
        ckpt = load(path)
    ckpt.path = None
    ckpt.card = replace(ckpt.card, uploaded_as=name)
    return ckpt


def write_atomic(path: Path, data: bytes) -> None:
    """Temp file in the same folder (a rename is only atomic within one file system), fsync,
    rename. The temp name starts with '.' and ends in '.tmp', so listings never show it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes 0600; a checkpoint is meant to be shared and committed
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _json_field(metadata: dict, key: str):
    raw = metadata.get(key)
    if raw is None:
        raise CheckpointError(f"not an Attention Lab checkpoint: metadata has no '{key}'")
    if len(raw) > limits.MAX_METADATA_CHARS:
        raise CheckpointError(f"metadata field '{key}' is implausibly large ({len(raw):,} characters)")
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        raise CheckpointError(f"metadata field '{key}' is not valid JSON") from None


def load(path: str | os.PathLike, device: torch.device | str = "cpu") -> Checkpoint:
    """Load and validate a checkpoint; any problem raises ``CheckpointError``."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError.of("no_checkpoint", path=str(path))
    _refuse_oversize(path.name, path.stat().st_size)
    try:
        with safe_open(str(path), framework="pt", device="cpu") as f:
            metadata = f.metadata() or {}
            if metadata.get("format") != FORMAT:
                raise CheckpointError.of("not_ours", name=path.name)
            version = metadata.get("format_version", "")
            if not version.isdigit() or int(version) > FORMAT_VERSION:
                raise CheckpointError.of("newer_format", name=path.name, version=repr(version), ours=FORMAT_VERSION)
            cfg = families.config_from_dict(_json_field(metadata, "config"))
            tokenizer_tensors = {}
            for name in (k for k in f.keys() if k in TENSOR_NAMES):
                if f.get_slice(name).get_shape()[0] > limits.MAX_TOKENIZER_BYTES:
                    raise CheckpointError("the tokenizer model stored in the file is implausibly large")
                tokenizer_tensors[name] = f.get_tensor(name)
            tokenizer = tokenizer_from_dict(_json_field(metadata, "tokenizer"), tokenizer_tensors)
            task_data = _json_field(metadata, "task")
            task = task_from_dict(task_data) if task_data is not None else None
            try:
                card = ModelCard.from_dict(_json_field(metadata, "card"))
            except ValueError as exc:
                raise CheckpointError(f"the model card in {path.name} is invalid: {exc}") from None
            if tokenizer.target.vocab_size != cfg.vocab_size:
                raise CheckpointError(
                    f"tokenizer has {tokenizer.target.vocab_size} tokens but the model config says {cfg.vocab_size}"
                )
            if tokenizer.source.vocab_size != cfg.source_vocab_size:
                raise CheckpointError(
                    f"the source tokenizer has {tokenizer.source.vocab_size} tokens but the model config says"
                    f" {cfg.source_vocab_size}"
                )
            model = families.build(cfg)
            expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
            found = {k: tuple(f.get_slice(k).get_shape()) for k in f.keys() if k not in tokenizer_tensors}
            if expected.keys() != found.keys():
                missing = sorted(expected.keys() - found.keys())
                extra = sorted(found.keys() - expected.keys())
                raise CheckpointError(
                    f"weights do not match the model config (missing: {', '.join(missing[:3]) or '-'};"
                    f" unexpected: {', '.join(extra[:3]) or '-'})"
                )
            for key, shape in expected.items():
                if found[key] != shape:
                    raise CheckpointError(f"weight {key} has shape {found[key]}, the config needs {shape}")
            state = {k: f.get_tensor(k) for k in expected}
    except CheckpointError:
        raise
    except (SafetensorError, OSError, ValueError, RuntimeError, UnicodeDecodeError) as exc:
        if _looks_like_pickle(path):
            raise CheckpointError.of("pickle", name=path.name) from None
        raise CheckpointError.of("unreadable", name=path.name, detail=first_line(exc)) from None
    for key, tensor in state.items():
        if not tensor.is_floating_point():
            raise CheckpointError(f"weight {key} is not a floating-point tensor")
        if not torch.isfinite(tensor).all():
            raise CheckpointError.of("not_finite", key=key)
    model.load_state_dict(state, strict=True)
    model.to(device).eval()
    return Checkpoint(model, tokenizer, task, card, path)


def _looks_like_pickle(path: Path) -> bool:
    """Only used to word the error for a file safetensors already refused: a raw pickle starts
    with PROTO (0x80, version 2-5), a torch.save file is a zip archive."""
    with path.open("rb") as f:
        head = f.read(4)
    return (len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5) or head == b"PK\x03\x04"


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def list_checkpoints(folder: str | os.PathLike) -> list[Path]:
    """The checkpoint files in ``folder`` (hidden and temporary files excluded), sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"*{SUFFIX}") if not p.name.startswith(".") and p.is_file())
