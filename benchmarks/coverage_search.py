"""Where does reverse-attention (no coverage) repeat or skip a source token and reverse-coverage not?

Run: PYTHONPATH=. .venv/bin/python benchmarks/coverage_search.py (prints counts and the shortest examples).
"""
import collections, random
from seq2seq import checkpoint, errors_analysis


plain = checkpoint.load("checkpoints/reverse-attention.safetensors")
cov = checkpoint.load("checkpoints/reverse-coverage.safetensors")
task = plain.task
rng = random.Random(11)
examples = [task.sample(rng, length=n) for n in range(3, 41) for _ in range(60)]  # 3..40: up to 1.7x the longest trained
a = errors_analysis.analyze(plain, examples).rows
b = errors_analysis.analyze(cov, examples).rows

def kind(row):
    src, out = collections.Counter(row.source), collections.Counter(row.output)
    extra = sum((out - src).values()); missing = sum((src - out).values())
    return ("repeat" if extra else "") + ("skip" if missing else "")

stats = collections.Counter()
found = []
for ra, rb in zip(a, b):
    inside = len(ra.source) <= 24
    stats[("plain wrong", inside)] += not ra.correct
    stats[("coverage wrong", inside)] += not rb.correct
    if not ra.correct and rb.correct:
        k = kind(ra)
        stats[("plain repeats/skips, coverage right", inside, k)] += 1
        if k: found.append((len(ra.source), ra.source, ra.output, k, ra.coverage_deficit))
    if ra.correct and not rb.correct:
        stats[("coverage wrong, plain right", inside)] += 1
for k, v in sorted(stats.items(), key=str): print(k, v)
found.sort()
for f in found[:5]: print(f)
print("n per side:", sum(len(e.source) <= 24 for e in examples), sum(len(e.source) > 24 for e in examples))
