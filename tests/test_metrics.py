import pytest

from seq2seq.training.metrics import exact_match, exact_match_by_length, length_buckets, token_accuracy


def test_exact_match():
    assert exact_match(["ab", "c"], ["ab", "d"]) == 0.5
    assert exact_match([], []) == 0.0
    with pytest.raises(ValueError):
        exact_match(["a"], ["a", "b"])


def test_token_accuracy_penalises_missing_and_extra_tokens():
    assert token_accuracy(["abc"], ["abc"]) == 1.0
    assert token_accuracy(["ab"], ["abcd"]) == 0.5
    assert token_accuracy(["abcd"], ["ab"]) == 0.5
    assert token_accuracy(["xbc"], ["abc"]) == pytest.approx(2 / 3)


def test_length_buckets_cover_the_range():
    assert length_buckets([3, 24]) == [(3, 5), (6, 8), (9, 11), (12, 14), (15, 17), (18, 20), (21, 23), (24, 24)]
    assert length_buckets([5, 5]) == [(5, 5)]


def test_by_length():
    out = exact_match_by_length(["ab", "abc", "abcdefgh"], ["ba", "xxx", "hgfedcba"], ["ba", "cba", "hgfedcba"])
    assert sum(b["n"] for b in out.values()) == 3
    assert out["2"]["exact_match"] == 1.0 and out["3"]["exact_match"] == 0.0


from seq2seq.training.metrics import alignment_error_rate, alignment_links, attention_entropy, bleu, chrf  # noqa: E402


def test_bleu_and_chrf():
    assert bleu(["the cat sat"], ["the cat sat"]) == pytest.approx(100)
    assert bleu(["2026-11-26"], ["2026-11-26"], char_level=True) == pytest.approx(100)
    assert bleu(["2026-11-27"], ["2026-11-26"], char_level=True) < 100
    assert chrf(["abc"], ["abc"]) == pytest.approx(100) and chrf(["xyz"], ["abc"]) < 10


def test_attention_entropy():
    sharp = [[[1.0, 0.0], [0.0, 1.0]]]
    blur = [[[0.5, 0.5]]]
    assert attention_entropy(sharp) == 0.0
    assert attention_entropy(blur) == pytest.approx(0.6931, abs=1e-4)


def test_alignment_links_and_aer():
    alpha = [[0.9, 0.1, 0.0], [0.1, 0.2, 0.7], [0.0, 0.0, 1.0]]  # row 1 looks at </s> (column 2)
    links = alignment_links(alpha, n_target=2, n_source=2)
    assert links == {(0, 0)}
    assert alignment_error_rate([{(0, 0), (1, 1)}], [{(0, 0), (1, 1)}]) == 0.0
    assert alignment_error_rate([{(0, 1)}], [{(0, 0)}]) == 1.0
    assert alignment_error_rate([links], [{(0, 0), (1, 1)}]) == pytest.approx(1 - 2 * 1 / 3)


# --- real sentences: several references, Chinese output (issue #28) ---------------------------

import itertools  # noqa: E402

import sacrebleu  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from seq2seq.training.metrics import (  # noqa: E402
    bleu_tokenize,
    quantile_buckets,
    reference_streams,
    scores_by_length,
    sentence_bleu,
    sentence_chrf,
)

ZH_PREDS = ["我在车站等你。", "你好吗？", "这本书很有意思。", "他明天去北京。"]
ZH_REFS = [
    ["我在车站等你。"],
    ["你最近好吗？", "你好吗？"],
    ["这本书很有趣。", "这本书挺有意思的。"],
    ["他明天要去北京。"],
]


def test_chinese_output_is_scored_with_the_zh_tokenisation():
    """The bug of issue #28: 13a sees an unsegmented Chinese sentence as one word, so a nearly
    right output scored 0.0. bleu() chooses zh from the references and equals sacrebleu's."""
    preds, refs = ["这本书很有意思。"], ["这本书很有趣。"]
    assert bleu_tokenize(refs) == "zh" and bleu_tokenize(refs, char_level=True) == "zh"
    assert sacrebleu.corpus_bleu(preds, [refs], tokenize="13a").score == 0.0
    expected = sacrebleu.corpus_bleu(preds, [refs], tokenize="zh", use_effective_order=True).score
    assert bleu(preds, refs) == pytest.approx(expected) and expected > 30
    single = [r[0] for r in ZH_REFS]
    assert bleu(ZH_PREDS, single) == pytest.approx(
        sacrebleu.corpus_bleu(ZH_PREDS, [single], tokenize="zh", use_effective_order=True).score
    )
    assert bleu(ZH_PREDS, single, char_level=True) == bleu(ZH_PREDS, single)  # zh wins over char


