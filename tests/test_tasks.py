import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seq2seq.data.tasks import TASKS, CharTask, ReverseTask, generate, make_task, split, task_from_dict
from seq2seq.errors import CheckpointError, InputError


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


# --- every built-in task ------------------------------------------------------------------------

from seq2seq.data.tasks import (  # noqa: E402
    ADJECTIVES,
    BUILT_IN,
    DETERMINERS,
    NOUNS,
    PREPOSITIONS,
    VERBS,
    DateTask,
    NumberWordsTask,
    SortTask,
    ToyTranslationTask,
)


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_task_is_seeded_serialisable_and_described(name):
    task = make_task(name)
    assert generate(task, 30, seed=1) == generate(task, 30, seed=1)
    assert task_from_dict(task.to_dict()) == task
    assert len(task.description) > 60
    assert task.demo()


@pytest.mark.parametrize("name", BUILT_IN)
def test_known_answers_match_generated_targets(name):
    task = make_task(name)
    for ex in generate(task, 40, seed=2):
        answer = task.answer(ex.source)
        assert answer is None or answer == ex.target


@pytest.mark.parametrize("name", ["copy", "reverse", "sort", "translate"])
def test_gold_alignments_point_at_matching_units(name):
    task = make_task(name)
    lexicon = NOUNS | ADJECTIVES | VERBS | DETERMINERS | PREPOSITIONS
    for ex in generate(task, 40, seed=3):
        src = ex.source.split() if task.alignment_unit == "word" else list(ex.source)
        tgt = ex.target.split() if task.alignment_unit == "word" else list(ex.target)
        assert ex.alignment
        for t, s in ex.alignment:
            assert 0 <= t < len(tgt) and 0 <= s < len(src)
            assert tgt[t] == (lexicon[src[s]] if name == "translate" else src[s])


def test_sort_alignment_is_a_permutation():
    ex = SortTask().sample(random.Random(4))
    assert sorted(s for _, s in ex.alignment) == list(range(len(ex.source)))
    assert ex.target == "".join(sorted(ex.source))


def test_dates_are_real_cldr_formats_of_the_iso_date():
    from babel.dates import format_date

    task = DateTask()
    seen_locales = set()
    rng = random.Random(5)
    for _ in range(200):
        ex = task.sample(rng)
        date = __import__("datetime").date.fromisoformat(ex.target)
        assert task.min_year <= date.year <= task.max_year
        renderings = {format_date(date, format=f, locale=loc): loc for loc in task.locales for f in task.formats}
        assert ex.source in renderings
        seen_locales.add(renderings[ex.source])
    assert seen_locales == set(task.locales)
    assert DateTask().demo() == "Thursday, November 26, 2026"
    with pytest.raises(InputError):
        DateTask(locales=("xx_YY",))
    with pytest.raises(InputError):
        DateTask(min_year=1900, max_year=2049)  # two-digit years would be ambiguous


def test_number_words_in_three_languages():
    task = NumberWordsTask()
    assert task.words(74, "de") == "vierundsiebzig" and task.words(74, "fr") == "soixante-quatorze"
    assert task.answer("vierundsiebzig") == "74" and task.answer("soixante-quatorze") == "74"
    assert task.answer("not a number") is None
    from num2words import num2words

    for ex in generate(task, 50, seed=6):
        assert any(num2words(int(ex.target), lang=lang) == ex.source for lang in task.languages)
    with pytest.raises(InputError):
        NumberWordsTask(languages=("klingon",))


def test_toy_translation_reorders_and_inserts_particles():
    task = ToyTranslationTask()
    ex = task.translate_words(["the", "big", "dog", "sees", "a", "red", "ball", "near", "the", "river"])
    assert ex.target == "ta vak grao ga ta nuvi pres na bemo rusa wo mirak"
    targets = [t for t, _ in ex.alignment]
    assert 3 not in targets and 10 not in targets  # the particles ga and wo come from no source word
    assert (11, 3) in ex.alignment  # the verb moves from position 3 to the end
    sources_in_target_order = [s for _, s in sorted(ex.alignment)]
    assert sources_in_target_order != sorted(sources_in_target_order)  # the alignment crosses
    assert task.answer("dog the sees") is None
    with pytest.raises(InputError):
        task.translate_words(["the", "dog"])


def test_dates_never_generate_ambiguous_renderings():
    import datetime

    task = DateTask()
    assert task._ambiguous("4/6/23", datetime.date(2023, 4, 6))  # en_US April 6 = es_ES 4 June
    assert not task._ambiguous("26/11/26", datetime.date(2026, 11, 26))
    seen: dict[str, str] = {}
    for ex in generate(task, 3000, seed=11):
        assert seen.setdefault(ex.source, ex.target) == ex.target


def test_outputs_that_cannot_be_answers_are_named():
    dates = make_task("dates")
    assert dates.output_problem("2023-04-06") is None
    assert "not a date" in dates.output_problem("1931-00-00")
    assert "不是" in dates.output_problem("1931-00-00", "zh")
    assert "outside" in dates.output_problem("1850-01-01")
    numbers = make_task("numbers")
    assert numbers.output_problem("74") is None
    for bad in ("7a", "074", "", "٧٤"):
        assert numbers.output_problem(bad), bad
    assert "outside" in numbers.output_problem("123456")
    assert make_task("reverse").output_problem("anything") is None


def test_one_answer_to_is_this_a_character_task():
    assert {name for name, cls in TASKS.items() if cls.character_task} == {"copy", "reverse", "sort"}
    assert all(cls.character_task == issubclass(cls, CharTask) for cls in TASKS.values())
    assert make_task("reverse").character_task and not make_task("dates").character_task
