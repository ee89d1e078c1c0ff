"""seq2seq/ui/train_panel.py: what the Train page does beyond its layout."""

import pytest

from seq2seq.core import checkpoint
from seq2seq.data.tasks import Example, make_task
from seq2seq.errors import InputError
from seq2seq.ui import models, train_panel


@pytest.fixture
def model_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(models, "CHECKPOINT_DIR", tmp_path)
    return tmp_path


@pytest.mark.parametrize("bad", ["", "My Model", "../escape", "-dash-first", "x" * 49, "a.b", "emoji😀"])
def test_a_save_name_must_be_a_safe_file_stem(model_dir, attention_ckpt, bad):
    with pytest.raises(InputError, match="lowercase"):
        train_panel.save_to_models(attention_ckpt, bad)
    assert list(model_dir.iterdir()) == []


def test_saving_never_overwrites(model_dir, attention_ckpt):
    path = train_panel.save_to_models(attention_ckpt, "my-reverse")
    assert path == model_dir / "my-reverse.safetensors" and checkpoint.load(path).card == attention_ckpt.card
    with pytest.raises(InputError, match="already"):
        train_panel.save_to_models(attention_ckpt, "my-reverse")


def test_settings_that_cannot_train_are_explained_before_queueing():
    state: dict = {}
    one_pair = [Example("ab", "ba")]  # nothing left to check on once one is held out
    with pytest.raises(InputError, match=r"cannot train.*at least 2 pairs"):
        train_panel.start(make_task("pairs", source_name="x.tsv", n_pairs=1), train_panel.Settings(), one_pair, state)
    assert state == {}  # nothing queued, nothing kept


def test_three_families_train_together_each_with_its_own_options():
    settings = train_panel.Settings(together="three", hidden=32, layers=2, heads=4, lr=5e-3)
    assert settings.decoders == ["vanilla", "attention", "transformer"]
    assert train_panel.Settings(together="pair").decoders == ["vanilla", "attention"]
    assert train_panel.Settings(decoder="transformer").decoders == ["transformer"]
    from seq2seq.core import families
    from seq2seq.core.card import TrainConfig

    options = settings.model_options("transformer")
    cfg = families.make_config(options.pop("decoder"), 8, strict=True, **options)
    assert (cfg.decoder, cfg.d_model, cfg.ff_dim, cfg.heads, cfg.layers) == ("transformer", 32, 64, 4, 2)
    assert "placement" not in settings.model_options("vanilla")  # a vanilla model takes no attention variant
    base = TrainConfig(lr=5e-3)
    assert settings.run_options("attention", base)["train_cfg"].lr == 5e-3
    assert settings.run_options("transformer", base)["train_cfg"].lr == pytest.approx(
        5e-3 * families.get("transformer").lr_scale
    )


def test_an_rnn_with_more_layers_than_it_can_have_is_explained():
    with pytest.raises(InputError, match=r"cannot train.*1\.\.2 layers"):
        train_panel.Settings(layers=3, together="three").check()
    train_panel.Settings(layers=3, decoder="transformer").check()  # a Transformer may have 3
    with pytest.raises(InputError, match="multiple of heads"):
        train_panel.Settings(decoder="transformer", hidden=30, heads=4).check()
