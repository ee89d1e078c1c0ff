"""Measurements across many inputs: how accuracy depends on input length (the bottleneck),
and how a training step's time depends on it (the notes' second limitation, ``step_times``)."""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import torch

from seq2seq.core import families
from seq2seq.core.card import TrainConfig
from seq2seq.core.checkpoint import Checkpoint
from seq2seq.core.model import ModelConfig, Seq2Seq
from seq2seq.core.rnn import AttentionConfig, RNNConfig
from seq2seq.core.search import beam_search, score_targets, trace, translate
from seq2seq.core.transformer import TransformerConfig
from seq2seq.data.batches import Batch, pad
from seq2seq.data.tasks import Example
from seq2seq.data.tokenizers import BOS, EOS, SPECIAL_TOKENS
from seq2seq.errors import InputError
from seq2seq.training import metrics
from seq2seq.training.pipeline import heldout
from seq2seq.training.trainer import train_step


def is_character_task(ckpt: Checkpoint) -> bool:
    """The model's task generates strings of chosen lengths (``Task.character_task``)."""
    return ckpt.task is not None and ckpt.task.character_task


def length_sweep_examples(ckpt: Checkpoint, lengths: list[int], per_length: int, seed: int) -> list[Example]:
    """``per_length`` fresh examples of every source length in ``lengths`` (character tasks)."""
    task = ckpt.task
    if task is None or not task.character_task:
        raise InputError("only character tasks can generate inputs of a chosen length")
    rng = random.Random(seed)
    return [task.sample(rng, length=n) for n in lengths for _ in range(per_length)]


