"""How far can α move while the output stays? Jain & Wallace's adversarial attention on the shipped
reverse attention models (``attribution.adversarial``, ε = 0.05, 200 Adam steps per input).

Run: PYTHONPATH=. .venv/bin/python benchmarks/adversarial_attention.py [--n 30] — prints, per model,
the median JSD(α̃, α) over every step of n held-out inputs, the share of steps where it exceeds 0.5,
and the share where α̃'s top token is a *twin* of α's (the same token at another position).
"""

import argparse
import statistics

from seq2seq.analysis import attribution
from seq2seq.core import checkpoint
from seq2seq.training.pipeline import heldout

MODELS = ("reverse-attention-scaled-dot", "reverse-attention", "reverse-attention-dot", "reverse-attention-general")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="held-out inputs per model")
    parser.add_argument("--epsilon", type=float, default=0.05)
    args = parser.parse_args()
    print("| model | steps | median JSD(α̃, α) | JSD > 0.5 | top token moved to a twin |")
    print("| --- | --- | --- | --- | --- |")
    for name in MODELS:
        ckpt = checkpoint.load(f"checkpoints/{name}.safetensors")
        jsd, twins = [], 0
        for example in heldout(ckpt, args.n, 4242):
            result = attribution.adversarial(ckpt.model, ckpt.tokenizer, example.source, epsilon=args.epsilon)
            for step in result.steps:
                jsd.append(step.jsd)
                moved = max(range(len(step.adversarial)), key=step.adversarial.__getitem__)
                top = max(range(len(step.alpha)), key=step.alpha.__getitem__)
                twins += moved != top and result.source_tokens[moved] == result.source_tokens[top]
        over = sum(j > 0.5 for j in jsd) / len(jsd)
        print(f"| {name} | {len(jsd)} | {statistics.median(jsd):.2f} | {over:.0%} | {twins / len(jsd):.0%} |")


if __name__ == "__main__":
    main()
