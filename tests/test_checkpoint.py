import json
import os
import pickle
import struct
import subprocess
import sys

import pytest
import torch
from safetensors.torch import save_file

from seq2seq.core import checkpoint
from seq2seq.core.card import DataUsed, ModelCard, Scores, TokenizerCard, TrainConfig
from seq2seq.core.checkpoint import Checkpoint
from seq2seq.core.results import TrainingHistory
from seq2seq.core.search import trace
from seq2seq.data.tasks import ReverseTask
from seq2seq.errors import CheckpointError

from .conftest import small_model

CARD = ModelCard(
    task="reverse",
    decoder="attention",
    metrics=Scores(n=4, exact_match=0.5, by_length={"2-5": {"exact_match": 0.5, "n": 4}}, extra={"new_score": 1}),
    train_config=TrainConfig(lr=1e-3, target_accuracy=None),
    data=DataUsed(n_train=100, n_valid=4, seed=3, n_train_used=100, n_valid_used=4),
    tokenizer=TokenizerCard(kind="char", vocab_size=12),
    source_chars=(2, 9),
    history=TrainingHistory(loss=[(1, 2.5), (2, 2.0)], valid=[{"step": 2, "exact_match": 0.1}]),
)


@pytest.fixture
def saved(tmp_path, tokenizer):
    torch.manual_seed(0)
    model = small_model(tokenizer, cell="lstm", layers=2)
    ckpt = Checkpoint(model, tokenizer, ReverseTask(min_len=2, max_len=9), CARD)
    return ckpt, checkpoint.save(ckpt, tmp_path / "m.safetensors")


def test_round_trip_is_exact(saved):
    ckpt, path = saved
    loaded = checkpoint.load(path)
    for key, value in ckpt.model.state_dict().items():
        assert torch.equal(value, loaded.model.state_dict()[key])
    assert loaded.model.cfg == ckpt.model.cfg
    assert loaded.tokenizer.units == ckpt.tokenizer.units
    assert loaded.task == ckpt.task and loaded.card == ckpt.card and loaded.name == "m"
    assert trace(loaded.model, loaded.tokenizer, "abc").to_dict() == trace(ckpt.model, ckpt.tokenizer, "abc").to_dict()


@pytest.mark.parametrize(
    ("part", "value", "named"),
    [
        ("train_config", {"lr": "fast"}, "train_config.lr"),
        ("data", {"seed": 1.5}, "data.seed"),
        ("metrics", {"exact_match": True}, "metrics.exact_match"),
        ("metrics", {"by_length": {"3-5": {"n": "many"}}}, "metrics.by_length.3-5.n"),
        ("tokenizer", {"source": {"kind": "word", "vocab_size": "9"}, "target": {}}, "tokenizer.source.vocab_size"),
        ("tokenizer", [1], "tokenizer"),
    ],
)
def test_a_card_part_of_the_wrong_type_is_refused_by_its_name(part, value, named):
    with pytest.raises(ValueError, match=f"'{named}'"):
        ModelCard.from_dict({part: value})


def test_card_parts_are_typed_and_written_as_the_json_cards_always_had():
    card = ModelCard.from_dict(CARD.to_dict())
    assert card == CARD and isinstance(card.train_config, TrainConfig) and card.train_config.target_accuracy is None
    assert card.to_dict()["metrics"] == {
        "new_score": 1,
        "n": 4,
        "exact_match": 0.5,
        "by_length": {"2-5": {"exact_match": 0.5, "n": 4}},
    }
    assert card.to_dict()["tokenizer"] == {"kind": "char", "vocab_size": 12}
    assert (
        ModelCard().to_dict()["data"] == {} and ModelCard.from_dict({"data": {}}).data is None
    )  # the card does not say


def test_an_older_card_loads_and_unknown_keys_survive_a_save(saved, tmp_path):
    """Cards written before the card was typed (or by a newer version) keep loading: missing
    keys take their defaults, keys this version does not know are written back unchanged."""
    from safetensors import safe_open
    from safetensors.torch import save

    _, path = saved
    with safe_open(str(path), "pt") as f:
        meta, tensors = dict(f.metadata()), {k: f.get_tensor(k) for k in f.keys()}
    meta["card"] = json.dumps({"task": "reverse", "metrics": {"exact_match": 0.75}, "from_the_future": [1, 2]})
    old = tmp_path / "old.safetensors"
    old.write_bytes(save(tensors, metadata=meta))
    card = checkpoint.load(old).card
    assert (card.task, card.exact_match, card.steps, card.history.loss) == ("reverse", 0.75, 0, [])
    assert card.source_chars is None and card.extra == {"from_the_future": [1, 2]}
    again = checkpoint.load(checkpoint.save(checkpoint.load(old), tmp_path / "again.safetensors"))
    assert again.card == card and again.card.to_dict()["from_the_future"] == [1, 2]


def test_save_leaves_no_temporary_files(saved, tmp_path):
    assert [p.name for p in tmp_path.iterdir()] == ["m.safetensors"]
    assert checkpoint.list_checkpoints(tmp_path) == [tmp_path / "m.safetensors"]