def test_multi_reference_bleu_and_chrf_equal_sacrebleus():
    streams = reference_streams(ZH_REFS)
    assert streams == [[r[0] for r in ZH_REFS], [None, "你好吗？", "这本书挺有意思的。", None]]
    expected = sacrebleu.corpus_bleu(ZH_PREDS, streams, tokenize="zh", use_effective_order=True).score
    assert bleu(ZH_PREDS, ZH_REFS) == pytest.approx(expected)
    assert bleu(ZH_PREDS, ZH_REFS) > bleu(ZH_PREDS, [r[0] for r in ZH_REFS])  # a second reference can only help
    assert chrf(ZH_PREDS, ZH_REFS) == pytest.approx(sacrebleu.corpus_chrf(ZH_PREDS, streams).score)
    en_preds = ["where is the station ?", "i like it ."]
    en_refs = [["where's the station ?", "where is the station ?"], ["i like that ."]]
    en_streams = reference_streams(en_refs)
    assert bleu_tokenize(r for refs in en_refs for r in refs) == "13a"
    assert bleu(en_preds, en_refs) == pytest.approx(
        sacrebleu.corpus_bleu(en_preds, en_streams, tokenize="13a", use_effective_order=True).score
    )
    with pytest.raises(ValueError):
        bleu(["a"], [[]])


def test_one_reference_as_a_string_or_a_list_scores_the_same():
    assert bleu(["the cat sat"], ["the cat sat"]) == bleu(["the cat sat"], [["the cat sat"]]) == pytest.approx(100)
    assert bleu_tokenize(["2026-11-26"], char_level=True) == "char" and bleu_tokenize(["the cat"]) == "13a"
    assert chrf(["abc", "xy"], ["abd", "xy"]) == chrf(["abc", "xy"], [["abd"], ["xy"]])


def test_sentence_scores():
    assert sentence_bleu("你好吗？", ["你最近好吗？", "你好吗？"]) == pytest.approx(100)
    assert 0 < sentence_bleu("这本书很有意思。", "这本书很有趣。") < 100
    assert sentence_chrf("abc", "abc") == pytest.approx(100) and sentence_chrf("xyz", ["abc"]) < 10


def test_scores_by_length_bucket_by_source_length():
    sources = ["i wait .", "how are you ?", "this book is very interesting .", "he goes to beijing tomorrow ."]
    out = scores_by_length(sources, ZH_PREDS, ZH_REFS, unit="word", buckets=[(1, 3), (4, 5), (6, 9)])
    assert list(out) == ["1-3", "4-5", "6-9"] and sum(b["n"] for b in out.values()) == 4
    assert out["1-3"] == {"bleu": pytest.approx(100), "chrf": pytest.approx(100), "exact_match": 1.0, "n": 1}
    assert out["4-5"]["exact_match"] == 1.0  # 你好吗？ is its second reference: right all the same
    assert out["6-9"]["n"] == 2 and out["6-9"]["exact_match"] == 0.0
    assert out["6-9"]["bleu"] == pytest.approx(bleu(ZH_PREDS[2:], ZH_REFS[2:]))
    assert out["6-9"]["chrf"] == pytest.approx(chrf(ZH_PREDS[2:], ZH_REFS[2:]))
    default = scores_by_length(sources, ZH_PREDS, ZH_REFS)  # characters, equal-width buckets
    assert sum(b["n"] for b in default.values()) == 4
    zh_sources = ["我在车站等你。", "你好吗？"]
    by_char = scores_by_length(zh_sources, ["i wait for you at the station .", "how are you ?"], ["x", "y"])
    assert set(by_char) == {"4", "7"}
    assert scores_by_length([], [], []) == {}
    with pytest.raises(ValueError):
        scores_by_length(["a"], ["a", "b"], ["a", "b"])


@given(st.lists(st.integers(1, 40), min_size=1, max_size=200), st.integers(1, 8))
def test_quantile_buckets_cover_every_length_once(lengths, n):
    buckets = quantile_buckets(lengths, n)
    assert 1 <= len(buckets) <= n
    assert all(lo <= hi for lo, hi in buckets)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(buckets))  # ordered, disjoint
    assert all(sum(lo <= x <= hi for lo, hi in buckets) == 1 for x in lengths)
