"""Task -> data -> model -> training -> checkpoint, in one call.

The CLI, the zoo rebuild and the app's Train page all train through ``train_on_task``, so a
model trained anywhere carries the same card, and ``heldout`` rebuilds the exact evaluation
data of a card (disjoint from that model's training data).
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from .checkpoint import Checkpoint
from .errors import InputError
from .model import ModelConfig, Seq2Seq, count_parameters
from .runtime import default_device
from .tasks import Example, ReverseTask, generate, split
from .tokenizers import CharTokenizer
from .training import TrainConfig, TrainEvent, TrainResult, train


@dataclass
class DataConfig:
    n_train: int = 20_000  # generated training pairs (an epoch)
    n_valid: int = 500  # held-out pairs for validation during training
    seed: int = 0  # seeds the data; the held-out set excludes every training source

    def to_dict(self) -> dict:
        return {"n_train": self.n_train, "n_valid": self.n_valid, "seed": self.seed}


def build_tokenizer(task: ReverseTask, examples: Sequence[Example]) -> CharTokenizer:
    """Characters of the task's alphabet and of every training pair."""
    return CharTokenizer.build([task.alphabet] + [ex.source + ex.target for ex in examples])


def train_on_task(
    task: ReverseTask,
    model_options: dict,
    train_cfg: TrainConfig,
    data_cfg: DataConfig | None = None,
    callbacks: Sequence[Callable[[TrainEvent], bool | None]] = (),
    device: torch.device | None = None,
) -> tuple[Checkpoint, TrainResult]:
    """Generate data for ``task``, build a model from ``model_options`` (ModelConfig fields
    other than the vocabulary size), train it and return it as an unsaved checkpoint."""
    data_cfg = data_cfg or DataConfig()
    train_set, valid_set = split(task, data_cfg.n_train, data_cfg.n_valid, data_cfg.seed)
    tokenizer = build_tokenizer(task, train_set)
    longest = max(len(tokenizer.tokenize(ex.source)) for ex in train_set)
    options = {"max_src_len": max(200, 2 * longest)} | dict(model_options)
    try:
        cfg = ModelConfig(vocab_size=tokenizer.vocab_size, **options)
    except (TypeError, ValueError) as exc:
        raise InputError(f"invalid model settings: {exc}") from None
    torch.manual_seed(train_cfg.seed)  # the weights' initialisation
    model = Seq2Seq(cfg).to(device or default_device())
    result = train(model, tokenizer, train_set, valid_set, train_cfg, callbacks)
    model.cpu().eval()
    card = {
        "task": task.name,
        "task_description": task.description,
        "decoder": cfg.decoder,
        "score": cfg.score if cfg.decoder == "attention" else None,
        "parameters": count_parameters(model),
        "train_config": train_cfg.to_dict(),
        "data": data_cfg.to_dict(),
        "train_seconds": round(result.seconds, 2),
        "steps": result.steps,
        "stopped_because": result.stopped_because,
        "metrics": result.metrics,
        "history": result.history.to_dict(),
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}",
    }
    return Checkpoint(model, tokenizer, task, card), result


def heldout(ckpt: Checkpoint, n: int, seed: int) -> list[Example]:
    """``n`` fresh examples of the checkpoint's task whose sources the model never trained on."""
    if ckpt.task is None:
        raise InputError("this checkpoint has no task to generate evaluation data from")
    data = ckpt.card.get("data") or {}
    exclude: set[str] = set()
    if "n_train" in data and "seed" in data:
        exclude = {ex.source for ex in generate(ckpt.task, int(data["n_train"]), int(data["seed"]))}
    return generate(ckpt.task, n, seed, exclude=exclude)
