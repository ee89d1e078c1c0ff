import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seq2seq.errors import CheckpointError, InputError
from seq2seq.tasks import ReverseTask, generate, make_task, split, task_from_dict


def test_generation_is_seeded():
    task = ReverseTask(min_len=3, max_len=9)
    assert generate(task, 50, seed=7) == generate(task, 50, seed=7)
    assert generate(task, 50, seed=7) != generate(task, 50, seed=8)


@given(st.integers(1, 30), st.integers(0, 20), st.integers(0, 10_000))
def test_examples_respect_the_task(min_len, extra, seed):
    task = ReverseTask(alphabet="xyz", min_len=min_len, max_len=min_len + extra)
    ex = task.sample(random.Random(seed))
    assert min_len <= len(ex.source) <= min_len + extra
    assert set(ex.source) <= set("xyz")
    assert ex.target == ex.source[::-1]
    # gold alignment: output j comes from source n-1-j
    assert all(ex.target[j] == ex.source[i] for j, i in ex.alignment)
    assert [j for j, _ in ex.alignment] == list(range(len(ex.target)))


def test_split_keeps_heldout_sources_out_of_training():
    task = ReverseTask(alphabet="ab", min_len=3, max_len=6)  # only 120 distinct strings
    train, valid = split(task, 200, 20, seed=0)
    assert not {ex.source for ex in valid} & {ex.source for ex in train}


def test_generation_gives_up_instead_of_hanging():
    task = ReverseTask(alphabet="a", min_len=2, max_len=2)  # one possible string
    with pytest.raises(InputError):
        generate(task, 2, seed=0, exclude={"aa"})


@pytest.mark.parametrize(
    "params", [{"alphabet": ""}, {"alphabet": "aa"}, {"min_len": 5, "max_len": 4}, {"min_len": 0}, {"max_len": 5000}]
)
def test_bad_parameters_are_refused(params):
    with pytest.raises(InputError):
        ReverseTask(**params)


def test_registry_and_metadata():
    task = make_task("reverse", min_len=2, max_len=5)
    assert task_from_dict(task.to_dict()) == task
    assert "2-5" in task.description
    with pytest.raises(InputError):
        make_task("sing")
    for bad in [{}, {"name": "sing"}, {"name": "reverse", "colour": 1}, {"name": "reverse", "min_len": -1}]:
        with pytest.raises(CheckpointError):
            task_from_dict(bad)


def test_demo_input_is_a_valid_example():
    for task in [ReverseTask(), ReverseTask(min_len=3, max_len=5), ReverseTask(alphabet="01", max_len=8)]:
        demo = task.demo()
        assert task.min_len <= len(demo) <= task.max_len and set(demo) <= set(task.alphabet)
