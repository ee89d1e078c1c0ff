"""Where does reverse-attention (no coverage) repeat or skip a source token and reverse-coverage not?

Run: PYTHONPATH=. .venv/bin/python benchmarks/coverage_search.py — prints counts (inside / beyond
the 3–24 training lengths) and the shortest inputs where only the model without coverage errs.
"""

import collections
import random

from seq2seq.analysis import mistakes
from seq2seq.core import checkpoint

TRAINED_MAX = 24


def how_wrong(row) -> str:
    """ "repeat" (a source character emitted too often), "skip" (too rarely), both, or ""."""
    src, out = collections.Counter(row.source), collections.Counter(row.output)
    extra, missing = sum((out - src).values()), sum((src - out).values())
    return ("repeat" if extra else "") + ("skip" if missing else "")


def main() -> None:
    plain = checkpoint.load("checkpoints/reverse-attention.safetensors")
    cov = checkpoint.load("checkpoints/reverse-coverage.safetensors")
    rng = random.Random(11)
    examples = [plain.task.sample(rng, length=n) for n in range(3, 41) for _ in range(60)]  # to 1.7× trained
    rows = zip(mistakes.analyze(plain, examples).rows, mistakes.analyze(cov, examples).rows, strict=True)
    stats, found = collections.Counter(), []
    for a, b in rows:
        where = "inside" if len(a.source) <= TRAINED_MAX else "beyond"
        stats[f"{where}: no coverage wrong"] += not a.correct
        stats[f"{where}: coverage wrong"] += not b.correct
        if not a.correct and b.correct:
            kind = how_wrong(a)
            stats[f"{where}: only no coverage wrong ({kind or 'other'})"] += 1
            if kind:
                found.append((len(a.source), a.source, a.output, kind))
        if a.correct and not b.correct:
            stats[f"{where}: only coverage wrong"] += 1
    for key, value in sorted(stats.items()):
        print(f"{key}: {value}")
    for item in sorted(found)[:5]:
        print(item)


if __name__ == "__main__":
    main()
