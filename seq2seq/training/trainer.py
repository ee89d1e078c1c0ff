"""Teacher-forced training with cross-entropy, validation and stopping rules.

    loss = -1/N Σ_t log p(y_t | y_<t, x)     (over real target tokens; padding ignored)
         + λ/N Σ_t Σ_i min(α_{t,i}, cov_{t,i})  (optional coverage loss, See et al. 2017; λ = coverage_loss)

The trainer is a plain function with callbacks (nanoGPT/minGPT style): a CLI progress line,
a Streamlit progress bar or a test can each watch or stop a run without the trainer knowing.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import nn

from seq2seq.core.card import TrainConfig
from seq2seq.core.model import Seq2Seq, eval_mode
from seq2seq.core.results import TrainingHistory
from seq2seq.core.search import beam_batch, max_output_len, score_targets, translate
from seq2seq.data.batches import Batch, batches, make_batch
from seq2seq.data.tasks import Example, Task
from seq2seq.data.tokenizers import PAD, Tokenizer, in_units
from seq2seq.runtime import limit_threads
from seq2seq.training import metrics


@dataclass
class TrainEvent:
    """Passed to callbacks after every step (``valid`` set after an evaluation)."""

    step: int
    epoch: int
    seconds: float
    loss: float
    valid: dict | None = None
    probe_alpha: list | None = None  # α of the probe pairs at this validation (attention models)


def print_progress(label: str = "") -> Callable[[TrainEvent], None]:
    """A callback that prints one line to stderr after every held-out evaluation."""

    def progress(event: TrainEvent) -> None:
        if event.valid:
            print(
                f"{label}step {event.step:5d}  epoch {event.epoch:3d}  {event.seconds:6.1f}s  loss {event.loss:.4f}"
                f"  held-out exact match {event.valid['exact_match']:.3f}",
                file=sys.stderr,
                flush=True,
            )

    return progress


@dataclass
class TrainResult:
    history: TrainingHistory
    metrics: dict  # the last held-out evaluation
    steps: int
    seconds: float
    stopped_because: str  # "target" | "time" | "steps" | "callback"


def evaluate(
    model: Seq2Seq,
    tokenizer: Tokenizer,
    examples: Sequence[Example],
    task: Task | None = None,
    batch_size: int = 500,
    full: bool = True,
    beam: int | None = None,
    length_alpha: float = 0.0,
    forced_check: bool = False,
) -> dict:
    """Greedy-decode ``examples`` (with ``beam``: beam search of that width over all of them
    at once, ``search.beam_batch``, length penalty exponent ``length_alpha``) and score them.

    Always: exact match, token accuracy (over the tokenizer's units), exact match by source
    length. With ``full``: BLEU and chrF (sacrebleu); a task with splits of a real corpus
    (``Task.has_splits``) is scored against every reference of a source (exact match: equal
    to any), and its ``by_length`` buckets (source length in the source's units) carry BLEU and
    chrF too; the BLEU tokenisation follows the references' script (``metrics.bleu``). For
    attention models the mean entropy
    of α and, where ``task`` gives gold alignments in the tokenizer's units, the AER of the
    argmax-α alignment — both from teacher-forced α on the reference pairs, so every row
    belongs to a known target token.

    ``forced_check`` (greedy only; what validation during training uses) first settles with
    one teacher-forced pass every example whose greedy output *is* its reference
    (``greedy_is_reference``) and greedy-decodes only the others, sorted by length: the same
    numbers as decoding everything, at a fraction of the cost once most examples are right.
    """
    sources = [ex.source for ex in examples]
    refs = [ex.target for ex in examples]
    preds: list[str] = []
    if beam is not None:
        found = beam_batch(model, tokenizer, sources, width=beam, length_alpha=length_alpha, batch_size=batch_size)
        preds = [tokenizer.target.decode(ids) for ids in found.ids]
    elif forced_check:
        settled = greedy_is_reference(model, tokenizer, examples, batch_size)
        preds = [ex.target if ok else "" for ex, ok in zip(examples, settled, strict=True)]
        rest = sorted((i for i, ok in enumerate(settled) if not ok), key=lambda i: len(sources[i]))
        for start in range(0, len(rest), batch_size):
            chunk = rest[start : start + batch_size]
            for i, pred in zip(chunk, translate(model, tokenizer, [sources[i] for i in chunk]), strict=True):
                preds[i] = pred
    else:
        for i in range(0, len(sources), batch_size):
            preds += translate(model, tokenizer, sources[i : i + batch_size])
    corpus = task is not None and task.has_splits
    # every reference of a source (a real sentence has several translations); else its one target
    all_refs = [(task.references(s) or [r]) if corpus else [r] for s, r in zip(sources, refs, strict=True)]
    result = {
        "exact_match": sum(p in r for p, r in zip(preds, all_refs, strict=True)) / len(preds) if preds else 0.0,
        "token_accuracy": metrics.token_accuracy(
            [tokenizer.target.tokenize(p) for p in preds], [tokenizer.target.tokenize(r) for r in refs]
        ),
        "by_length": metrics.exact_match_by_length(sources, preds, refs),
        "n": len(examples),
    }
    char_level = tokenizer.target.kind == "char"
    if corpus:  # scored on the text as a reader sees it ("where is it?", not the tokens "where is it ?")
        preds = [task.detokenize_target(p) for p in preds]
        all_refs = [[task.detokenize_target(r) for r in refs] for refs in all_refs]
        result["bleu"] = metrics.bleu(preds, all_refs, char_level=char_level)  # validation too: exact match ~0
    if not full:
        return result
    if "bleu" not in result:  # (a corpus task's is above)
        result["bleu"] = metrics.bleu(preds, all_refs, char_level=char_level)
    result["chrf"] = metrics.chrf(preds, all_refs)
    if corpus:
        result["by_length"] = metrics.scores_by_length(sources, preds, all_refs, char_level, unit=task.source_unit)
    if model.cfg.family.alpha:
        scored = score_targets(model, tokenizer, sources, refs)
        result["attention_entropy"] = metrics.attention_entropy([s.alpha for s in scored])
        gold = [ex.alignment for ex in examples]
        if task is not None and in_units(tokenizer, task.alignment_unit) and all(g is not None for g in gold):
            result["aer"] = metrics.argmax_alignment_error_rate(scored, gold)
    return result


@torch.no_grad()
def greedy_is_reference(
    model: Seq2Seq, tokenizer: Tokenizer, examples: Sequence[Example], batch_size: int = 500
) -> list[bool]:
    """Per example: is its greedy output its reference? Decided by one teacher-forced pass.

    Greedy decoding emits the reference y_1 .. y_m </s> exactly when, fed the reference
    prefix, the argmax at every step is the reference's next token (by induction over t: the
    greedy prefix is the reference prefix, so the decoder's state is the teacher-forced one).
    So "argmax = y_t at every t" is greedy's exact match, for the price of one forward pass
    (one RNN call on the fast Luong path) instead of a decode loop run to the longest output.
    False where the check cannot vouch for the text: the reference does not survive
    encode → decode (unknown tokens), or is longer than greedy may run. (Floating-point
    near-ties between the batched pass and the step loop could in principle differ.)
    """
    out: list[bool] = []
    with eval_mode(model):
        for start in range(0, len(examples), batch_size):
            chunk = examples[start : start + batch_size]
            batch = make_batch(chunk, tokenizer).to(model.device)
            logits, _ = model(batch)  # (B, T, V), teacher forced
            real = batch.tgt_out != PAD  # (B, T)
            right = ((logits.argmax(-1) == batch.tgt_out) | ~real).all(1).tolist()  # (B,)
            for ex, ok, n_out, n_src in zip(chunk, right, real.sum(1).tolist(), batch.src_len.tolist(), strict=True):
                fits = n_out <= max_output_len(n_src, model)
                out.append(
                    bool(ok) and fits and tokenizer.target.decode(tokenizer.target.encode(ex.target)) == ex.target
                )
    return out


def coverage_penalty(alpha: torch.Tensor, tgt_out: torch.Tensor) -> torch.Tensor:
    """See et al. 2017's coverage loss, Σ_i min(α_{t,i}, cov_{t,i}) with cov_t = Σ_{t'<t} α_{t'},
    averaged over the real target tokens.

    :param alpha: α (B, T, S); :param tgt_out: (B, T) with PAD after each target
    """
    cov = alpha.cumsum(1) - alpha  # (B, T, S) cov_t, the attention paid before step t
    per_step = torch.minimum(alpha, cov).sum(-1)  # (B, T)
    real = (tgt_out != PAD).to(alpha.dtype)  # (B, T)
    return (per_step * real).sum() / real.sum().clamp(min=1.0)


def probe_alignment(scored: Sequence, probes: Sequence[Example], task: Task | None, tokenizer: Tokenizer) -> dict:
    """How aligned attention is on the probes: mean entropy of α and, where the task gives
    gold alignments in the tokenizer's units, the AER of the argmax-α alignment."""
    out = {"attention_entropy": round(metrics.attention_entropy([s.alpha for s in scored]), 4)}
    gold = [ex.alignment for ex in probes]
    if task is not None and in_units(tokenizer, task.alignment_unit) and all(g is not None for g in gold):
        links = [metrics.alignment_links(s.alpha, len(s.target_tokens) - 1, len(s.source_tokens) - 1) for s in scored]
        out["aer"] = round(metrics.alignment_error_rate(links, [set(g) for g in gold]), 4)
    return out


def train_step(
    model: Seq2Seq,
    batch: Batch,
    optimizer: torch.optim.Optimizer,
    cfg: TrainConfig,
    coin: torch.Generator | None = None,
    loss_fn: nn.Module | None = None,
) -> torch.Tensor:
    """One optimizer step on ``batch`` (already on the model's device): the teacher-forced
    forward pass, cross-entropy (+ the coverage loss), backward, gradient clipping, the
    optimizer's update. ``train`` runs it in a loop; ``analysis.step_times`` times it.

    :return: the batch's loss (a 0-d tensor)
    """
    loss_fn = loss_fn or nn.CrossEntropyLoss(ignore_index=PAD)
    logits, alphas = model(batch, cfg.teacher_forcing, coin)  # (B, T, V), (B, T, S) | None
    loss = loss_fn(logits.reshape(-1, logits.size(-1)), batch.tgt_out.reshape(-1))
    if cfg.coverage_loss and alphas is not None:
        loss = loss + cfg.coverage_loss * coverage_penalty(alphas, batch.tgt_out)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), cfg.clip)
    optimizer.step()
    return loss


