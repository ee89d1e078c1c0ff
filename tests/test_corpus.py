"""The Tatoeba corpus (seq2seq/data/corpus.py) and its tasks en-zh / zh-en: the shipped file and
its licence, the normalisation, a split with no leakage on either side, references kept
together, the same split in every process, and the task API the pipeline and pages use."""

import gzip
import hashlib
import os
import random
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seq2seq.data import corpus
from seq2seq.data.corpus import normalize_en, normalize_zh, to_simplified, traditional_chars
from seq2seq.data.tasks import BUILT_IN, TASKS, ChineseToEnglishTask, CorpusTask, make_task, task_from_dict
from seq2seq.errors import CheckpointError, InputError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def data() -> corpus.Corpus:
    return corpus.load()  # once per process (functools.cache)


@pytest.fixture(scope="module")
def sides(data):
    """The normalised sentences of each split, per side."""
    return {(name, lang): {p.side(lang) for p in data.split(name)} for name in corpus.SPLITS for lang in ("en", "zh")}


# --- the shipped file ---------------------------------------------------------------------------


def test_the_file_is_shipped_whole_with_its_credits_and_licence(data):
    with gzip.open(corpus.CORPUS_FILE, "rt", encoding="utf-8-sig") as f:
        lines = [line for line in f.read().split("\n") if line]
    assert len(lines) == len(data.pairs) == 29_155
    assert all(line.split("\t")[2].startswith("CC-BY 2.0 (France) Attribution: tatoeba.org #") for line in lines)
    shared = ROOT.parent / "shared" / "data" / "tatoeba-cmn-eng.tsv.gz"
    if shared.exists():  # unchanged, byte for byte
        assert shared.read_bytes() == corpus.CORPUS_FILE.read_bytes()
    notice = corpus.LICENSE_FILE.read_text()
    for needed in (
        "Tatoeba",
        "CC BY 2.0 FR",
        "https://tatoeba.org",
        corpus.LICENSE_URL,
        "manythings.org",
        "lower-cased",
    ):
        assert needed in notice


def test_the_file_is_not_ignored_by_git():
    """A fresh clone must have it: nothing in .gitignore may hide it."""
    for path in (corpus.CORPUS_FILE, corpus.LICENSE_FILE):
        result = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=ROOT, capture_output=True)
        assert result.returncode == 1, f"{path} is ignored by git"


def test_credits_and_links(data):
    first = data.pairs[0]
    assert (first.en_raw, first.zh_raw) == ("Hi.", "嗨。")  # the BOM is not part of the sentence
    assert first.credit == "tatoeba.org #538123 (CM) & #891077 (Martha)"
    assert first.link == "https://tatoeba.org/en/sentences/show/538123"
    credit = data.credit("Hi.")
    assert "#891077 (Martha)" in credit and "#4857568 (musclegirlxyp)" in credit  # both of its pairs
    assert credit.endswith("https://tatoeba.org/en/sentences/show/538123")
    assert data.credit("嗨。", "zh").endswith("https://tatoeba.org/en/sentences/show/891077")
    assert data.credit("no such sentence in the corpus") is None


# --- normalisation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, seen",
    [
        ("Where is the station?", "where is the station ?"),
        ("ＷＨＥＲＥ ＩＳ　ｔｈｅ Ｓｔａｔｉｏｎ？", "where is the station ?"),  # full-width letters, space, ？
        ("  I DON’T  know...  ", "i don't know ..."),  # curly apostrophe, mixed case, spaces, an ellipsis
        ("It's 3.5 km, 1,000 m; at 7:30!", "it's 3.5 km , 1,000 m ; at 7:30 !"),
        ('"Twenty-one," she said.', '" twenty-one , " she said .'),
    ],
)
def test_english_is_lower_cased_with_punctuation_split_off(typed, seen):
    assert normalize_en(typed) == seen


@pytest.mark.parametrize(
    "typed, seen",
    [
        ("车站在哪里？", "车站在哪里？"),  # Simplified, full-width punctuation: as written
        ("車站在哪裡？", "车站在哪里？"),  # Traditional -> Simplified
        ("頭髮乾淨嗎?", "头发干净吗？"),  # phrase-aware (乾淨 -> 干净), half-width ? -> ？
        ("我有 ＤＶＤ 和 ３ 本书 , 你呢 ?", "我有DVD和3本书，你呢？"),  # full-width letters and digits, spaces
        ("我喜欢 Tom Hanks 。", "我喜欢Tom Hanks。"),  # a space between Latin words stays
        ("一共1,000元，7:30见。", "一共1,000元，7:30见。"),  # , and : between digits stay
        ("「你好」他说。", "「你好」他说。"),
    ],
)
def test_chinese_is_simplified_and_as_written(typed, seen):
    assert normalize_zh(typed) == seen