def test_listing_ignores_hidden_and_temporary_files(tmp_path, saved):
    (tmp_path / ".m.safetensors.abc.tmp").write_bytes(b"partial")
    (tmp_path / ".hidden.safetensors").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("hi")
    assert [p.name for p in checkpoint.list_checkpoints(tmp_path)] == ["m.safetensors"]


def test_only_safetensors_names(saved, tmp_path):
    with pytest.raises(CheckpointError):
        checkpoint.save(saved[0], tmp_path / "m.pt")


def rewrite(path, tensors=None, **metadata_changes):
    """Copy of a saved checkpoint with its metadata (and optionally tensors) edited."""
    from safetensors import safe_open

    with safe_open(str(path), "pt") as f:
        meta = dict(f.metadata())
        state = {k: f.get_tensor(k) for k in f.keys()}
    for key, value in metadata_changes.items():
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
    save_file(tensors if tensors is not None else state, str(path), metadata=meta)
    return state, meta


BAD_FILES = {
    "random bytes": lambda p, _: p.write_bytes(os.urandom(2048)),
    "empty": lambda p, _: p.write_bytes(b""),
    "truncated": lambda p, good: p.write_bytes(good.read_bytes()[: good.stat().st_size // 2]),
    "header too big": lambda p, _: p.write_bytes(struct.pack("<Q", 2**40) + b"{}"),
    "json header garbage": lambda p, _: p.write_bytes(struct.pack("<Q", 5) + b"nope!"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_corrupt_files_are_refused(case, saved, tmp_path):
    bad = tmp_path / "bad.safetensors"
    BAD_FILES[case](bad, saved[1])
    with pytest.raises(CheckpointError):
        checkpoint.load(bad)


class Payload:
    def __reduce__(self):
        return (os.system, (f"touch {MARKER}",))


MARKER = "/tmp/attention-lab-pickle-ran"


@pytest.mark.parametrize("name", ["evil.safetensors", "evil.pt"])
def test_pickles_are_never_unpickled(tmp_path, name):
    if os.path.exists(MARKER):
        os.remove(MARKER)
    evil = tmp_path / name
    evil.write_bytes(pickle.dumps(Payload(), protocol=2))
    with pytest.raises(CheckpointError, match="pickle"):
        checkpoint.load(evil)
    torch.save({"x": Payload()}, str(tmp_path / "zipped.safetensors"))
    with pytest.raises(CheckpointError, match="pickle"):
        checkpoint.load(tmp_path / "zipped.safetensors")
    assert not os.path.exists(MARKER)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "something-else"}, "not an Attention Lab checkpoint"),
        ({"format": None}, "not an Attention Lab checkpoint"),
        ({"format_version": "99"}, "format version"),
        ({"format_version": "x"}, "format version"),
        ({"config": "{not json"}, "not valid JSON"),
        ({"config": None}, "no 'config'"),
        ({"config": json.dumps({"vocab_size": 30, "hidden": 10**7})}, "hidden"),
        ({"config": json.dumps({"vocab_size": 30, "hidden": 32})}, "do not match"),
        ({"tokenizer": json.dumps({"kind": "char", "chars": ["a"]})}, "tokens"),
        ({"task": json.dumps({"name": "exec"})}, "unknown task"),
        ({"card": "[]"}, "card"),
    ],
)
def test_inconsistent_metadata_is_refused(saved, change, message):
    _, path = saved
    rewrite(path, **change)
    with pytest.raises(CheckpointError, match=message):
        checkpoint.load(path)


def test_config_that_changes_a_size_is_refused(saved):
    ckpt, path = saved
    rewrite(path, config=json.dumps(ckpt.model.cfg.to_dict() | {"emb_dim": 12}))
    with pytest.raises(CheckpointError, match="shape"):
        checkpoint.load(path)


def test_tensors_that_do_not_match_the_config_are_refused(saved):
    _, path = saved
    from safetensors import safe_open

    with safe_open(str(path), "pt") as f:
        state = {k: f.get_tensor(k) for k in f.keys()}
    missing = dict(state)
    missing.pop(next(iter(missing)))
    rewrite(path, tensors=missing)
    with pytest.raises(CheckpointError, match="do not match"):
        checkpoint.load(path)
    nan = dict(state)
    key = next(iter(nan))
    nan[key] = torch.full_like(nan[key], float("nan"))
    rewrite(path, tensors=nan)
    with pytest.raises(CheckpointError, match="NaN"):
        checkpoint.load(path)


def test_missing_file():
    with pytest.raises(CheckpointError, match="no such"):
        checkpoint.load("/nonexistent/m.safetensors")