def train(
    model: Seq2Seq,
    tokenizer: Tokenizer,
    train_set: Sequence[Example],
    valid_set: Sequence[Example],
    cfg: TrainConfig,
    callbacks: Sequence[Callable[[TrainEvent], bool | None]] = (),
    probes: Sequence[Example] = (),
    task: Task | None = None,
) -> TrainResult:
    """Train ``model`` in place until the target accuracy, the time budget or the step cap.

    A callback returning True stops training after the current step (what has been learned
    so far is kept). At every validation the α of the ``probes`` is recorded in the history,
    and the validation row gets their mean attention entropy and (``task`` with gold
    alignments) their AER: how alignment forms during training.
    """
    if not train_set or not valid_set:
        raise ValueError("training needs a non-empty training set and validation set")
    previous_threads = limit_threads(cfg.threads) if cfg.threads else None
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    coin = torch.Generator().manual_seed(cfg.seed)
    device = model.device
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    decay = (lambda step: max(0.0, 1.0 - step / cfg.max_steps)) if cfg.lr_decay else (lambda step: 1.0)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, decay)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD)
    history = TrainingHistory()
    attends = model.cfg.family.alpha
    if attends:
        history.probes = [
            {
                "source": ex.source,
                "target": ex.target,
                "source_tokens": [*tokenizer.source.tokenize(ex.source), "</s>"],
                "target_tokens": [*tokenizer.target.tokenize(ex.target), "</s>"],
            }
            for ex in probes
        ]
    start = time.perf_counter()

    def validate(step: int, epoch: int) -> dict:
        # The teacher-forced check pays where that pass is one call (the fast Luong path) and once
        # many examples are right. Stepped (Bahdanau), it costs what a greedy decode that stops at
        # </s> costs: measured 2026-11-27 on Joey's dev set, 1.0-1.4 vs 0.9 s at 99 % right.
        one_call = bool(getattr(getattr(model, "decoder", None), "one_call", False))  # (Transformer: none)
        settled_cheaply = one_call and last_valid.get("exact_match", 0.0) >= 0.5
        result = evaluate(model, tokenizer, valid_set, task, full=False, forced_check=settled_cheaply)
        row = {"step": step, "epoch": epoch, "seconds": round(time.perf_counter() - start, 3)}
        row |= {k: result[k] for k in ("exact_match", "token_accuracy", "bleu") if k in result}
        history.valid.append(row)
        if attends and probes:
            scored = score_targets(model, tokenizer, [p.source for p in probes], [p.target for p in probes])
            alpha = [[[round(a, 3) for a in r] for r in s.alpha] for s in scored]
            history.attention.append({"step": step, "epoch": epoch, "alpha": alpha})
            row |= probe_alignment(scored, probes, task, tokenizer)
        return row | {"by_length": result["by_length"]}

    def latest_probes(step: int) -> list | None:
        last = history.attention[-1] if history.attention else None
        return last["alpha"] if last and last["step"] == step else None

    last_valid: dict = {}
    best, stale = -1.0, 0  # the best validation so far, validations since it (lr_plateau)
    step, epoch, stopped = 0, 0, None
    try:
        while stopped is None:
            epoch += 1
            for batch in batches(train_set, tokenizer, cfg.batch_size, rng, cfg.bucket_pool):
                model.train()
                loss = train_step(model, batch.to(device), optimizer, cfg, coin, loss_fn)
                schedule.step()
                step += 1
                seconds = time.perf_counter() - start
                history.loss.append((step, round(loss.item(), 5)))
                event = TrainEvent(step, epoch, seconds, history.loss[-1][1])
                out_of_time = seconds >= cfg.max_seconds
                if step % cfg.eval_every == 0 or out_of_time or step >= cfg.max_steps:
                    event.valid = last_valid = validate(step, epoch)
                    event.probe_alpha = latest_probes(step)
                    best, stale = (
                        (event.valid["exact_match"], 0) if event.valid["exact_match"] > best else (best, stale + 1)
                    )
                    if cfg.lr_plateau and stale >= cfg.lr_plateau:
                        schedule.base_lrs = [lr / 2 for lr in schedule.base_lrs]  # LambdaLR scales these ...
                        for group in optimizer.param_groups:  # ... from the next schedule.step(); now:
                            group["lr"] /= 2
                        stale = 0
                stop_requested = any([bool(cb(event)) for cb in callbacks])  # every callback sees every event
                target = cfg.target_accuracy
                if event.valid and target is not None and event.valid["exact_match"] >= target:
                    stopped = "target"
                elif stop_requested:
                    stopped = "callback"
                elif out_of_time:
                    stopped = "time"
                elif step >= cfg.max_steps:
                    stopped = "steps"
                if stopped:
                    break
    finally:
        if previous_threads is not None:
            limit_threads(previous_threads)
        model.eval()
    if last_valid.get("step") != step:  # stopped by a callback between two evaluations
        last_valid = validate(step, epoch)
    return TrainResult(history, last_valid, step, time.perf_counter() - start, stopped)
