import pytest

from seq2seq.core.card import DataConfig, TrainConfig
from seq2seq.core.results import TrainingHistory
from seq2seq.data.tasks import ReverseTask
from seq2seq.training.pipeline import train_on_task

TINY = {"emb_dim": 8, "hidden": 16}
DATA = DataConfig(n_train=256, n_valid=32, seed=0)


def run(steps=6, **cfg):
    task = ReverseTask(min_len=2, max_len=5)
    options = {"max_steps": steps, "eval_every": 3, "batch_size": 32, "target_accuracy": None} | cfg
    return train_on_task(task, TINY, TrainConfig(**options), DATA)


def test_loss_falls_and_history_is_recorded():
    ckpt, result = run(steps=40, lr=1e-2)
    losses = [loss for _, loss in result.history.loss]
    assert len(losses) == 40 and result.steps == 40
    assert sum(losses[-5:]) / 5 < 0.8 * sum(losses[:5]) / 5
    assert [v["step"] for v in result.history.valid][:2] == [3, 6]
    assert result.stopped_because == "steps"
    assert ckpt.card.metrics.exact_match == result.metrics["exact_match"]
    again = TrainingHistory.from_dict(result.history.to_dict())
    assert again.loss == result.history.loss


def test_same_seed_same_run():
    _, a = run(seed=3)
    _, b = run(seed=3)
    _, c = run(seed=4)
    assert a.history.loss == b.history.loss
    assert a.history.loss != c.history.loss


def test_callback_can_stop_and_sees_every_step():
    seen = []

    def stop_at_4(event):
        seen.append(event.step)
        return event.step == 4

    task = ReverseTask(min_len=2, max_len=5)
    cfg = TrainConfig(max_steps=100, eval_every=50, batch_size=32)
    _, result = train_on_task(task, TINY, cfg, DATA, callbacks=[stop_at_4])
    assert seen == [1, 2, 3, 4]
    assert result.stopped_because == "callback"
    assert result.history.valid[-1]["step"] == 4  # evaluated at the stop, not at a stale step


def test_time_budget_and_target_stop_training():
    _, result = run(steps=10_000, max_seconds=0.5)
    assert result.stopped_because == "time" and result.seconds < 10
    _, result = run(steps=10_000, target_accuracy=0.0)
    assert result.stopped_because == "target" and result.steps == 3


def test_teacher_forcing_below_one_and_lr_decay_train():
    _, result = run(steps=6, teacher_forcing=0.5, lr_decay=True)
    assert result.steps == 6


def test_empty_data_is_refused():
    from seq2seq.training.trainer import train

    with pytest.raises(ValueError):
        train(None, None, [], [], TrainConfig())


def test_attention_of_probes_is_recorded_at_every_validation():
    task = ReverseTask(min_len=2, max_len=5)
    cfg = TrainConfig(max_steps=6, eval_every=3, batch_size=32, target_accuracy=None)
    ckpt, result = train_on_task(task, TINY | {"decoder": "attention"}, cfg, DATA)
    history = result.history
    assert len(history.probes) == 3 and [a["step"] for a in history.attention] == [3, 6]
    for probe, alpha in zip(history.probes, history.attention[0]["alpha"], strict=True):
        assert len(alpha) == len(probe["target_tokens"]) and len(alpha[0]) == len(probe["source_tokens"])
    card = ckpt.card
    assert {"bleu", "chrf", "aer", "attention_entropy"} <= set(card.metrics.to_dict())
    assert card.source_chars[0] >= 2 and card.source_chars[1] <= 5


def test_vanilla_models_record_no_attention_and_no_aer():
    task = ReverseTask(min_len=2, max_len=5)
    cfg = TrainConfig(max_steps=3, eval_every=3, batch_size=32, target_accuracy=None)
    ckpt, result = train_on_task(task, TINY | {"decoder": "vanilla"}, cfg, DATA)
    assert result.history.attention == [] and ckpt.card.metrics.aer is None


