"""The real-sentence models on the Tatoeba test split: BLEU and chrF overall and by source length,
and whether attention beats the vanilla decoder significantly (sacrebleu's paired bootstrap).

    .venv/bin/python benchmarks/real_sentences.py            # every shipped en-zh / zh-en model

Every source of the test split is decoded greedily once; its references are all its translations
in the split; outputs and references are scored as a reader writes them (English detokenised,
Chinese as written) with sacrebleu's tokenisation for the target's script ("zh" for Chinese).
The longest quarter is the quarter of test sources with the most source tokens. Writes
benchmarks/results/real_sentences.json and prints a markdown table (docs/models.md quotes it).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sacrebleu.metrics import BLEU  # noqa: E402
from sacrebleu.significance import PairedTest  # noqa: E402

import seq2seq  # noqa: E402, F401  (configures torch first)
from seq2seq.core import checkpoint  # noqa: E402
from seq2seq.core.search import translate  # noqa: E402
from seq2seq.training import metrics  # noqa: E402

OUT = ROOT / "benchmarks" / "results" / "real_sentences.json"
PER_SENTENCE = ("sources", "outputs", "references", "longest")  # kept out of the JSON
MODELS = ["en-zh-vanilla", "en-zh-attention", "en-zh-transformer", "zh-en-attention"]


def decode_test_split(name: str) -> dict:
    ckpt = checkpoint.load(ROOT / "checkpoints" / f"{name}.safetensors")
    task = ckpt.task
    sources = [ex.source for ex in task.test_examples()]
    outputs = []
    for start in range(0, len(sources), 200):
        outputs += translate(ckpt.model, ckpt.tokenizer, sources[start : start + 200])
    refs = [[task.detokenize_target(r) for r in task.references(s)] for s in sources]
    outputs = [task.detokenize_target(o) for o in outputs]
    lengths = [len(ckpt.tokenizer.source.tokenize(s)) for s in sources]
    cut = sorted(lengths)[3 * len(lengths) // 4]  # the longest quarter: at least this many source tokens
    longest = [i for i, n in enumerate(lengths) if n >= cut]
    return {
        "name": name,
        "task": task.name,
        "sources": sources,
        "outputs": outputs,
        "references": refs,
        "longest": longest,
        "bleu": metrics.bleu(outputs, refs),
        "chrf": metrics.chrf(outputs, refs),
        "longest_from": cut,
        "bleu_longest": metrics.bleu([outputs[i] for i in longest], [refs[i] for i in longest]),
        "chrf_longest": metrics.chrf([outputs[i] for i in longest], [refs[i] for i in longest]),
        "by_length": metrics.scores_by_length(sources, outputs, refs, unit=task.source_unit),
    }


def paired_bootstrap(base: dict, other: dict, rows: list[int]) -> dict:
    """sacrebleu's paired bootstrap (1,000 resamples, its fixed seed): is ``other`` better than ``base``?"""
    refs = [base["references"][i] for i in rows]
    streams = metrics.reference_streams(refs)
    tokenize = metrics.bleu_tokenize(r for rs in refs for r in rs)
    systems = [(base["name"], [base["outputs"][i] for i in rows]), (other["name"], [other["outputs"][i] for i in rows])]
    _, scores = PairedTest(systems, {"BLEU": BLEU(tokenize=tokenize)}, streams, test_type="bs", n_samples=1000)()
    result = scores["BLEU"][1]
    return {"base": base["name"], "other": other["name"], "bleu": result.score, "p_value": result.p_value}


def main() -> int:
    found = [decode_test_split(name) for name in MODELS if (ROOT / "checkpoints" / f"{name}.safetensors").exists()]
    by_name = {r["name"]: r for r in found}
    tests = []
    if {"en-zh-vanilla", "en-zh-attention"} <= by_name.keys():
        vanilla, attention = by_name["en-zh-vanilla"], by_name["en-zh-attention"]
        tests.append(paired_bootstrap(vanilla, attention, list(range(len(vanilla["sources"])))) | {"rows": "all"})
        tests.append(paired_bootstrap(vanilla, attention, attention["longest"]) | {"rows": "longest quarter"})
    summary = {
        "models": [
            {k: v for k, v in r.items() if k not in ("sources", "outputs", "references", "longest")} for r in found
        ],
        "paired_bootstrap": tests,
    }
    OUT.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
    print("| model | test sources | BLEU | chrF | BLEU, longest quarter | chrF, longest quarter |")
    print("|---|---|---|---|---|---|")
    for r in found:
        print(f"| `{r['name']}` | {len(r['sources'])} | {r['bleu']:.1f} | {r['chrf']:.1f} | "
              f"{r['bleu_longest']:.1f} (≥ {r['longest_from']} tokens) | {r['chrf_longest']:.1f} |")  # fmt: skip
    for t in tests:
        print(
            f"paired bootstrap, {t['rows']}: {t['other']} BLEU {t['bleu']:.1f} vs {t['base']}, p = {t['p_value']:.4f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
