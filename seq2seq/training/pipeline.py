"""Task -> data -> tokenizer -> model -> training -> checkpoint, in one call.

The CLI, the zoo rebuild and the app's Train page all train through ``train_on_task``, so a
model trained anywhere carries the same card, and ``heldout`` rebuilds evaluation data for a
card (disjoint from that model's training data).
"""

from __future__ import annotations

import platform
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

import torch

from seq2seq.core import families
from seq2seq.core.card import DataConfig, DataUsed, ModelCard, Scores, TokenizerCard, TokenizerConfig, TrainConfig
from seq2seq.core.checkpoint import Checkpoint
from seq2seq.core.model import count_parameters
from seq2seq.data.tasks import Example, PairsTask, Task, generate, split
from seq2seq.data.tokenizers import Tokenizer, TokenizerPair, build_tokenizer
from seq2seq.errors import InputError
from seq2seq.runtime import default_device
from seq2seq.training.trainer import TrainEvent, TrainResult, evaluate, train

N_PROBES = 3  # fixed held-out pairs whose attention is recorded at every validation


def prepare_data(
    task: Task,
    data_cfg: DataConfig,
    pairs: Sequence[Example] | None = None,
    valid_pairs: Sequence[Example] | None = None,
) -> tuple[list[Example], list[Example]]:
    """Training and held-out sets: a corpus task's own split (``Task.has_splits``), generated for
    the other built-in tasks; for user pairs, a seeded shuffle split (``n_valid`` pairs, at most
    a fifth of the file) unless ``valid_pairs`` is given."""
    if task.has_splits:
        return task.training_data(data_cfg.n_train, data_cfg.n_valid, data_cfg.seed)
    if task.generative:
        return split(task, data_cfg.n_train, data_cfg.n_valid, data_cfg.seed)
    if not pairs:
        raise InputError("training on your own pairs needs a pair file")
    pairs = list(pairs)
    if valid_pairs:
        return pairs, list(valid_pairs)
    if len(pairs) < 2:
        raise InputError.of("two_pairs")
    random.Random(data_cfg.seed).shuffle(pairs)
    n_valid = max(1, min(data_cfg.n_valid, len(pairs) // 5))
    return pairs[n_valid:], pairs[:n_valid]


def make_tokenizer(task: Task, train_set: Sequence[Example], options: TokenizerConfig) -> Tokenizer:
    """One tokenizer for both sides (a kind asked for, or the task's), or, for a task whose sides
    are written in different units (``Task.source_unit`` / ``target_unit``: English words, Chinese
    characters), one per side (``TokenizerPair``)."""
    if options.kind is None and task.source_unit != task.target_unit:
        sources, targets = [ex.source for ex in train_set], [ex.target for ex in train_set]
        return TokenizerPair(
            build_tokenizer(task.source_unit, sources, options.vocab_size, options.model_type, options.min_count),
            build_tokenizer(task.target_unit, targets, options.vocab_size, options.model_type, options.min_count),
        )
    texts = [t for ex in train_set for t in (ex.source, ex.target)]
    kind = options.kind or task.tokenizer_kind
    if kind == "char" and task.character_task:
        texts.append(task.alphabet)  # every letter of the task, even if the sample missed one
    return build_tokenizer(kind, texts, options.vocab_size, options.model_type, options.min_count)


def card_tokenizer(tokenizer: Tokenizer) -> TokenizerCard:
    """The tokenizer as a model card shows it: its kind and size, the vocabulary left out (it
    lives in the checkpoint's tokenizer metadata); a pair, each side so."""
    if tokenizer.source is not tokenizer:
        return TokenizerCard(
            kind=tokenizer.kind, source=card_tokenizer(tokenizer.source), target=card_tokenizer(tokenizer.target)
        )
    options = {k: v for k, v in tokenizer.to_dict().items() if k not in ("units", "kind", "vocab_size")}
    return TokenizerCard(kind=tokenizer.kind, vocab_size=tokenizer.vocab_size, options=options)


def train_on_task(
    task: Task,
    model_options: dict,
    train_cfg: TrainConfig,
    data_cfg: DataConfig | None = None,
    callbacks: Sequence[Callable[[TrainEvent], bool | None]] = (),
    device: torch.device | None = None,
    tokenizer_options: TokenizerConfig | None = None,
    pairs: Sequence[Example] | None = None,
    valid_pairs: Sequence[Example] | None = None,
) -> tuple[Checkpoint, TrainResult]:
    """Make data for ``task``, build a tokenizer and a model from ``model_options``
    (flat options: the family named by ``decoder`` takes the fields of its config, see
    ``families.Family.make_config``), train it, score it fully on the
    held-out set, and return it as an unsaved checkpoint with its card."""
    data_cfg = data_cfg or DataConfig()
    tokenizer_options = tokenizer_options or TokenizerConfig()
    train_set, valid_set = prepare_data(task, data_cfg, pairs, valid_pairs)
    tokenizer = make_tokenizer(task, train_set, tokenizer_options)
    lengths = [len(tokenizer.source.tokenize(ex.source)) for ex in train_set]
    if tokenizer.source is not tokenizer:  # a tokenizer per side: the encoder has a vocabulary of its own
        model_options = {"src_vocab_size": tokenizer.source.vocab_size} | dict(model_options)
    options = {"max_src_len": min(10_000, max(200, 2 * max(lengths) + 2))} | dict(model_options)
    try:
        cfg = families.make_config(options.pop("decoder", "attention"), tokenizer.vocab_size, **options)
    except (TypeError, ValueError) as exc:
        raise InputError(f"invalid model settings: {exc}") from None
    torch.manual_seed(train_cfg.seed)  # the weights' initialisation
    model = families.build(cfg).to(device or default_device())
    result = train(model, tokenizer, train_set, valid_set, train_cfg, callbacks, probes=valid_set[:N_PROBES], task=task)
    final = evaluate(model, tokenizer, valid_set, task)
    model.cpu().eval()
    chars = [len(ex.source) for ex in train_set]
    card = ModelCard(
        task=task.name,
        task_description=task.description,
        decoder=cfg.decoder,
        score=cfg.family.score(cfg),
        variant=cfg.family.variant(cfg),
        # the vocabulary itself lives in the tokenizer metadata
        tokenizer=card_tokenizer(tokenizer),
        parameters=count_parameters(model),
        train_config=replace(train_cfg),
        data=DataUsed(**data_cfg.to_dict(), n_train_used=len(train_set), n_valid_used=len(valid_set)),
        source_chars=(min(chars), max(chars)),
        source_tokens=(min(lengths), max(lengths)),
        train_seconds=round(result.seconds, 2),
        steps=result.steps,
        stopped_because=result.stopped_because,
        metrics=Scores.from_dict(final),
        history=result.history,
        created=time.strftime("%Y-%m-%d %H:%M:%S"),
        machine=f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}",
    )
    return Checkpoint(model, tokenizer, task, card), result


def heldout(ckpt: Checkpoint, n: int, seed: int) -> list[Example]:
    """``n`` fresh examples of the checkpoint's task whose sources the model never trained on
    (a corpus task: from its test split)."""
    task = ckpt.task
    if task is not None and task.has_splits:
        return task.heldout_data(n, seed)
    if task is None or isinstance(task, PairsTask) or not task.generative:
        raise InputError("this model was trained on your own pairs: evaluate it with --pairs FILE")
    data = ckpt.card.data
    exclude: set[str] = set()
    if data is not None:
        exclude = {ex.source for ex in generate(task, data.n_train, data.seed)}
    return generate(task, n, seed, exclude=exclude)