def test_alignment_forming_is_recorded_at_every_validation():
    task = ReverseTask(min_len=2, max_len=5)
    cfg = TrainConfig(max_steps=6, eval_every=3, batch_size=32, target_accuracy=None)
    ckpt, result = train_on_task(task, TINY | {"decoder": "attention"}, cfg, DATA)
    rows = result.history.valid
    assert [r["step"] for r in rows] == [3, 6]
    for row in rows:  # the reverse task has gold alignments in characters: AER too
        assert row["attention_entropy"] >= 0 and 0 <= row["aer"] <= 1
    again = TrainingHistory.from_dict(ckpt.card.history.to_dict())
    assert again.valid[-1]["aer"] == rows[-1]["aer"]
    _, vanilla = train_on_task(task, TINY | {"decoder": "vanilla"}, TrainConfig(max_steps=3, eval_every=3,
                               batch_size=32, target_accuracy=None), DATA)  # fmt: skip
    assert "attention_entropy" not in vanilla.history.valid[0]


def test_coverage_penalty_is_min_of_alpha_and_past_coverage():
    import torch

    from seq2seq.training.trainer import coverage_penalty

    alpha = torch.tensor([[[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]])  # attends x_1 twice: one repeat
    tgt = torch.tensor([[5, 6, 7]])
    assert coverage_penalty(alpha, tgt).item() == pytest.approx(1 / 3)
    assert coverage_penalty(alpha, torch.tensor([[5, 6, 0]])).item() == pytest.approx(1 / 2)  # padding not counted


def test_variants_train_with_the_coverage_loss():
    task = ReverseTask(min_len=2, max_len=5)
    cfg = TrainConfig(max_steps=4, eval_every=2, batch_size=32, target_accuracy=None, coverage_loss=1.0)
    ckpt, result = train_on_task(task, TINY | {"coverage": True}, cfg, DATA)
    assert ckpt.model.cfg.coverage and ckpt.card.variant == "additive+coverage"
    assert ckpt.card.train_config.coverage_loss == 1.0 and len(result.history.loss) == 4


@pytest.mark.parametrize(
    "options",
    [TINY, TINY | {"placement": "luong", "score": "general"}, {"decoder": "transformer", "d_model": 16, "heads": 2}],
    ids=["bahdanau", "luong-one-call", "transformer"],
)
def test_teacher_forced_check_gives_greedy_decodings_numbers(options):
    """Validation settles examples by one teacher-forced pass: the same numbers as decoding all."""
    from seq2seq.core.search import translate
    from seq2seq.data.tasks import Example, generate
    from seq2seq.training.trainer import evaluate, greedy_is_reference

    task = ReverseTask(min_len=2, max_len=6)
    ckpt, _ = train_on_task(
        task, options, TrainConfig(max_steps=60, eval_every=60, batch_size=32, lr=1e-2, target_accuracy=None), DATA
    )
    model, tok = ckpt.model, ckpt.tokenizer
    examples = generate(task, 200, 7)
    # some right, some wrong (a half-trained model), plus a reference the tokenizer cannot spell
    examples.append(Example("ab", "b?a"))
    greedy = translate(model, tok, [ex.source for ex in examples])
    settled = greedy_is_reference(model, tok, examples)
    assert settled == [g == ex.target and ex.target != "b?a" for g, ex in zip(greedy, examples, strict=True)]
    assert 0 < sum(settled) < len(examples)
    fast = evaluate(model, tok, examples, full=False, forced_check=True, batch_size=64)
    slow = evaluate(model, tok, examples, full=False, batch_size=64)
    assert fast == slow


def test_lr_plateau_halves_the_rate_after_stale_validations():
    seen = []
    task = ReverseTask(min_len=2, max_len=5)
    cfg = TrainConfig(max_steps=12, eval_every=1, batch_size=32, lr=1e-3, lr_plateau=2, target_accuracy=None)

    import torch

    real_adam = torch.optim.Adam

    class Spy(real_adam):
        def step(self, *a, **k):
            seen.append(self.param_groups[0]["lr"])
            return super().step(*a, **k)

    torch.optim.Adam = Spy
    try:
        _, result = train_on_task(task, TINY, cfg, DataConfig(n_train=64, n_valid=8, seed=0))
    finally:
        torch.optim.Adam = real_adam
    valid = [v["exact_match"] for v in result.history.valid]
    expected, lr, best, stale = [], 1e-3, -1.0, 0
    for em in valid:
        expected.append(lr)
        best, stale = (em, 0) if em > best else (best, stale + 1)
        if stale >= 2:
            lr, stale = lr / 2, 0
    assert seen == pytest.approx(expected) and min(seen) < 1e-3  # an untrained tiny model stalls