def accuracy_by_length(
    ckpt: Checkpoint,
    n: int = 1000,
    seed: int = 777,
    max_length: int | None = None,
    progress: Callable[[float], None] | None = None,
    batch_size: int = 500,
) -> list[dict]:
    """Exact match per source length on held-out data: [{"length", "exact_match", "n"}, ...].

    Character tasks get ``n`` inputs spread evenly over every length from 1 to ``max_length``
    (default: 1.5× the longest training input), so the curve also shows lengths the model
    never trained on; other tasks are measured on ``n`` fresh held-out examples, grouped by
    their own source lengths (in characters).
    """
    if is_character_task(ckpt):
        top = max_length or int(1.5 * ckpt.task.max_len)
        lengths = list(range(1, top + 1))
        examples = length_sweep_examples(ckpt, lengths, max(1, n // len(lengths)), seed)
    else:
        examples = heldout(ckpt, n, seed)
    sources = [ex.source for ex in examples]
    outputs: list[str] = []
    for i in range(0, len(sources), batch_size):
        outputs += translate(ckpt.model, ckpt.tokenizer, sources[i : i + batch_size])
        if progress is not None:
            progress(min(1.0, (i + batch_size) / len(sources)))
    by_length: dict[int, list[bool]] = {}
    for ex, out in zip(examples, outputs, strict=True):
        by_length.setdefault(len(ex.source), []).append(out == ex.target)
    return [
        {"length": length, "exact_match": sum(hits) / len(hits), "n": len(hits)}
        for length, hits in sorted(by_length.items())
    ]


SCORE_BUCKETS = 5  # source-length buckets of a real corpus's test split, about equally full


def scores_by_length(
    ckpt: Checkpoint,
    n_buckets: int = SCORE_BUCKETS,
    progress: Callable[[float], None] | None = None,
    batch_size: int = 250,
) -> list[dict]:
    """The bottleneck on real sentences (a task with its own split, ``Task.has_splits``): BLEU
    and chrF of greedy outputs against every reference, per source-length bucket of the whole
    test split — [{"bucket": "2-6", "lo": 2, "hi": 6, "bleu", "chrf", "n"}, ...], lengths in the
    source's units (words of English, characters of Chinese; ``metrics.source_length``).

    The buckets hold about equally many sentences (``metrics.quantile_buckets`` over the test
    split's lengths, the same for every model of the task), so the longest bucket is scored on
    as many sentences as the shortest: equal-width buckets leave the long tail a sentence or
    two. Outputs and references are detokenised (as a reader writes them) and BLEU is tokenised
    by the target's script, as ``evaluate`` does. Exact match would read ~0 at every length."""
    task = ckpt.task
    if task is None or not task.has_splits:
        raise InputError("BLEU and chrF by length need a task of a real corpus with references")
    sources = task.test_sources()
    outputs: list[str] = []
    for i in range(0, len(sources), batch_size):
        outputs += translate(ckpt.model, ckpt.tokenizer, sources[i : i + batch_size])
        if progress is not None:
            progress(min(1.0, (i + batch_size) / len(sources)))
    refs = [[task.detokenize_target(r) for r in task.references(s)] for s in sources]
    lengths = [metrics.source_length(s, task.source_unit) for s in sources]
    buckets = metrics.quantile_buckets(lengths, n_buckets)
    scored = metrics.scores_by_length(
        sources, [task.detokenize_target(o) for o in outputs], refs, unit=task.source_unit, buckets=buckets
    )
    return [
        {"bucket": label, "lo": lo, "hi": hi, "bleu": row["bleu"], "chrf": row["chrf"], "n": row["n"]}
        for (lo, hi), (label, row) in zip(
            [(lo, hi) for lo, hi in buckets if any(lo <= n <= hi for n in lengths)], scored.items(), strict=True
        )
    ]


def compatible(a: Checkpoint, b: Checkpoint) -> str | None:
    """Why two checkpoints cannot be compared on the same inputs, or None if they can."""
    if (a.card.task, getattr(a.task, "name", None)) != (b.card.task, getattr(b.task, "name", None)):
        return f"{a.name} was trained on task '{a.card.task}', {b.name} on '{b.card.task}'"
    if a.tokenizer.source.kind != b.tokenizer.source.kind:
        return f"{a.name} reads {a.tokenizer.source.kind} tokens, {b.name} reads {b.tokenizer.source.kind} tokens"
    return None


# --- the lecture's measurements on one input -------------------------------------------------------


@torch.no_grad()
def fixed_context_sizes(ckpt: Checkpoint, source: str, lengths: list[int]) -> list[tuple[int, int]]:
    """(T, size of c) for inputs of T tokens (</s> included) made by repeating ``source``'s
    tokens: the notes' point that c = h_T has the same size however long the input is."""
    out = []
    for seq in repeated_inputs(ckpt, source, lengths):
        enc, _ = ckpt.model.encode(pad([seq]).to(ckpt.model.device), torch.tensor([len(seq)]))
        out.append((len(seq), int(enc.c.shape[-1])))
    return out


def repeated_inputs(ckpt: Checkpoint, source: str, lengths: list[int]) -> list[list[int]]:
    """Inputs of T tokens each (</s> included), T in ``lengths``, made by repeating ``source``'s
    tokens: how the lecture grows an input to ask what a fixed-size c keeps of it."""
    ids = ckpt.tokenizer.source.encode(source) or [EOS]
    return [[*(ids * n)[: n - 1], EOS] for n in lengths]


@dataclass
class TrainVsInference:
    """One pair decoded two ways (Lecture §3): teacher forced as in training — every step fed
    the true y_<t — and free as at inference — fed the model's own previous outputs."""

    source: str
    target: str
    target_tokens: list[str]  # </s> included
    probs: list[float]  # p(y_t = target token | true y_<t, x)
    free_output: str
    free_tokens: list[str]  # the greedy decode's tokens

    @property
    def losses(self) -> list[float]:
        """−log p(y_t | y_<t, x) per target token."""
        return [-math.log(max(p, 1e-30)) for p in self.probs]

    @property
    def loss(self) -> float:
        """The training loss of this pair: the mean of ``losses``."""
        return sum(self.losses) / len(self.losses)

    @property
    def first_mistake(self) -> int | None:
        """0-based step where the free decode first leaves the target (None: it never does)."""
        return first_mistake(self.free_tokens, self.target_tokens)


def train_vs_inference(ckpt: Checkpoint, example: Example) -> TrainVsInference:
    (scored,) = score_targets(ckpt.model, ckpt.tokenizer, [example.source], [example.target])
    free = trace(ckpt.model, ckpt.tokenizer, example.source)
    return TrainVsInference(
        example.source, example.target, scored.target_tokens, scored.probs, free.output, free.output_tokens
    )


# --- teaching examples: inputs that make a point --------------------------------------------------


def trained_range(ckpt: Checkpoint) -> tuple[int, int] | None:
    """The shortest and longest training input in characters (the model card's "source_chars";
    a character task's min_len..max_len for older cards), or None when unknown."""
    if ckpt.card.source_chars is not None:
        return ckpt.card.source_chars
    if is_character_task(ckpt):
        return ckpt.task.min_len, ckpt.task.max_len
    return None


def in_range(ckpt: Checkpoint, source: str) -> bool:
    """Is ``source`` as long as the inputs the model trained on (True when the range is unknown)?"""
    chars = trained_range(ckpt)
    return chars is None or chars[0] <= len(source) <= chars[1]


def example_aer(ckpt: Checkpoint, source: str, target: str, gold: set[tuple[int, int]]) -> float:
    """The AER of one example (as ``training.evaluate`` computes it over a validation set): the
    argmax-α alignment of the model reading the correct ``target`` (teacher forcing) against
    the ``gold`` links (0-based (t, i) of target and source units)."""
    (scored,) = score_targets(ckpt.model, ckpt.tokenizer, [source], [target])
    return metrics.argmax_alignment_error_rate([scored], [gold])


def _generated(ckpt: Checkpoint, n: int, seed: int, lengths: list[int] | None = None) -> list[Example]:
    """Up to ``n`` distinct generated examples the model can read (``lengths``: character tasks only)."""
    task = ckpt.task
    if task is None or not task.generative:
        return []
    if task.has_splits and not lengths:  # a real corpus: sentences of its test split, never trained on
        drawn = task.heldout_data(n, seed)
    else:
        rng = random.Random(seed)
        drawn = [task.sample(rng, length=lengths[i]) if lengths else task.sample(rng) for i in range(n)]
    unique = list({ex.source: ex for ex in drawn}.values())
    limit = ckpt.model.cfg.max_src_len - 1  # what ``search.check_sources`` accepts
    return [ex for ex in unique if ex.source.strip() and len(ckpt.tokenizer.source.tokenize(ex.source)) <= limit]


def first_mistake(output_tokens: list[str], target_tokens: list[str]) -> int | None:
    """0-based position of the first output token that differs from the target's (a missing
    token counts), or None when they agree."""
    for i in range(max(len(output_tokens), len(target_tokens))):
        if i >= len(output_tokens) or i >= len(target_tokens) or output_tokens[i] != target_tokens[i]:
            return i
    return None


def _shortest_error(ckpt: Checkpoint, examples: list[Example]) -> tuple[str, str, str] | None:
    """(source, target, greedy output) of the shortest example the model gets wrong, or None."""
    outputs = translate(ckpt.model, ckpt.tokenizer, [ex.source for ex in examples]) if examples else []
    task = ckpt.task
    corpus = task is not None and task.has_splits  # a real sentence: any of its translations is right
    right = [(task.references(ex.source) or [ex.target]) if corpus else [ex.target] for ex in examples]
    wrong = [(ex.source, ex.target, out) for ex, out, ok in zip(examples, outputs, right, strict=True) if out not in ok]
    return min(wrong, key=lambda found: len(found[0]), default=None)


@dataclass
class ErringExample:
    """A generated input the model's greedy output gets wrong (Lecture §3)."""

    source: str
    target: str  # the right answer
    output: str  # the model's greedy output
    in_range: bool  # as long as the training inputs (False: found only among longer ones)
    tried: int  # generated inputs looked at


def find_error(ckpt: Checkpoint, n: int = 200, seed: int = 0) -> ErringExample | None:
    """The shortest of ``n`` generated inputs inside the training range that the model gets
    wrong; when it gets all of them right (and the task can make longer inputs), the
    shortest wrong one among ``n`` inputs longer than the training range (up to twice the
    longest). None when it gets every input right or the task generates nothing."""
    inside = [ex for ex in _generated(ckpt, n, seed) if in_range(ckpt, ex.source)]
    found = _shortest_error(ckpt, inside)
    if found is not None:
        return ErringExample(*found, in_range=True, tried=len(inside))
    chars = trained_range(ckpt)
    if is_character_task(ckpt) and chars is not None:
        lo, hi = chars[1] + 1, 2 * chars[1]
        longer = _generated(ckpt, n, seed, lengths=[lo + (hi - lo) * i // max(1, n - 1) for i in range(n)])
        found = _shortest_error(ckpt, longer)
        if found is not None:
            return ErringExample(*found, in_range=False, tried=len(inside) + len(longer))
    return None


@dataclass
class BeamExample:
    """An input on which beam search finds a likelier output than greedy decoding."""

    source: str
    target: str  # the right answer
    greedy: str
    beam: str  # the best of the beam's n-best list
    greedy_logp: float  # log p(greedy output | x)
    beam_logp: float  # log p(beam output | x), higher than greedy_logp
    greedy_correct: bool
    beam_correct: bool
    width: int
    in_range: bool  # as long as the training inputs
    # A real corpus (``find_beam_bleu_example``): sentence BLEU (0-100) of each output against
    # every reference of the source, on the text as a reader writes it, and sacrebleu's tokenisation.
    greedy_bleu: float | None = None
    beam_bleu: float | None = None
    bleu_tokenize: str | None = None

    @property
    def fixes_greedy(self) -> bool:
        """The example the lecture wants: greedy is wrong and the beam is right (a real sentence:
        the beam's output scores a higher sentence BLEU against the references)."""
        if self.greedy_bleu is not None and self.beam_bleu is not None:
            return self.beam_bleu > self.greedy_bleu
        return self.beam_correct and not self.greedy_correct


@dataclass
class BeamSearchFinding:
    """What ``find_beam_example`` looked at and what it found (``example`` None: nothing)."""

    tried: int  # generated inputs decoded greedily
    beams: int  # of them, searched with the beam as well
    example: BeamExample | None


def _beam_wins(ckpt: Checkpoint, examples: list[Example], width: int, max_beams: int) -> tuple[int, BeamExample | None]:
    """(beam searches run, the best example found) among ``examples``; see ``find_beam_example``."""
    if not examples:
        return 0, None
    model, tokenizer = ckpt.model, ckpt.tokenizer
    sources = [ex.source for ex in examples]
    outputs = translate(model, tokenizer, sources)
    own = score_targets(model, tokenizer, sources, outputs)
    wrong = [i for i, (ex, out) in enumerate(zip(examples, outputs, strict=True)) if out != ex.target]
    right = score_targets(model, tokenizer, [sources[i] for i in wrong], [examples[i].target for i in wrong])
    promising = [i for i, s in zip(wrong, right, strict=True) if s.log_prob > own[i].log_prob]
    promising.sort(key=lambda i: (len(sources[i]), own[i].log_prob))  # the shortest first: a class reads it
    rest = sorted(set(range(len(examples))) - set(promising), key=lambda i: min(own[i].probs, default=1.0))
    best: BeamExample | None = None
    beams = 0
    for i in (promising + rest)[:max_beams]:
        ex = examples[i]
        tree = beam_search(model, tokenizer, ex.source, width=width)
        beams += 1
        if not tree.nbest:
            continue
        top = tree.nbest[0]
        if top.text == outputs[i]:
            continue
        greedy_run = trace(model, tokenizer, ex.source)
        if top.text == greedy_run.output or top.score <= greedy_run.log_prob + 1e-6:
            continue
        found = BeamExample(
            source=ex.source,
            target=ex.target,
            greedy=greedy_run.output,
            beam=top.text,
            greedy_logp=greedy_run.log_prob,
            beam_logp=top.score,
            greedy_correct=greedy_run.output == ex.target,
            beam_correct=top.text == ex.target,
            width=width,
            in_range=in_range(ckpt, ex.source),
        )
        if found.fixes_greedy:
            return beams, found
        if best is None or found.beam_logp - found.greedy_logp > best.beam_logp - best.greedy_logp:
            best = found
    return beams, best


def find_beam_example(
    ckpt: Checkpoint, width: int = 5, n: int = 300, max_beams: int = 20, n_longer: int = 300, seed: int = 0
) -> BeamSearchFinding:
    """Search generated inputs for one where beam search of ``width`` (no length penalty)
    ends with a higher log-probability than greedy decoding, preferring one where the beam
    is right and greedy wrong, and one as long as the training inputs.

    First ``n`` inputs of the training distribution (a class reads those best: the shortest
    promising ones first); only when none of them has a likelier beam output, then (character
    tasks) ``n_longer`` longer ones, up to 1.5× the longest training input. Beam search costs ~10–30 ms per
    input of the range (more for longer ones), so it runs on at most ``max_beams``
    candidates of the range and half as many longer ones, the likeliest first: inputs
    greedy gets wrong although the model scores the right answer higher than its own output
    (teacher forced, batched), then those whose least certain greedy token had the lowest
    probability. Order of preference: beam right and greedy wrong inside the range, then any
    likelier beam output inside it, then (only then searched) outside it.
    """
    if ckpt.task is not None and ckpt.task.has_splits:  # a real corpus: scored against its references
        return find_beam_bleu_example(ckpt, width, n=min(n, CORPUS_BEAM_SENTENCES), seed=seed)
    inside = [ex for ex in _generated(ckpt, n, seed) if in_range(ckpt, ex.source)]
    beams, found = _beam_wins(ckpt, inside, width, max_beams)
    tried = len(inside)
    chars = trained_range(ckpt)
    # longer inputs only when the training lengths have no example at all: a class reads a short
    # input of the lengths it trained on more easily than a long one where greedy errs more
    if found is None and is_character_task(ckpt) and chars is not None:
        lo, hi = chars[1] + 1, max(chars[1] + 1, int(1.5 * chars[1]))
        spread = [lo + (hi - lo) * i // max(1, n_longer - 1) for i in range(n_longer)]
        longer = _generated(ckpt, n_longer, seed, lengths=spread)
        more, outside = _beam_wins(ckpt, longer, width, max(1, max_beams // 2))  # long: slow beams
        tried, beams = tried + len(longer), beams + more
        found = outside
    return BeamSearchFinding(tried, beams, found)


CORPUS_BEAM_SENTENCES = 80  # test sentences a corpus search decodes with greedy and the beam (~2 s idle)


def find_beam_bleu_example(ckpt: Checkpoint, width: int = 5, n: int = CORPUS_BEAM_SENTENCES, seed: int = 0
                           ) -> BeamSearchFinding:  # fmt: skip
    """A task of a real corpus (``Task.has_splits``): among ``n`` sentences of its test split
    (a seeded sample, as long as the training inputs), the one where beam search of ``width``
    (no length penalty) beats greedy decoding by the most sentence BLEU against every reference
    of the source (``metrics.sentence_bleu``: sacrebleu's zh tokenisation for a Chinese target,
    13a for English; both outputs detokenised, as a reader sees them); ties go to the shorter
    sentence. Exact match says nothing here: a real sentence has many right translations."""
    task, model, tokenizer = ckpt.task, ckpt.model, ckpt.tokenizer
    limit = model.cfg.max_src_len - 1
    examples = [
        ex for ex in task.heldout_data(n, seed)
        if in_range(ckpt, ex.source) and len(tokenizer.source.tokenize(ex.source)) <= limit
    ]  # fmt: skip
    greedy_outputs = translate(model, tokenizer, [ex.source for ex in examples]) if examples else []
    best: BeamExample | None = None
    for ex, greedy_output in zip(examples, greedy_outputs, strict=True):
        tree = beam_search(model, tokenizer, ex.source, width=width)
        if not tree.nbest or tree.nbest[0].text == greedy_output:
            continue
        top = tree.nbest[0]
        refs = [task.detokenize_target(r) for r in task.references(ex.source)]
        g_bleu = metrics.sentence_bleu(task.detokenize_target(greedy_output), refs)
        b_bleu = metrics.sentence_bleu(task.detokenize_target(top.text), refs)
        if b_bleu <= g_bleu:
            continue
        margin = (b_bleu - g_bleu, -len(ex.source))  # the bigger gain, then the shorter sentence
        if best is not None and margin <= (best.beam_bleu - best.greedy_bleu, -len(best.source)):
            continue
        greedy_run = trace(model, tokenizer, ex.source)  # the log p the page shows beside the BLEU
        best = BeamExample(
            source=ex.source, target=ex.target, greedy=greedy_output, beam=top.text,
            greedy_logp=greedy_run.log_prob, beam_logp=top.score,
            greedy_correct=greedy_output in task.references(ex.source),
            beam_correct=top.text in task.references(ex.source), width=width, in_range=True,
            greedy_bleu=g_bleu, beam_bleu=b_bleu, bleu_tokenize=metrics.bleu_tokenize(refs),
        )  # fmt: skip
    return BeamSearchFinding(len(examples), len(examples), best)


# --- the notes' second limitation, measured: a training step's time against sequence length ------

STEP_LENGTHS = (8, 16, 32, 64, 128, 256)  # tokens per source and per target
# The two roles of the comparison (the notes' second limitation): a decoder that must run one
# step after another, and one that runs every position at once.
RECURRENT, PARALLEL = "recurrent", "parallel"


def same_width(transformer: TransformerConfig, rnn: RNNConfig | None = None, longest: int = max(STEP_LENGTHS)) -> dict:
    """The two models ``step_times`` compares, at one width D = ``transformer.d_model``: the
    Transformer as configured (PARALLEL), and an RNN attention decoder (RECURRENT: ``rnn``'s cell,
    layers and score; default the zoo's GRU with additive attention) whose h_i and s_t have size
    D (D/2 per direction for a bidirectional encoder). Both accept ``longest`` tokens.

    :return: {RECURRENT: AttentionConfig, PARALLEL: TransformerConfig}
    """
    d = transformer.d_model
    base = rnn or RNNConfig(vocab_size=transformer.vocab_size, cell="gru", emb_dim=32, bidirectional=True)
    hidden = d // 2 if base.bidirectional else d
    longest = max(longest + 1, transformer.max_src_len)  # + </s>
    return {
        RECURRENT: AttentionConfig(
            vocab_size=transformer.vocab_size, cell=base.cell, emb_dim=base.emb_dim, hidden=hidden,
            layers=base.layers, bidirectional=base.bidirectional,
            score=base.family.score(base) or "additive", max_src_len=longest,
        ),
        PARALLEL: replace(transformer, max_src_len=longest),
    }  # fmt: skip


@dataclass
class StepTimes:
    """Milliseconds per training step (forward, loss, backward, clipping, Adam) against the
    sequence length n, for each model family at one batch size and width (Lecture §8)."""

    planned: list[int]  # the lengths asked for, ascending
    batch_size: int
    width: int  # D: the Transformer's d_model, the RNN's h_i and s_t
    threads: int  # PyTorch's intra-op threads while measuring
    lengths: list[int] = field(default_factory=list)  # measured so far (a prefix of ``planned``)
    ms: dict[str, list[float]] = field(default_factory=dict)  # role -> median ms per step, one per length
    families: dict[str, str] = field(default_factory=dict)  # role -> the timed model's family (cfg.decoder)
    stopped: str = ""  # "" (every length), "budget" (the time ran out) or "asked" (progress said stop)

    @property
    def complete(self) -> bool:
        return self.lengths == self.planned

    def at(self, family: str, length: int) -> float:
        return self.ms[family][self.lengths.index(length)]

    def speedup(self, length: int, slow: str = RECURRENT, fast: str = PARALLEL) -> float:
        """How many times faster ``fast``'s step is than ``slow``'s at ``length``."""
        return self.at(slow, length) / self.at(fast, length)

    def growth(self, family: str) -> float:
        """Step time at the longest measured length / at the shortest."""
        return self.ms[family][-1] / self.ms[family][0]


def _random_batch(vocab_size: int, batch_size: int, n: int, generator: torch.Generator) -> Batch:
    """B random sequences of n tokens as source and target (</s> last, no padding)."""
    first = len(SPECIAL_TOKENS)  # ordinary tokens only
    src = torch.randint(first, max(vocab_size, first + 1), (batch_size, n), generator=generator)
    tgt = torch.randint(first, max(vocab_size, first + 1), (batch_size, n), generator=generator)
    src[:, -1] = EOS
    tgt_in = torch.cat([torch.full((batch_size, 1), BOS), tgt[:, :-1]], 1)  # <s> y_1 .. y_{n-1}
    tgt_out = tgt.clone()
    tgt_out[:, -1] = EOS  # y_1 .. y_{n-1} </s>
    return Batch(src, torch.full((batch_size,), n), tgt_in, tgt_out)


def _predicted(spent: dict[int, float], done: list[int], n: int) -> float:
    """Seconds length ``n`` will take: the last length's time, scaled by n / n_prev or by the
    growth between the last two lengths, whichever is larger (steps grow at least linearly)."""
    last = spent[done[-1]]
    growth = n / done[-1]
    if len(done) > 1 and spent[done[-2]] > 0:
        growth = max(growth, (last / spent[done[-2]]) ** (math.log(n / done[-1]) / math.log(done[-1] / done[-2])))
    return last * growth


def step_times(
    configs: dict[str, ModelConfig],  # role (RECURRENT, PARALLEL) -> config
    lengths: Sequence[int] = STEP_LENGTHS,
    batch_size: int = 32,
    repeats: int = 3,
    budget_s: float = 60.0,
    progress: Callable[[StepTimes, float], bool | None] | None = None,
    seed: int = 0,
) -> StepTimes:
    """Time one training step (``training.train_step``) of each model in ``configs`` (family ->
    config, e.g. ``same_width``) on a batch of ``batch_size`` random sequences of n tokens, for
    every n in ``lengths`` (shortest first): one untimed warm-up step, then the median of up to
    ``repeats`` timed ones (at least one).

    Bounded by ``budget_s`` seconds: a length is not started when its predicted cost (the
    previous length's, grown as from the one before; ``_predicted``) would overrun the budget,
    and further repeats are skipped when they would. ``progress(times_so_far, fraction_done)`` is called after every
    measured model and length; returning True stops (``stopped`` = "asked").
    Fresh models with random weights: the time of a step does not depend on what was learned.
    """
    wanted = sorted({int(n) for n in lengths})
    if not wanted or wanted[0] < 2:
        raise ValueError("lengths must be at least 2 tokens (one token and </s>)")
    if not configs:
        raise ValueError("no model to time")
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    built: dict[str, tuple[Seq2Seq, torch.optim.Optimizer]] = {}
    for family, cfg in configs.items():
        model = families.build(cfg)
        model.train()
        built[family] = (model, torch.optim.Adam(model.parameters(), lr=1e-3))
    widths = [cfg.family.width(cfg)[1] for cfg in configs.values()]
    width = configs[PARALLEL].d_model if PARALLEL in configs else widths[0]
    out = StepTimes(planned=wanted, batch_size=batch_size, width=width, threads=torch.get_num_threads())
    out.ms = {role: [] for role in configs}
    out.families = {role: cfg.decoder for role, cfg in configs.items()}
    train_cfg = TrainConfig(batch_size=batch_size)
    start = time.perf_counter()
    spent: dict[int, float] = {}  # length -> seconds its measurements took (all models)
    total = len(wanted) * len(configs)
    try:
        for k, n in enumerate(wanted):
            left = budget_s - (time.perf_counter() - start)
            if k and _predicted(spent, wanted[:k], n) > left:
                out.stopped = "budget"
                break
            began = time.perf_counter()
            row: dict[str, float] = {}
            for j, (family, (model, optimizer)) in enumerate(built.items()):
                batch = _random_batch(configs[family].vocab_size, batch_size, n, generator)
                train_step(model, batch, optimizer, train_cfg)  # warm-up: allocations, first-call costs
                times: list[float] = []
                while len(times) < max(1, repeats):
                    if times and time.perf_counter() - start + times[-1] > budget_s:
                        break
                    t0 = time.perf_counter()
                    train_step(model, batch, optimizer, train_cfg)
                    times.append(time.perf_counter() - t0)
                row[family] = 1000 * statistics.median(times)
                partial = StepTimes(out.planned, batch_size, width, out.threads, [*out.lengths, n],
                                    {f: [*out.ms[f], row.get(f, math.nan)] for f in out.ms})  # fmt: skip
                if progress is not None and progress(partial, (k * len(configs) + j + 1) / total):
                    out.stopped = "asked"
                    break
            if out.stopped:
                break
            out.lengths.append(n)
            for family in out.ms:
                out.ms[family].append(row[family])
            spent[n] = time.perf_counter() - began
    finally:
        for model, _ in built.values():
            model.eval()
    return out