def test_traditional_characters_are_named():
    assert traditional_chars("車站在哪裡？") == ["車", "裡"]
    assert traditional_chars("车站在哪里？") == [] and traditional_chars("where") == []
    assert to_simplified("我絶不会") == "我绝不会" and to_simplified("汤姆") == "汤姆"


def test_the_corpus_is_normalised(data):
    assert all(p.en == normalize_en(p.en_raw) and p.zh == normalize_zh(p.zh_raw) for p in data.pairs[::50])
    assert sum(p.zh != to_simplified(p.zh_raw).replace(" ", "") for p in data.pairs) < 1000
    assert max(len(p.en.split()) for p in data.pairs) >= 30  # no length filter: the long sentences stay


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_english_normalisation_is_idempotent(text):
    once = normalize_en(text)
    assert normalize_en(once) == once
    assert once == once.strip() and "  " not in once


ZH_ALPHABET = "车站在哪里車站裡頭髮乾淨絶我你好嗎吗么麼？！，。?!,;:()「」 　ＡＢａｂ１２Tom 3.5-\u200b"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ZH_ALPHABET, max_size=30))
def test_chinese_normalisation_is_idempotent(text):
    once = normalize_zh(text)
    assert normalize_zh(once) == once


# --- the split -------------------------------------------------------------------------------------


def test_no_test_sentence_on_either_side_is_trained_or_validated_on(sides):
    for lang in ("en", "zh"):
        assert not sides["test", lang] & sides["train", lang], lang
        assert not sides["test", lang] & sides["valid", lang], lang
        assert not sides["valid", lang] & sides["train", lang], lang


def test_split_sizes(data):
    stats = data.stats()
    assert stats["pairs"] == 29_155 and stats["groups"] < stats["pairs"]
    assert corpus.TEST_PAIRS <= stats["test"]["pairs"] < corpus.TEST_PAIRS + corpus.MAX_HELDOUT_GROUP
    assert corpus.VALID_PAIRS <= stats["valid"]["pairs"] < corpus.VALID_PAIRS + corpus.MAX_HELDOUT_GROUP
    assert stats["train"]["pairs"] == 29_155 - stats["test"]["pairs"] - stats["valid"]["pairs"]


def test_a_sources_references_stay_together(data):
    """Every translation of a test sentence, anywhere in the file, is in the test split and
    among its references; the same for Chinese sources (zh-en)."""
    for lang, other in (("en", "zh"), ("zh", "en")):
        everywhere: dict[str, set[str]] = {}
        for p in data.pairs:
            everywhere.setdefault(p.side(lang), set()).add(p.side(other))
        for source in data.sources("test", lang):
            assert {p.split for p in data.pairs_of(source, lang)} == {"test"}
            assert set(data.references(source, lang)) == everywhere[source]
    several = [s for s in data.sources("test") if len(data.references(s)) > 1]
    assert len(several) > 20  # multi-reference scoring has something to do


def test_groups_join_pairs_that_share_a_sentence_on_either_side():
    def pair(en, zh):
        return corpus.Pair(en, zh, en, zh, 1, "u", 2, "v", 1)

    pairs = [pair("a", "甲"), pair("b", "甲"), pair("b", "乙"), pair("c", "丙"), pair("d", "丁"), pair("c", "戊")]
    assert sorted(corpus.group_pairs(pairs)) == [[0, 1, 2], [3, 5], [4]]


def test_the_split_is_the_same_in_every_process(data):
    """Python's str hash is salted per process; the split must not depend on it. A subprocess
    with another PYTHONHASHSEED splits the first 3,000 lines as this process does (the whole
    file would take seconds to normalise again), and rebuilding the whole split here changes nothing."""
    code = (  # corpus.py imports nothing of the package: loaded alone, the subprocess skips torch
        "import hashlib, sys, importlib.util as u; s = u.spec_from_file_location('c', 'seq2seq/data/corpus.py'); "
        "corpus = sys.modules['c'] = u.module_from_spec(s); s.loader.exec_module(corpus); "
        "c = corpus.split_pairs(corpus.read_pairs(3000), 200, 100); "
        "print(hashlib.sha256(repr([(p.line, p.group, p.split) for p in c.pairs]).encode()).hexdigest())"
    )
    env = os.environ | {"PYTHONHASHSEED": "12345"}
    runs = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)]
    assert runs[0].returncode == 0, runs[0].stderr
    small = corpus.split_pairs(corpus.read_pairs(3000), 200, 100)
    assert {p.split for p in small.pairs} == set(corpus.SPLITS)
    fingerprint = repr([(p.line, p.group, p.split) for p in small.pairs]).encode()
    assert runs[0].stdout.strip() == hashlib.sha256(fingerprint).hexdigest()
    again = corpus.split_pairs(corpus.read_pairs())  # rebuilt, not the cached object
    assert [p.split for p in again.pairs] == [p.split for p in data.pairs]


