"""`make bench`: Attention Lab against the tools a lecturer would otherwise pick, in one run.

    python benchmarks/bench.py                 # everything (~12 min on 2 cores)
    python benchmarks/bench.py --skip-joey     # without the Joey NMT comparison
    python benchmarks/bench.py --only app      # one section
    python benchmarks/bench.py --repeats 1     # one run per row (faster, no spread)

Sections (each row: median, min-max over the repeats, n):

1. Joey NMT 2.3.0 on its own reverse recipe (configs/rnn_reverse.yaml: random sequences of
   50 token types, training lengths 1-25, 50,000 pairs, dev/test lengths 1-30; LSTM 64,
   embeddings 16, bidirectional encoder, Luong attention, batch 10, one epoch). joeynmt is
   installed into its own virtual environment under the work folder (never the project's),
   beside torch 2.13.0, and started by benchmarks/joey_launcher.py. Both tools get the same
   generated files. The accuracy to reach is what Joey NMT reaches in its recipe's budget,
   measured on the dev lines no longer than the training data (lengths 26-30 test
   extrapolation, which neither tool trains for; whole-set figures are reported too).
   Joey NMT's time is launch to the validation that first reached it; ours is launch of
   `python -m seq2seq train` to the checkpoint on disk (includes the final full evaluation).
2. The tutorial's way: the same model trained one example at a time vs our batches.
3. The machine: torch.mm peak at 2 threads; training FLOP/s as a fraction of it; the ops
   that dominate a profiled epoch.
4. The app: cold start of /translate to a visible heatmap in headless Chromium, reruns of
   the step control and of the beam page at width 5 (click to idle), server memory.
5. Felt speed (benchmarks/felt_speed.py, also `make bench-felt`): a step, a first and a
   second visitor, each against a bare Streamlit app in the same browser, with the ratios.
6. The Transformer (benchmarks/transformer_speed.py): greedy trace and beam 5 of 30 tokens, and
   a training step at 8-256 tokens against the RNN attention model at the same batch and width.

Writes benchmarks/results/bench.json and bench.md (docs/performance.md quotes them). The machines are
shared and noisy: compare ratios from one run, not figures across runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import seq2seq  # noqa: E402, F401  (first: it sets OMP_WAIT_POLICY=PASSIVE before torch loads, as the app does)

# isort: split
import torch  # noqa: E402
from torch import nn  # noqa: E402

from seq2seq.core import checkpoint, families  # noqa: E402
from seq2seq.core.model import Seq2Seq, count_parameters  # noqa: E402
from seq2seq.core.rnn import AttentionConfig  # noqa: E402
from seq2seq.core.search import beam_batch, beam_search, translate  # noqa: E402
from seq2seq.data.batches import batches  # noqa: E402
from seq2seq.data.tasks import Example  # noqa: E402
from seq2seq.data.tokenizers import PAD, build_tokenizer  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
JOEY_VERSION = "2.3.0"
TORCH_VERSION = "2.13.0"
# Ours on Joey NMT's data: an LSTM like its recipe's (states of 64 in the decoder; our decoder
# state has the size of h_i, so 32 per direction), Luong's multiplicative ("general") score.
OURS = {"cell": "lstm", "emb": 16, "hidden": 32, "score": "general"}
OURS_TRAIN = {"batch-size": 64, "lr": 5e-3, "max-steps": 2000, "bucket-pool": 50, "threads": 1, "eval-every": 50}
TARGETS = {
    "joey_ratio": 5.0,
    "tutorial_ratio": 20.0,
    "cold_start_s": 3.0,
    "step_rerun_ms": 150.0,
    "beam_rerun_ms": 250.0,
}


# --- the table ----------------------------------------------------------------------------


class Table:
    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, section: str, name: str, values: list[float], unit: str, target: str = "", note: str = "") -> dict:
        values = [float(v) for v in values]
        row = {
            "section": section,
            "measure": name,
            "median": statistics.median(values) if values else None,
            "min": min(values) if values else None,
            "max": max(values) if values else None,
            "n": len(values),
            "unit": unit,
            "target": target,
            "note": note,
        }
        self.rows.append(row)
        print(
            f"{section:>10} | {name:<60} | {fmt(row)} {unit} {('(target ' + target + ')') if target else ''}",
            flush=True,
        )
        return row

    def markdown(self, machine: dict) -> str:
        lines = [
            f"# Attention Lab benchmarks, {machine['date']}",
            "",
            f"Machine: {machine['description']}. Command: `make bench`.",
            "",
            "| section | measure | median | spread (min–max) | n | unit | target | note |",
            "|---|---|---:|---:|---:|---|---|---|",
        ]
        for r in self.rows:
            spread = "" if r["n"] < 2 else f"{num(r['min'])}–{num(r['max'])}"
            lines.append(
                f"| {r['section']} | {r['measure']} | {num(r['median'])} | {spread} | {r['n']} | {r['unit']} "
                f"| {r['target']} | {r['note']} |"
            )
        return "\n".join(lines) + "\n"


def num(x: float | None) -> str:
    if x is None:
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


def fmt(row: dict) -> str:
    if row["n"] < 2:
        return num(row["median"])
    return f"{num(row['median'])} [{num(row['min'])}–{num(row['max'])}]"


def machine_info() -> dict:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    desc = f"{cpu}, {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
    desc += f", torch {torch.__version__}"
    return {"date": dt.date.today().isoformat(), "cpu": cpu, "cores": os.cpu_count(), "description": desc}


# --- data: Joey NMT's reverse task -----------------------------------------------------------


def reverse_data(seed: int = 42) -> dict[str, list[Example]]:
    """The distribution of Joey NMT's scripts/generate_reverse_task.py (tokens 0-49, lengths
    uniform in 1-25 for training and 1-30 for dev and test), from Python's seeded random."""
    rng = random.Random(seed)

    def sample(n: int, max_len: int) -> list[Example]:
        out = []
        for _ in range(n):
            tokens = [str(rng.randrange(50)) for _ in range(rng.randint(1, max_len))]
            out.append(Example(" ".join(tokens), " ".join(reversed(tokens))))
        return out

    return {"train": sample(50_000, 25), "dev": sample(1000, 30), "test": sample(1000, 30)}


