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
