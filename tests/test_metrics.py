import pytest

from seq2seq.metrics import exact_match, exact_match_by_length, length_buckets, token_accuracy


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