def in_range(examples: list[Example], max_len: int = 25) -> list[Example]:
    return [ex for ex in examples if len(ex.source.split()) <= max_len]


def write_data(data: dict[str, list[Example]], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for split, examples in data.items():
        (folder / f"{split}.src").write_text("".join(ex.source + "\n" for ex in examples))
        (folder / f"{split}.trg").write_text("".join(ex.target + "\n" for ex in examples))
        (folder / f"{split}.tsv").write_text("".join(f"{ex.source}\t{ex.target}\n" for ex in examples))
    (folder / "dev25.tsv").write_text("".join(f"{ex.source}\t{ex.target}\n" for ex in in_range(data["dev"])))


def exact_match(hyps: list[str], examples: list[Example]) -> float:
    return sum(h.strip() == ex.target for h, ex in zip(hyps, examples, strict=True)) / len(examples)


# --- Joey NMT ---------------------------------------------------------------------------------


def joey_python(work: Path) -> Path:
    """joeynmt 2.3.0 in its own venv under ``work`` (created on first use, ~2 min)."""
    venv = work / "joey-venv"
    python = venv / "bin" / "python"
    stamp = venv / f".joeynmt-{JOEY_VERSION}"
    if not stamp.exists():
        print(f"installing joeynmt=={JOEY_VERSION} into {venv} (its own venv; once)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, f"torch=={TORCH_VERSION}"], check=True)  # first: joeynmt must not pull another
        # joeynmt imports importlib_metadata without declaring it
        subprocess.run([*pip, f"joeynmt=={JOEY_VERSION}", "importlib_metadata"], check=True)
        stamp.touch()
    return python


def joey_config(data: Path, model_dir: Path, beam_size: int = 1) -> str:
    """configs/rnn_reverse.yaml of joeynmt, with our paths and exact match (sequence_accuracy)
    added to the validation metrics; every training and model setting is the recipe's."""
    return f"""name: "reverse_experiment"
joeynmt_version: "{JOEY_VERSION}"
data:
    train: "{data}/train"
    dev: "{data}/dev"
    test: "{data}/test"
    src: {{lang: "src", max_length: 25, level: "word", voc_limit: 100, voc_min_freq: 0}}
    trg: {{lang: "trg", max_length: 25, level: "word", voc_limit: 100, voc_min_freq: 0}}
    dataset_type: "plain"
testing:
    n_best: 1
    beam_size: {beam_size}
    beam_alpha: 1.0
    eval_metrics: ["bleu", "sequence_accuracy"]
    max_output_length: 30
    batch_size: 10
    batch_type: "sentence"
    return_prob: "none"
    sacrebleu_cfg: {{tokenize: "13a"}}
training:
    random_seed: 42
    optimizer: "adam"
    learning_rate: 0.001
    learning_rate_min: 0.0002
    weight_decay: 0.0
    clip_grad_norm: 1.0
    batch_size: 10
    batch_type: "sentence"
    scheduling: "plateau"
    patience: 5
    decrease_factor: 0.5
    early_stopping_metric: "bleu"
    epochs: 1
    validation_freq: 1000
    logging_freq: 100
    model_dir: "{model_dir}"
    overwrite: True
    shuffle: True
    use_cuda: False
    fp16: True
    print_valid_sents: [0, 3, 6]
    keep_best_ckpts: 2
model:
    initializer: "xavier_uniform"
    embed_initializer: "normal"
    embed_init_weight: 0.1
    bias_initializer: "zeros"
    init_rnn_orthogonal: False
    lstm_forget_gate: 0.
    encoder:
        type: "recurrent"
        rnn_type: "lstm"
        embeddings: {{embedding_dim: 16, scale: False}}
        hidden_size: 64
        bidirectional: True
        dropout: 0.1
        num_layers: 1
    decoder:
        type: "recurrent"
        rnn_type: "lstm"
        embeddings: {{embedding_dim: 16, scale: False}}
        hidden_size: 64
        dropout: 0.1
        hidden_dropout: 0.1
        num_layers: 1
        input_feeding: True
        init_hidden: "zero"
        attention: "luong"
        activation: "tanh"
"""


LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) - \w+ - [\w.]+ - (.*)$")


def run_joey(
    python: Path, work: Path, mode: str, config: Path, extra: list[str] = ()
) -> tuple[float, list[tuple[float, str]]]:
    """Run joeynmt (1 thread: much faster than 2 on a busy 2-core machine); return its wall
    time and its log as (seconds since launch, message)."""
    env = os.environ | {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    start_wall, start = time.time(), time.perf_counter()
    command = [str(python), str(ROOT / "benchmarks" / "joey_launcher.py"), mode, str(config)]
    proc = subprocess.run(
        command + (["--skip-test"] if mode == "train" else []) + list(extra),  # the test set is decoded separately
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"joeynmt {mode} failed:\n{proc.stderr[-3000:]}")
    events = []
    for line in (proc.stdout + proc.stderr).splitlines():
        m = LOG_TIME.match(line)
        if m:
            stamp = dt.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
            events.append((stamp - start_wall, m.group(2)))
    return seconds, events


def joey_section(table: Table, data: dict, work: Path, repeats: int, reuse: bool = False) -> dict:
    python = joey_python(work)
    folder = work / "data"
    dev25 = in_range(data["dev"])
    train_runs = []
    for r in range(repeats):
        model_dir = work / f"joey-model-{r}"
        saved = work / f"joey-run-{r}.json"
        if reuse and saved.exists() and (model_dir / "best.ckpt").exists():
            train_runs.append({"model_dir": model_dir, "valids": json.loads(saved.read_text())})
            print(f"joey run {r}: reused {saved}", flush=True)
            continue
        config = work / f"joey-{r}.yaml"
        config.write_text(joey_config(folder, model_dir))
        _, events = run_joey(python, work, "train", config)
        params = [int(m.group(1)) for _, msg in events if (m := re.match(r"Total params: (\d+)", msg))]
        # validations: the time of each "Evaluation result" line, the dev outputs in {step}.hyps
        steps = [int(m.group(1)) for _, msg in events if (m := re.match(r"Epoch\s+\d+, Step:\s+(\d+),", msg))]
        valid_times = [t for t, msg in events if msg.startswith("Evaluation result")]
        valids = []
        for step_no, seconds in zip(sorted({s for s in steps if s % 1000 == 0}), valid_times, strict=False):
            hyps = (model_dir / f"{step_no}.hyps").read_text().splitlines()
            pairs = list(zip(hyps, data["dev"], strict=True))
            in25 = [h for h, ex in pairs if len(ex.source.split()) <= 25]
            valids.append(
                {
                    "step": step_no,
                    "seconds": seconds,
                    "exact_match_25": exact_match(in25, dev25),
                    "exact_match_all": exact_match(hyps, data["dev"]),
                }
            )
        train_runs.append({"model_dir": model_dir, "valids": valids})
        saved.write_text(json.dumps(valids))
        (work / "joey-params.json").write_text(json.dumps(params[:1]))
        print(f"joey run {r}: {json.dumps(valids)}", flush=True)
    # the accuracy Joey NMT reaches in its recipe's budget, and when it first got there
    target_25 = statistics.median(run["valids"][-1]["exact_match_25"] for run in train_runs)
    target_all = statistics.median(run["valids"][-1]["exact_match_all"] for run in train_runs)
    times_25 = [next(v["seconds"] for v in run["valids"] if v["exact_match_25"] >= target_25) for run in train_runs]
    table.add("Joey NMT", "dev exact match after its recipe (lengths ≤ 25)", [target_25 * 100] * 1, "%")
    table.add("Joey NMT", "dev exact match after its recipe (all lengths ≤ 30)", [target_all * 100], "%")
    table.add("Joey NMT", "wall time to that accuracy (launch → validation)", times_25, "s")
    params_file = work / "joey-params.json"
    if params_file.exists():
        table.add("Joey NMT", "parameters", json.loads(params_file.read_text()), "")
    # decoding the test set with the best checkpoint: greedy and beam 5
    model_dir = train_runs[0]["model_dir"]
    decode = {}
    for beam in (1, 5):
        config = work / f"joey-test-beam{beam}.yaml"
        config.write_text(joey_config(folder, model_dir, beam_size=beam))
        times = []
        output = work / f"joey-test-beam{beam}"
        for _ in range(repeats):
            _, events = run_joey(python, work, "test", config, ["-o", str(output)])
            begin = next(t for t, msg in events if msg.startswith("Decoding on test set"))
            end = next(t for t, msg in events if t > begin and msg.startswith("Evaluation result"))
            times.append(end - begin)
        hyps = Path(f"{output}.test").read_text().splitlines() if beam == 1 else None
        decode[beam] = statistics.median(times)
        table.add("Joey NMT", f"decode the 1,000 test lines, {'greedy' if beam == 1 else 'beam 5'}", times, "s")
        if hyps is not None:
            table.add("Joey NMT", "test exact match, greedy (lengths ≤ 25)", [100 * exact_match(
                [h for h, ex in zip(hyps, data["test"], strict=True) if len(ex.source.split()) <= 25],
                in_range(data["test"]))], "%")  # fmt: skip
    return {"target_25": target_25, "target_all": target_all, "seconds": statistics.median(times_25), "decode": decode}


# --- ours on the same data --------------------------------------------------------------------


def ours_section(table: Table, data: dict, work: Path, repeats: int, joey: dict | None) -> dict:
    folder = work / "data"
    target = joey["target_25"] if joey else 0.99
    times, steps, paths = [], [], []
    for r in range(repeats):
        out = work / f"ours-{r}.safetensors"
        command = [
            sys.executable, "-m", "seq2seq", "train", "--pairs", str(folder / "train.tsv"),
            "--valid", str(folder / "dev25.tsv"), "--tokenizer", "word", "--cell", OURS["cell"],
            "--emb", str(OURS["emb"]), "--hidden", str(OURS["hidden"]), "--score", OURS["score"],
            "--target-accuracy", f"{target:.4f}", "--max-seconds", "600", "--seed", str(r), "--out", str(out),
            "--lr-decay",
        ] + [x for k, v in OURS_TRAIN.items() for x in (f"--{k}", str(v))]  # fmt: skip
        start = time.perf_counter()
        proc = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, env=os.environ | {"PYTHONPATH": str(ROOT)}
        )
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"seq2seq train failed: {proc.stderr[-2000:]}")
        summary = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"ours run {r}: {seconds:.1f} s, {summary['steps']} steps, {summary['stopped_because']}", flush=True)
        times.append(seconds if summary["stopped_because"] == "target" else float("inf"))
        steps.append(summary["steps"])
        paths.append(out)
    name = f"wall time to {target * 100:.1f} % (launch → checkpoint saved)"
    table.add("ours", name, times, "s", note=f"{statistics.median(steps):.0f} updates of {OURS_TRAIN['batch-size']}")
    ckpt = checkpoint.load(paths[0])
    torch.set_num_threads(1)
    dev_hyps = translate(ckpt.model, ckpt.tokenizer, [ex.source for ex in data["dev"]])
    test_sources = [ex.source for ex in data["test"]]
    greedy_times, beam_times = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        test_hyps = translate(ckpt.model, ckpt.tokenizer, test_sources)
        greedy_times.append(time.perf_counter() - start)
        start = time.perf_counter()  # what `eval --beam 5` runs: every input at once, no tree
        beam_hyps = [ckpt.tokenizer.decode(ids) for ids in beam_batch(ckpt.model, ckpt.tokenizer, test_sources).ids]
        beam_times.append(time.perf_counter() - start)
    # the Beam page's search (the whole tree of one input at a time), once: what this row measured before
    start = time.perf_counter()
    tree_hyps = [beam_search(ckpt.model, ckpt.tokenizer, source, width=5).nbest[0].text for source in test_sources]
    tree_time = time.perf_counter() - start
    same = sum(a == b for a, b in zip(tree_hyps, beam_hyps, strict=True))  # float near-ties could differ
    table.add(
        "ours", "dev exact match of that model (all lengths ≤ 30)", [100 * exact_match(dev_hyps, data["dev"])], "%"
    )
    in25 = [h for h, ex in zip(test_hyps, data["test"], strict=True) if len(ex.source.split()) <= 25]
    table.add("ours", "test exact match, greedy (lengths ≤ 25)", [100 * exact_match(in25, in_range(data["test"]))], "%")
    table.add("ours", "decode the 1,000 test lines, greedy", greedy_times, "s", note="batches of 500")
    table.add("ours", "decode the 1,000 test lines, beam 5", beam_times, "s", note="batched across inputs, no tree")
    table.add(
        "ours", "… beam 5, one line at a time with the full tree (the Beam page's search)", [tree_time], "s",
        note=f"same best output as the batched one on {same:,} of {len(test_sources):,} lines",
    )  # fmt: skip
    in25 = [h for h, ex in zip(beam_hyps, data["test"], strict=True) if len(ex.source.split()) <= 25]
    table.add("ours", "test exact match, beam 5 (lengths ≤ 25)", [100 * exact_match(in25, in_range(data["test"]))], "%")
    table.add("ours", "parameters", [count_parameters(ckpt.model)], "")
    result = {"seconds": statistics.median(times), "greedy": statistics.median(greedy_times),
              "beam": statistics.median(beam_times)}  # fmt: skip
    if joey:
        ratio = joey["seconds"] / result["seconds"]
        table.add(
            "vs Joey", "wall time to the same accuracy, Joey NMT ÷ ours", [ratio], "×", f"≥ {TARGETS['joey_ratio']:g}"
        )
        table.add("vs Joey", "test decoding greedy, Joey NMT ÷ ours", [joey["decode"][1] / result["greedy"]], "×")
        table.add("vs Joey", "test decoding beam 5, Joey NMT ÷ ours", [joey["decode"][5] / result["beam"]], "×")
    return result


