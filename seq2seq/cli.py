"""``python -m seq2seq``: train, evaluate and translate from a terminal.

Machine-readable results go to stdout as JSON (the last line for ``train``); progress and
errors go to stderr. A user's mistake (bad argument, missing or corrupt file, unusable
input) prints one line starting with ``error:`` and exits with status 1 (2 for bad usage);
set SEQ2SEQ_DEBUG=1 to see the traceback of an unexpected failure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import checkpoint, errors_analysis, limits
from .attention import NORMS, SCORES
from .errors import InputError, Seq2SeqError
from .model import CELLS, DECODERS, MAX_WINDOW, PLACEMENTS, POSITIONS
from .pairs import load_pairs
from .pipeline import DataConfig, TokenizerConfig, heldout, train_on_task
from .search import beam_search, trace
from .tasks import TASKS, make_task
from .tokenizers import KINDS, visible_token
from .training import TrainConfig, evaluate, print_progress


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr (not usage text + message)."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def int_between(low: int, high: int):
    """An argparse type: a whole number in [low, high] (caps keep a typo from hanging the machine)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected a number from {low} to {high:,}, got {value}")
        return value

    return parse


positive_int = int_between(1, limits.MAX_COUNT)


def fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {value}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def build_parser() -> Parser:
    parser = Parser(prog="python -m seq2seq", description="Train, evaluate and run seq2seq models.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    t = sub.add_parser("train", help="train a model on a task and save it as a .safetensors checkpoint")
    t.add_argument("--task", choices=sorted(TASKS), default="reverse", help="built-in task, or 'pairs' with --pairs")
    t.add_argument("--pairs", type=Path, help="your own TSV/CSV of source/target pairs (implies --task pairs)")
    t.add_argument("--valid", type=Path, help="held-out pairs for --pairs (default: a split of --pairs)")
    t.add_argument("--tokenizer", choices=KINDS, help="default: the task's natural unit (char, or word)")
    t.add_argument(
        "--vocab-size",
        type=int_between(8, limits.MAX_TOKENIZER_UNITS),
        default=200,
        help="sentencepiece vocabulary size",
    )
    t.add_argument("--sp-model", choices=("unigram", "bpe"), default="unigram", help="sentencepiece model type")
    t.add_argument("--decoder", choices=DECODERS, default="attention")
    t.add_argument("--score", choices=SCORES, default="additive", help="attention score function")
    t.add_argument(
        "--placement", choices=PLACEMENTS, default="bahdanau",
        help="attend from s_{t-1} before the RNN step (bahdanau) or from s_t after it (luong: one-call training)",
    )  # fmt: skip
    t.add_argument("--input-feeding", action="store_true", help="luong: feed h~_{t-1} into the next step")
    t.add_argument("--attention-norm", choices=NORMS, default="softmax", help="sparsemax/entmax15 give exact zeros")
    t.add_argument(
        "--window", type=int_between(0, MAX_WINDOW), default=0, help="local-p attention's half-width D (0 = global)"
    )
    t.add_argument("--coverage", action="store_true", help="feed the sum of past alpha into the (additive) score")
    t.add_argument("--coverage-loss", type=float, default=0.0, help="weight of the coverage loss (0 = off)")
    t.add_argument("--cell", choices=sorted(CELLS), default="gru")
    t.add_argument("--bidirectional", action=argparse.BooleanOptionalAction, default=True)
    t.add_argument(
        "--hidden",
        type=int_between(1, limits.MODEL_LIMITS["hidden"]),
        default=64,
        help="encoder state size per direction",
    )
    t.add_argument(
        "--emb", type=int_between(1, limits.MODEL_LIMITS["emb_dim"]), default=32, help="token embedding size"
    )
    t.add_argument(
        "--layers",
        type=int,
        choices=tuple(range(1, limits.MODEL_LIMITS["layers"] + 1)),
        default=1,
        help=f"stacked layers: 1-{limits.MAX_RNN_LAYERS} (RNN), 1-{limits.MODEL_LIMITS['layers']} (Transformer)",
    )
    t.add_argument(
        "--heads", type=int_between(1, limits.MODEL_LIMITS["heads"]), default=4, help="Transformer: heads per layer"
    )
    t.add_argument(
        "--d-model", type=int_between(1, limits.MODEL_LIMITS["d_model"]), default=64, help="Transformer: width"
    )
    t.add_argument(
        "--ff-dim",
        type=int_between(1, limits.MODEL_LIMITS["ff_dim"]),
        default=128,
        help="Transformer: feed-forward size",
    )
    t.add_argument("--positions", choices=POSITIONS, default="sinusoidal", help="Transformer: position encodings")
    t.add_argument(
        "--min-len", type=int_between(1, limits.MAX_TASK_LEN), default=3, help="copy/reverse/sort: shortest string"
    )
    t.add_argument(
        "--max-len", type=int_between(1, limits.MAX_TASK_LEN), default=12, help="copy/reverse/sort: longest string"
    )
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--batch-size", type=int_between(1, limits.MAX_BATCH_CLI), default=128)
    t.add_argument("--lr", type=positive_float, default=5e-3)
    t.add_argument("--lr-decay", action="store_true", help="decay the learning rate linearly to 0 at --max-steps")
    t.add_argument("--teacher-forcing", type=fraction, default=1.0)
    t.add_argument("--max-seconds", type=positive_float, default=120.0)
    t.add_argument("--max-steps", type=positive_int, default=100_000)
    t.add_argument("--target-accuracy", type=fraction, default=0.99, help="stop at this held-out exact match")
    t.add_argument("--eval-every", type=positive_int, default=25, help="steps between validations")
    t.add_argument(
        "--threads", type=int_between(1, limits.MAX_THREADS), help="intra-op threads (default: torch's choice)"
    )
    t.add_argument(
        "--bucket-pool",
        type=int_between(0, limits.MAX_BUCKET_POOL),
        default=0,
        help="batch similar lengths from pools of N batches",
    )
    t.add_argument("--n-train", type=positive_int, default=20_000)
    t.add_argument("--n-valid", type=int_between(1, limits.MAX_VALID_EXAMPLES), default=500)
    t.add_argument("--out", type=Path, required=True, help="where to write the .safetensors checkpoint")

    e = sub.add_parser("eval", help="score a checkpoint on fresh held-out data of its task")
    e.add_argument("path", type=Path)
    e.add_argument(
        "--n", type=int_between(1, limits.MAX_EVAL_EXAMPLES), default=1000, help="number of held-out examples"
    )
    e.add_argument("--seed", type=int, default=12345)
    e.add_argument("--pairs", type=Path, help="score on these pairs (TSV/CSV) instead of generated ones")
    e.add_argument(
        "--errors",
        type=Path,
        metavar="FILE.jsonl",
        help="also write one JSON line per example: source, target, output, correct, log_prob,"
        " entropy, coverage_deficit, aer, length (see seq2seq/errors_analysis.py)",
    )

    tr = sub.add_parser("translate", help="decode one input with a checkpoint")
    tr.add_argument("path", type=Path)
    tr.add_argument("text")
    tr.add_argument("--json", action="store_true", help="print tokens and attention as JSON")
    tr.add_argument("--top-k", type=int_between(1, limits.MAX_TOP_K), default=5)
    tr.add_argument(
        "--beam", type=int_between(1, limits.MAX_BEAM_WIDTH_CLI), help="beam search of this width (adds nbest and tree)"
    )
    tr.add_argument("--alpha", type=float, default=0.0, help="GNMT length penalty for --beam (0 = off)")
    return parser


def cmd_train(args: argparse.Namespace) -> int:
    if args.out.suffix != checkpoint.SUFFIX:
        raise InputError(f"--out must end in {checkpoint.SUFFIX}: {args.out}")
    if args.min_len > args.max_len:
        raise InputError(f"--min-len {args.min_len} is larger than --max-len {args.max_len}")
    pairs = valid_pairs = None
    if args.pairs is not None:
        loaded = load_pairs(args.pairs)
        for note in loaded.notes:
            print(f"note: {args.pairs.name}, {note}", file=sys.stderr)
        pairs = loaded.examples
        if args.valid is not None:
            valid_pairs = load_pairs(args.valid).examples
        task = make_task("pairs", source_name=args.pairs.name, n_pairs=len(pairs), examples=(pairs[0].source,))
    elif args.task == "pairs":
        raise InputError("--task pairs needs --pairs FILE")
    elif TASKS[args.task].character_task:
        task = make_task(args.task, min_len=args.min_len, max_len=args.max_len)
    else:
        task = make_task(args.task)
    model_options = {
        "cell": args.cell,
        "emb_dim": args.emb,
        "hidden": args.hidden,
        "layers": args.layers,
        "bidirectional": args.bidirectional,
        "decoder": args.decoder,
        "score": args.score,
        "placement": args.placement,
        "input_feeding": args.input_feeding,
        "attention_norm": args.attention_norm,
        "window": args.window,
        "coverage": args.coverage,
        "heads": args.heads,
        "d_model": args.d_model,
        "ff_dim": args.ff_dim,
        "positions": args.positions,
    }
    train_cfg = TrainConfig(
        batch_size=args.batch_size,
        lr=args.lr,
        teacher_forcing=args.teacher_forcing,
        max_steps=args.max_steps,
        max_seconds=args.max_seconds,
        target_accuracy=args.target_accuracy,
        eval_every=args.eval_every,
        seed=args.seed,
        threads=args.threads,
        bucket_pool=args.bucket_pool,
        lr_decay=args.lr_decay,
        coverage_loss=args.coverage_loss,
    )

    data_cfg = DataConfig(n_train=args.n_train, n_valid=args.n_valid, seed=args.seed)
    tokenizer_cfg = TokenizerConfig(kind=args.tokenizer, vocab_size=args.vocab_size, model_type=args.sp_model)
    ckpt, result = train_on_task(
        task, model_options, train_cfg, data_cfg, [print_progress()], None, tokenizer_cfg, pairs, valid_pairs
    )
    path = checkpoint.save(ckpt, args.out)
    summary = ckpt.card.metrics | {
        "task": task.name,
        "decoder": args.decoder,
        "variant": ckpt.model.cfg.variant if args.decoder == "attention" else None,
        "seconds": round(result.seconds, 2),
        "steps": result.steps,
        "stopped_because": result.stopped_because,
        "checkpoint": str(path),
    }
    print(json.dumps(summary))
    return 0


def check_writable(path: Path) -> None:
    """Refuse an output path that cannot be a file, before any work is done."""
    if path.is_dir():
        raise InputError(f"{path} is a folder: give a file name, e.g. {path / 'errors.jsonl'}")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputError(f"cannot write {path}: {parent} is a file, not a folder")
            break


def write_errors(ckpt: checkpoint.Checkpoint, examples: list, path: Path) -> dict:
    """``--errors``: the per-example error analysis as JSON lines; a summary for stdout."""
    result = errors_analysis.analyze(ckpt, examples)
    try:
        result.write_jsonl(path)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    print(f"note: wrote {len(result.rows)} lines to {path}", file=sys.stderr)
    return {"errors_file": str(path), "errors": sum(not r.correct for r in result.rows)}


def cmd_eval(args: argparse.Namespace) -> int:
    if args.errors is not None:
        check_writable(args.errors)
    ckpt = checkpoint.load(args.path)
    if args.pairs is not None:
        loaded = load_pairs(args.pairs)
        for note in loaded.notes:
            print(f"note: {args.pairs.name}, {note}", file=sys.stderr)
        examples = loaded.examples
    else:
        examples = heldout(ckpt, args.n, args.seed)
    result = evaluate(ckpt.model, ckpt.tokenizer, examples, ckpt.task)
    cfg = ckpt.model.cfg
    out = {
        "task": ckpt.card.task,
        "decoder": cfg.decoder,
        "variant": cfg.variant if cfg.decoder == "attention" else None,
    }
    out |= result
    if args.errors is not None:
        out |= write_errors(ckpt, examples, args.errors)
    print(json.dumps(out))
    return 0


def cmd_translate(args: argparse.Namespace) -> int:
    ckpt = checkpoint.load(args.path)
    result = trace(ckpt.model, ckpt.tokenizer, args.text, top_k=args.top_k)
    tree = None
    if args.beam is not None:
        if not 0.0 <= args.alpha <= limits.MAX_LENGTH_ALPHA_CLI:
            raise InputError(f"--alpha must lie between 0 and {limits.MAX_LENGTH_ALPHA_CLI:g}, got {args.alpha}")
        tree = beam_search(ckpt.model, ckpt.tokenizer, args.text, width=args.beam, length_alpha=args.alpha)
    output = tree.nbest[0].text if tree is not None and tree.nbest else result.output
    if args.json:
        # The result objects' own JSON (what the Translate page exports), so there is one schema.
        data = result.to_dict()
        if tree is not None:
            data["tree"] = tree.to_dict()  # every node, with its α row
            data["nbest"] = data["tree"]["nbest"]  # also at the top level, where it has always been
            data["beam"] = {"width": tree.width, "alpha": tree.length_penalty, "output": output}
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(output)
    if result.unknown:
        shown = " ".join(visible_token(u) for u in result.unknown)
        print(f"note: not in this model's vocabulary (read as <unk>): {shown}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    commands = {"train": cmd_train, "eval": cmd_eval, "translate": cmd_translate}
    try:
        return commands[args.command](args)
    except Seq2SeqError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: still one line, unless the user asks for the traceback
        if os.environ.get("SEQ2SEQ_DEBUG"):
            raise
        print(f"error: unexpected {type(exc).__name__}: {exc} (set SEQ2SEQ_DEBUG=1 for details)", file=sys.stderr)
        return 1