# --- the tasks -------------------------------------------------------------------------------------


def test_both_directions_are_registered_built_in_and_round_trip():
    assert "en-zh" in BUILT_IN and "zh-en" in BUILT_IN
    assert TASKS["en-zh"] is CorpusTask and TASKS["zh-en"] is ChineseToEnglishTask
    for name, (src, tgt) in {"en-zh": ("word", "char"), "zh-en": ("char", "word")}.items():
        task = make_task(name)
        assert (task.name, task.direction, task.source_unit, task.target_unit) == (name, name, src, tgt)
        assert task.tokenizer_kind == task.source_unit and task.has_splits and task.generative
        data = task.to_dict()
        assert data == {"name": name, "test_pairs": 1000, "valid_pairs": 500}  # never the data
        assert task_from_dict(data) == task
    with pytest.raises(CheckpointError):
        task_from_dict({"name": "en-zh", "sentences": ["a"]})
    with pytest.raises(InputError):
        CorpusTask(name="zh-en")


def test_the_tasks_describe_themselves_in_both_languages():
    for name in ("en-zh", "zh-en"):
        task = make_task(name)
        assert "Tatoeba" in task.describe("en") and "CC BY 2.0 FR" in task.describe("en")
        assert "29,155" in task.describe("zh") and "中文" in task.describe("zh")
    assert "Chinese sentences" in make_task("zh-en").description


def test_examples_come_from_their_split(data, sides):
    en_zh, zh_en = make_task("en-zh"), make_task("zh-en")
    train = en_zh.train_examples()
    assert {ex.source for ex in train} == sides["train", "en"] and {ex.target for ex in train} == sides["train", "zh"]
    assert {ex.source for ex in en_zh.valid_examples()} == sides["valid", "en"]
    test = en_zh.test_examples()
    assert len(test) == len({ex.source for ex in test}) == len(sides["test", "en"])  # one per distinct source
    assert all(ex.target == en_zh.references(ex.source)[0] for ex in test)
    assert {ex.source for ex in zh_en.test_examples()} == sides["test", "zh"]
    rng = random.Random(0)
    assert all(en_zh.sample(rng).source in sides["train", "en"] for _ in range(50))
    assert all(zh_en.sample(rng).source in sides["train", "zh"] for _ in range(50))
    long = en_zh.sample(rng, length=25)
    assert len(long.source.split()) >= 20 and long.source in sides["train", "en"]


def test_demo_is_an_everyday_test_sentence(sides):
    for name, lang in (("en-zh", "en"), ("zh-en", "zh")):
        task = make_task(name)
        demo = task.demo()
        assert demo in sides["test", lang] and task.references(demo)
        assert task.credit(demo).startswith("tatoeba.org #")


def test_typed_input_is_normalised_like_training():
    en_zh, zh_en = make_task("en-zh"), make_task("zh-en")
    assert en_zh.normalize_source("Where can I get a TAXI?") == "where can i get a taxi ?"
    assert zh_en.normalize_source("我在哪裡可以搭到出租車?") == "我在哪里可以搭到出租车？"
    assert en_zh.references("Where can I get a taxi?") == en_zh.references("where can i get a taxi ?")
    assert make_task("reverse").normalize_source("AbC") == "AbC"  # generated tasks: unchanged


def test_the_pipeline_takes_the_tasks_own_split(sides):
    from seq2seq.core.card import DataConfig
    from seq2seq.training.pipeline import heldout, prepare_data

    task = make_task("en-zh")
    train, valid = prepare_data(task, DataConfig(n_train=100_000, n_valid=500, seed=0))
    assert train == task.train_examples() and valid == task.valid_examples()
    small, few = prepare_data(task, DataConfig(n_train=300, n_valid=20, seed=3))
    assert len(small) == 300 and len(few) == 20
    assert small == prepare_data(task, DataConfig(n_train=300, n_valid=20, seed=3))[0]  # seeded
    assert {ex.source for ex in small} <= sides["train", "en"]
    ckpt = SimpleNamespace(task=task, card=SimpleNamespace(data={"n_train": 300, "seed": 3}))
    test = heldout(ckpt, 10_000, seed=0)
    assert test == task.test_examples()
    assert len(heldout(ckpt, 50, seed=1)) == 50 and {ex.source for ex in heldout(ckpt, 50, 1)} <= sides["test", "en"]