def test_kill_during_save_keeps_the_previous_file(saved, tmp_path):
    """SIGKILL in the middle of writing: the old file stays intact, no partial file is listed."""
    _, path = saved
    before = path.read_bytes()
    script = f"""
import os, signal, sys
sys.path.insert(0, {str(checkpoint.__file__.rsplit("/seq2seq/", 1)[0])!r})
from seq2seq.core import checkpoint
ck = checkpoint.load({str(path)!r})
real_fsync = os.fsync
def die(fd):
    os.kill(os.getpid(), signal.SIGKILL)  # data written, not yet renamed
os.fsync = die
checkpoint.save(ck, {str(path)!r})
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == -9
    assert path.read_bytes() == before
    assert checkpoint.list_checkpoints(tmp_path) == [path]
    checkpoint.load(path)


def test_saved_files_are_readable_by_others(saved):
    _, path = saved
    assert path.stat().st_mode & 0o777 == 0o644


def test_sentencepiece_tokenizer_rides_inside_the_checkpoint(tmp_path):
    from seq2seq.data.tokenizers import SentencePieceTokenizer

    sp = SentencePieceTokenizer.train(["the big dog sees a cat", "a cat sees the dog"] * 20, vocab_size=30)
    torch.manual_seed(0)
    model = small_model(sp)
    path = checkpoint.save(Checkpoint(model, sp, None), tmp_path / "sp.safetensors")
    loaded = checkpoint.load(path)
    assert loaded.tokenizer.kind == "sentencepiece" and loaded.tokenizer.encode("the dog") == sp.encode("the dog")
    assert trace(loaded.model, loaded.tokenizer, "the dog").to_dict() == trace(model, sp, "the dog").to_dict()


def test_uploads_go_through_the_same_checks(saved):
    ckpt, path = saved
    loaded = checkpoint.load_bytes(path.read_bytes(), "mine.safetensors")
    assert loaded.model.cfg == ckpt.model.cfg and loaded.card.uploaded_as == "mine.safetensors"
    again = checkpoint.load_bytes(checkpoint.to_bytes(ckpt), "again.safetensors")  # the download button's bytes
    assert all(torch.equal(v, again.model.state_dict()[k]) for k, v in ckpt.model.state_dict().items())
    if os.path.exists(MARKER):
        os.remove(MARKER)
    for hostile in (pickle.dumps(Payload(), protocol=4), os.urandom(1000), b""):
        with pytest.raises(CheckpointError):
            checkpoint.load_bytes(hostile, "evil.safetensors")
    assert not os.path.exists(MARKER)


# --- a tokenizer per side (English words in, Chinese characters out) ----------------------------------


@pytest.mark.parametrize("decoder", ["attention", "transformer"])
@pytest.mark.parametrize("source_kind", ["word", "sentencepiece"])
def test_a_tokenizer_per_side_rides_in_the_checkpoint(tmp_path, decoder, source_kind):
    from seq2seq.core import families
    from seq2seq.core.search import trace
    from seq2seq.data.tokenizers import SPECIAL_TOKENS, TokenizerPair, build_tokenizer

    english = ["where is the station ?", "i like tea .", "the station is big .", "where is the tea ?"] * 5
    chinese = ["车站在哪里？", "我喜欢茶。", "车站很大。", "茶在哪里？"] * 5
    pair = TokenizerPair(build_tokenizer(source_kind, english, vocab_size=30), build_tokenizer("char", chinese))
    assert pair.source.tokenize("where is the station ?") != pair.target.tokenize("车站在哪里？")
    assert pair.target.decode(pair.target.encode("车站在哪里？")) == "车站在哪里？"  # one hanzi a token
    assert pair.source.unknown("where is the zoo ?") and not pair.target.unknown("车站")
    options = {"emb_dim": 8, "hidden": 8} if decoder == "attention" else {"d_model": 16, "heads": 2, "ff_dim": 16}
    cfg = families.make_config(decoder, pair.target.vocab_size, src_vocab_size=pair.source.vocab_size, **options)
    torch.manual_seed(0)
    model = families.build(cfg).eval()
    before = trace(model, pair, "where is the station ?")
    hanzi = {ch for sentence in chinese for ch in sentence}
    assert set(before.output_tokens) <= hanzi | set(SPECIAL_TOKENS)  # written in the target's units
    path = checkpoint.save(checkpoint.Checkpoint(model, pair, None, ModelCard()), tmp_path / "en-zh.safetensors")
    loaded = checkpoint.load(path)
    assert loaded.tokenizer.to_dict() == pair.to_dict()
    assert loaded.model.cfg.source_vocab_size == pair.source.vocab_size != loaded.model.cfg.vocab_size
    after = trace(loaded.model, loaded.tokenizer, "where is the station ?")
    assert after.output_tokens == before.output_tokens and after.source_tokens == before.source_tokens


def test_a_pair_whose_sides_disagree_with_the_model_is_refused(tmp_path):
    from seq2seq.core import families
    from seq2seq.data.tokenizers import CharTokenizer, TokenizerPair, WordTokenizer

    pair = TokenizerPair(WordTokenizer.build(["a b c"]), CharTokenizer.build(["甲乙"]))
    cfg = families.make_config("attention", pair.target.vocab_size, src_vocab_size=99, emb_dim=8, hidden=8)
    path = checkpoint.save(
        checkpoint.Checkpoint(families.build(cfg), pair, None, ModelCard()), tmp_path / "x.safetensors"
    )
    with pytest.raises(CheckpointError, match="source tokenizer has 7 tokens but the model config says 99"):
        checkpoint.load(path)