# --- the tutorial's loop, the machine, the profile ---------------------------------------------


def bench_model(tokenizer) -> Seq2Seq:
    torch.manual_seed(0)
    cfg = AttentionConfig(
        vocab_size=tokenizer.vocab_size,
        cell=OURS["cell"],
        emb_dim=OURS["emb"],
        hidden=OURS["hidden"],
        score=OURS["score"],
    )
    return families.build(cfg)


def train_tokens_per_second(
    model, tokenizer, examples, batch_size: int, bucket_pool: int, seconds: float, after_step=None
) -> float:
    """Teacher-forced training steps for ``seconds`` (at most one epoch); target tokens (</s>
    included) per second. ``after_step`` is called after every step (the profiler's clock)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD)
    model.train()
    tokens, start = 0, time.perf_counter()
    for batch in batches(examples, tokenizer, batch_size, random.Random(0), bucket_pool):
        logits, _ = model(batch)
        loss = loss_fn(logits.reshape(-1, logits.size(-1)), batch.tgt_out.reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        tokens += int((batch.tgt_out != PAD).sum())
        if after_step is not None:
            after_step()
        if time.perf_counter() - start >= seconds:
            break
    return tokens / (time.perf_counter() - start)


def matmul_gflops(threads: int, n: int = 1024, repeats: int = 20) -> float:
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        torch.mm(a, b)
        times.append(time.perf_counter() - start)
    torch.set_num_threads(previous)
    return 2 * n**3 / min(times) / 1e9


def training_flops_per_token(cfg: AttentionConfig, src_len: float) -> float:
    """Multiply-adds ×2 of one target token's training step (forward ×3 for the backward),
    counting the matrix products only: decoder cell, attention over ``src_len`` states,
    output layer, and the token's share of the encoder (one source token per target token
    on the reverse task)."""
    e, h, d, v = cfg.emb_dim, cfg.hidden, cfg.enc_dim, cfg.vocab_size
    gates = {"lstm": 4, "gru": 3, "rnn": 1}[cfg.cell]
    encoder = 2 * (2 if cfg.bidirectional else 1) * gates * h * (e + h) + 2 * d * d  # + key projection
    decoder = 2 * gates * d * (e + d + d) + 2 * 2 * src_len * d + 2 * 2 * d * v
    return 3 * (encoder + decoder)


def machine_section(table: Table, data: dict, epoch_seconds: float) -> None:
    examples = data["train"]
    tokenizer = build_tokenizer("word", [t for ex in examples for t in (ex.source, ex.target)])
    torch.set_num_threads(1)
    per_example = train_tokens_per_second(bench_model(tokenizer), tokenizer, examples, 1, 0, 20)
    batched = train_tokens_per_second(
        bench_model(tokenizer), tokenizer, examples, OURS_TRAIN["batch-size"], OURS_TRAIN["bucket-pool"], 20
    )
    table.add("tutorial", "training, one example per step (the tutorial's loop)", [per_example], "tokens/s")
    table.add(
        "tutorial", f"training, batches of {OURS_TRAIN['batch-size']} of similar length (ours)", [batched], "tokens/s"
    )
    table.add("tutorial", "batched ÷ one at a time", [batched / per_example], "×", f"≥ {TARGETS['tutorial_ratio']:g}")

    peak2, peak1 = matmul_gflops(2), matmul_gflops(1)
    table.add("machine", "torch.mm 1024² fp32 peak, 2 threads", [peak2], "GFLOP/s")
    table.add("machine", "torch.mm 1024² fp32 peak, 1 thread", [peak1], "GFLOP/s")
    cfg = bench_model(tokenizer).cfg
    mean_len = statistics.mean(len(ex.source.split()) + 1 for ex in examples)
    achieved = batched * training_flops_per_token(cfg, mean_len) / 1e9
    table.add("machine", "training FLOP/s (matrix products only), 1 thread", [achieved], "GFLOP/s")
    table.add("machine", "… as a share of the 2-thread matmul peak", [100 * achieved / peak2], "%")

    # One epoch, every PROFILE_EVERY-th step recorded: the profiler keeps every op of a recorded
    # step (~10,000 events), and recording all ~800 steps took 20 GB of memory.
    from torch.profiler import ProfilerActivity, profile, schedule

    every = 10
    events = []

    def collect(prof) -> None:
        events.extend(prof.key_averages())

    model = bench_model(tokenizer)
    plan = schedule(wait=every - 2, warmup=1, active=1)
    with profile(activities=[ProfilerActivity.CPU], schedule=plan, on_trace_ready=collect) as prof:
        train_tokens_per_second(
            model, tokenizer, examples, OURS_TRAIN["batch-size"], OURS_TRAIN["bucket-pool"], epoch_seconds,
            after_step=prof.step,
        )  # fmt: skip
    by_op: dict[str, list[float]] = {}
    for e in events:
        by_op.setdefault(e.key, [0.0, 0])
        by_op[e.key][0] += e.self_cpu_time_total
        by_op[e.key][1] += e.count
    total = sum(v[0] for v in by_op.values())
    for key, (cpu, count) in sorted(by_op.items(), key=lambda kv: kv[1][0], reverse=True)[:6]:
        if key.startswith("ProfilerStep"):  # a step's own time outside every op: Python, autograd, dispatch
            key = "between ops: Python, autograd, dispatch"
        table.add("profile", f"{key} ({count:,} calls)", [100 * cpu / total], "% of CPU time",
                  note=f"one epoch, every {every}th step")  # fmt: skip


# --- the app --------------------------------------------------------------------------------

from many_users import ARGS as CHROMIUM_ARGS  # noqa: E402  (benchmarks/ is on sys.path: scripts run from it)
from many_users import IDLE, rss_mb  # noqa: E402


def app_section(table: Table, repeats: int, port: int = 8597) -> None:
    from playwright.sync_api import sync_playwright

    url = f"http://127.0.0.1:{port}"
    cold, ready, first_page, steps, beams, rss = [], [], [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(repeats):
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            start = time.perf_counter()
            server = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                 "--server.address", "127.0.0.1", "--server.headless", "true"],
                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                env=os.environ | {"PYTHONPATH": str(ROOT)},
            )  # fmt: skip
            try:
                deadline = time.perf_counter() + 120
                while True:
                    try:
                        urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                        break
                    except OSError:
                        if server.poll() is not None or time.perf_counter() > deadline:
                            raise RuntimeError("the app's server did not start") from None
                        time.sleep(0.05)
                ready.append(time.perf_counter() - start)
                page.goto(f"{url}/translate?model=reverse-attention&src=encoderdecoder")
                page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=60_000)
                cold.append(time.perf_counter() - start)
                # a second visitor on the now warm server: what the first one paid for imports is gone
                other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                begin = time.perf_counter()
                other.goto(f"{url}/translate?model=reverse-attention&src=decoderencoder")
                other.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=60_000)
                first_page.append(time.perf_counter() - begin)
                other.context.close()
                page.wait_for_selector(IDLE, state="attached", timeout=60_000)
                for _ in range(10):
                    begin = time.perf_counter()
                    page.locator(
                        ".st-key-next button:visible:not([disabled]), .st-key-prev button:visible:not([disabled])"
                    ).last.click()
                    page.wait_for_timeout(30)
                    page.wait_for_selector(IDLE, state="attached", timeout=60_000)
                    steps.append(time.perf_counter() - begin)
                page.goto(f"{url}/beam?model=reverse-attention&src=encoderdecoder&beam=5")
                page.wait_for_selector(IDLE, state="attached", timeout=60_000)
                page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=60_000)
                for _ in range(10):
                    begin = time.perf_counter()
                    page.locator(".st-key-show_pruned label").click()
                    page.wait_for_timeout(30)
                    page.wait_for_selector(IDLE, state="attached", timeout=60_000)
                    beams.append(time.perf_counter() - begin)
                page.goto(f"{url}/")  # the Home page's table loads every shipped model
                page.wait_for_selector(IDLE, state="attached", timeout=120_000)
                page.get_by_text("reverse-attention-dot").first.wait_for(state="attached", timeout=60_000)
                rss.append(rss_mb(server.pid))
            finally:
                page.context.close()
                server.terminate()
                server.wait(10)
        browser.close()
    table.add(
        "app", "cold start: server launch → /translate heatmap visible", cold, "s", f"≤ {TARGETS['cold_start_s']:g}"
    )
    table.add("app", "… of which: server launch → answering (Python, Streamlit)", ready, "s")
    table.add("app", "warm server: open /translate → heatmap visible (a new visitor)", first_page, "s")
    from page_speed import beam_reruns, step_reruns

    table.add("app", "step rerun, server side (AppTest)", [1000 * s for s in step_reruns(30)], "ms",
              f"≤ {TARGETS['step_rerun_ms']:g}")  # fmt: skip
    table.add("app", "beam page rerun at width 5, server side (AppTest)", [1000 * s for s in beam_reruns(30)], "ms",
              f"≤ {TARGETS['beam_rerun_ms']:g}")  # fmt: skip
    table.add("app", "step rerun (click Next → idle, in Chromium)", [1000 * s for s in steps], "ms",
              f"≤ {TARGETS['step_rerun_ms']:g}")  # fmt: skip
    table.add("app", "beam page rerun at width 5 (click → idle, in Chromium)", [1000 * s for s in beams], "ms",
              f"≤ {TARGETS['beam_rerun_ms']:g}")  # fmt: skip
    table.add("app", "server memory with every shipped model loaded (VmRSS)", rss, "MB")


def felt_section(table: Table, repeats: int) -> None:
    """Speed as a person feels it, against a bare Streamlit app (benchmarks/felt_speed.py)."""
    import felt_speed

    result = felt_speed.measure(clicks=12, visits=repeats)
    felt_speed.write(result)
    for name, values, unit, target in felt_speed.rows(result):
        table.add("felt", name, values, unit, target)


def transformer_section(table: Table, repeats: int) -> None:
    """The Transformer's targets (benchmarks/transformer_speed.py): trace, beam 5, a training step vs the RNN."""
    import transformer_speed

    result = transformer_speed.measure(repeats=max(repeats, 5))
    for name, values, unit, target in transformer_speed.rows(result):
        table.add("transformer", name, values, unit, target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per row (Joey NMT training: --joey-repeats)")
    parser.add_argument("--joey-repeats", type=int, default=1, help="Joey NMT trainings (~3 min each)")
    parser.add_argument("--skip-joey", action="store_true")
    parser.add_argument("--reuse-joey", action="store_true", help="reuse Joey NMT trainings saved in --work")
    parser.add_argument(
        "--only", choices=("machine", "app", "felt", "transformer"), help="run one section (no training comparison)"
    )
    parser.add_argument("--epoch-seconds", type=float, default=600, help="cap on the profiled epoch's length")
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "work", help="data, Joey's venv, models")
    args = parser.parse_args()
    machine = machine_info()
    print(f"# {machine['description']}", flush=True)
    table = Table()
    data = reverse_data()
    write_data(data, args.work / "data")
    if args.only is None:
        joey = None if args.skip_joey else joey_section(table, data, args.work, args.joey_repeats, args.reuse_joey)
        ours_section(table, data, args.work, args.repeats, joey)
    if args.only in (None, "machine"):
        machine_section(table, data, args.epoch_seconds)
    if args.only in (None, "app"):
        app_section(table, args.repeats)
    if args.only in (None, "felt"):
        felt_section(table, args.repeats)
    if args.only in (None, "transformer"):
        transformer_section(table, args.repeats)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench.json").write_text(json.dumps({"machine": machine, "rows": table.rows}, indent=1) + "\n")
    (RESULTS / "bench.md").write_text(table.markdown(machine))
    print(f"wrote {RESULTS / 'bench.md'} and bench.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
