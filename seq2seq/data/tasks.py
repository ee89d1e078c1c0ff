"""Tasks: seeded generators of (source, target) pairs, with gold alignments where defined.

A task knows its own right answer where it can (``answer``), so pages can mark wrong output
tokens, and which source units each output unit comes from (``Example.alignment``), so the
attention a model learned can be scored against the truth (AER, ``metrics.py``).

    copy       "abc"                          -> "abc"          alignment: diagonal
    reverse    "abc"                          -> "cba"          alignment: anti-diagonal
    sort       "cab"                          -> "abc"          alignment: a permutation
    dates      "Thursday, November 26, 2026"  -> "2026-11-26"   CLDR formats of six locales (babel)
    numbers    "vierundsiebzig"               -> "74"           number words in en/de/fr (num2words)
    translate  "the big dog sees a cat"       -> "ta vak grao ga na mira wo mirak"
               a toy language: SOV word order, adjective after the noun, case particles
    en-zh      "where can i get a taxi ?"     -> "我在哪里可以搭到出租车？"   real Tatoeba sentences (corpus.py)
    zh-en      "我在哪里可以搭到出租车？"       -> "where can i get a taxi ?"
    pairs      your own TSV/CSV file (see ``pairs.py``)
"""

from __future__ import annotations

import datetime as dt
import random
import string
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from functools import cache, cached_property

from seq2seq.data import corpus
from seq2seq.errors import CheckpointError, InputError
from seq2seq.i18n import text


@dataclass(frozen=True)
class Example:
    """One pair. ``alignment`` lists (target position, source position) links over the task's
    units (``Task.alignment_unit``), </s> excluded; None where the task defines none."""

    source: str
    target: str
    alignment: tuple[tuple[int, int], ...] | None = None


class Task(ABC):
    """What every task offers (generators and user pairs alike)."""

    name: str = ""
    tokenizer_kind: str = "char"  # the natural unit of this task's text
    alignment_unit: str | None = None  # unit of Example.alignment ("char" | "word"), None if no alignment
    generative: bool = True  # False for user pairs: there is nothing to sample
    # A corpus with a fixed train / valid / test split of its own (``training_data``,
    # ``heldout_data``) instead of examples generated from a seed.
    has_splits: bool = False
    # A character task (CharTask): strings of min_len..max_len characters over an alphabet, so
    # inputs of any chosen length can be generated (length curves, longer-than-trained inputs).
    # The one answer to "is this a character task?", for an instance or a class (TASKS[name]).
    character_task: bool = False

    @abstractmethod
    def describe(self, lang: str = "en") -> str:
        """One paragraph for the UI, in ``lang`` (seq2seq/i18n.py): what the task is and what
        its attention should look like."""

    @property
    def description(self) -> str:
        """``describe`` in English (model cards, the CLI)."""
        return self.describe("en")

    @property
    def source_unit(self) -> str:
        """The natural unit of the source side (a task whose two sides differ, e.g. English words
        in and Chinese characters out, overrides both: ``pipeline.make_tokenizer`` then builds a
        tokenizer per side)."""
        return self.tokenizer_kind

    @property
    def target_unit(self) -> str:
        """The natural unit of the target side (see ``source_unit``)."""
        return self.tokenizer_kind

    def answer(self, source: str) -> str | None:
        """The correct output for ``source``, when the task can compute it."""
        return None

    def reference(self, source: str) -> Example | None:
        """The correct pair for ``source`` with its gold alignment where the task has one."""
        target = self.answer(source)
        return None if target is None else Example(source, target)

    def references(self, source: str) -> list[str]:
        """Every correct output for ``source`` (a real sentence has several translations);
        [] when the task does not know."""
        target = self.answer(source)
        return [] if target is None else [target]

    def credit(self, source: str) -> str | None:
        """Where ``source`` comes from and under which licence, for a hover (real sentences)."""
        return None

    def normalize_source(self, text: str) -> str:
        """Typed input as the model was trained to read it (unchanged for generated tasks)."""
        return text

    def normalize_target(self, text: str) -> str:
        return text

    def detokenize_target(self, text: str) -> str:
        """An output (or reference) as a reader writes it: what BLEU and chrF score."""
        return text

    def training_data(self, n_train: int, n_valid: int, seed: int) -> tuple[list[Example], list[Example]]:
        """Training and validation examples of a task that ``has_splits`` (a fixed corpus)."""
        raise InputError(f"the {self.name} task has no split of its own: generate its examples")

    def heldout_data(self, n: int, seed: int) -> list[Example]:
        """Up to ``n`` examples no model of this task trained on (``has_splits``: its test split)."""
        raise InputError(f"the {self.name} task has no split of its own: generate its examples")

    def sample(self, rng: random.Random, length: int | None = None) -> Example:
        raise InputError(f"the {self.name} task cannot generate examples")

    def output_problem(self, output: str, lang: str = "en") -> str | None:
        """Why ``output`` cannot be a right answer of this task for any input (a date that does
        not exist, a number out of range), in ``lang``; None when it could be one."""
        return None

    def demo(self) -> str:
        """A friendly first input for the pages."""
        return self.sample(random.Random(0)).source

    def to_dict(self) -> dict:
        data = asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


# --- character tasks ------------------------------------------------------------------------


@dataclass(frozen=True)
class CharTask(Task):
    alphabet: str = string.ascii_lowercase  # characters the strings are drawn from
    min_len: int = 3  # shortest training string
    max_len: int = 24  # longest training string
    alignment_unit = "char"
    character_task = True

    def __post_init__(self) -> None:
        if not self.alphabet or len(set(self.alphabet)) != len(self.alphabet):
            raise InputError(f"{self.name} task: the alphabet must be non-empty, without repeats")
        if not 1 <= self.min_len <= self.max_len <= 1000:
            raise InputError(
                f"{self.name} task: need 1 <= min_len <= max_len <= 1000, got {self.min_len}..{self.max_len}"
            )

    @abstractmethod
    def order(self, source: str) -> list[int]:
        """Source position of each output character (the gold alignment)."""

    def answer(self, source: str) -> str:
        return "".join(source[i] for i in self.order(source))

    def alignment(self, source: str) -> tuple[tuple[int, int], ...]:
        return tuple(enumerate(self.order(source)))

    def reference(self, source: str) -> Example:
        return Example(source, self.answer(source), self.alignment(source))

    def sample(self, rng: random.Random, length: int | None = None) -> Example:
        """One example; ``length`` fixes the source length (e.g. for length sweeps)."""
        n = rng.randint(self.min_len, self.max_len) if length is None else length
        return self.reference("".join(rng.choice(self.alphabet) for _ in range(n)))

    def demo(self) -> str:
        for word in ("attention", "encoder", "lecture", "abc"):
            if self.min_len <= len(word) <= self.max_len and set(word) <= set(self.alphabet):
                return word
        return super().demo()

    def describe(self, lang: str = "en") -> str:
        span = text("task.char_span", lang, verb=text(f"task.{self.name}.verb", lang), lo=self.min_len,
                    hi=self.max_len, alphabet=self.alphabet)  # fmt: skip
        return f"{span} {text(f'task.{self.name}', lang)}"


@dataclass(frozen=True)
class CopyTask(CharTask):
    name: str = "copy"

    def order(self, source: str) -> list[int]:
        return list(range(len(source)))


@dataclass(frozen=True)
class ReverseTask(CharTask):
    """Reversal: a vanilla decoder must squeeze the whole string into c before it can emit
    the *last* character first, so the fixed-vector bottleneck shows on the simplest task."""

    name: str = "reverse"

    def order(self, source: str) -> list[int]:
        return list(range(len(source) - 1, -1, -1))


@dataclass(frozen=True)
class SortTask(CharTask):
    name: str = "sort"

    def order(self, source: str) -> list[int]:
        return sorted(range(len(source)), key=lambda i: source[i])  # stable: equal letters keep their order


# --- dates ---------------------------------------------------------------------------------

DATE_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "zh_CN")
DATE_FORMATS = ("short", "medium", "long", "full")


@dataclass(frozen=True)
class DateTask(Task):
    """A date as people write it, in real CLDR formats (babel), to ISO 8601."""

    locales: tuple[str, ...] = DATE_LOCALES  # CLDR locales whose formats are drawn
    formats: tuple[str, ...] = DATE_FORMATS  # CLDR format lengths
    min_year: int = 1950  # a 100-year window makes two-digit years unambiguous
    max_year: int = 2049
    name: str = "dates"

    def __post_init__(self) -> None:
        from babel import Locale, UnknownLocaleError

        object.__setattr__(self, "locales", tuple(self.locales))
        object.__setattr__(self, "formats", tuple(self.formats))
        if not self.locales or not self.formats:
            raise InputError("dates task: need at least one locale and one format")
        for loc in self.locales:
            try:
                Locale.parse(loc)
            except (UnknownLocaleError, ValueError, TypeError):
                raise InputError(f"dates task: unknown locale {loc!r}") from None
        if bad := set(self.formats) - set(DATE_FORMATS):
            raise InputError(f"dates task: unknown formats {sorted(bad)}; choose from {', '.join(DATE_FORMATS)}")
        if not 1 <= self.min_year <= self.max_year <= 9999 or self.max_year - self.min_year >= 100:
            raise InputError("dates task: years must lie in a window of at most 100 years within 1..9999")

    def describe(self, lang: str = "en") -> str:
        return text("task.dates", lang, n=len(self.formats), formats=", ".join(self.formats),
                    locales=", ".join(self.locales), lo=self.min_year, hi=self.max_year)  # fmt: skip

    def sample(self, rng: random.Random, length: int | None = None) -> Example:
        """A random date in a random locale and format, never an ambiguous one: "4/6/23" is
        April 6 in en_US and 4 June in es_ES, so no model could be right about it; such
        renderings are drawn again."""
        from babel.dates import format_date

        first, last = dt.date(self.min_year, 1, 1).toordinal(), dt.date(self.max_year, 12, 31).toordinal()
        while True:
            date = dt.date.fromordinal(rng.randint(first, last))
            locale, style = rng.choice(self.locales), rng.choice(self.formats)
            source = format_date(date, format=style, locale=locale)
            if not self._ambiguous(source, date):
                return Example(source, date.isoformat())

    def output_problem(self, output: str, lang: str = "en") -> str | None:
        """ "1931-00-00" is no date: the model wrote digits in the shape of one."""
        try:
            date = dt.date.fromisoformat(output.strip())
        except ValueError:
            return text("task.dates.invalid", lang, output=output)
        if not self.min_year <= date.year <= self.max_year:
            return text("task.dates.outside", lang, output=output, lo=self.min_year, hi=self.max_year)
        return None

    def _ambiguous(self, source: str, date: dt.date) -> bool:
        """Does another locale or format render the day/month-swapped date as the same text?"""
        from babel.dates import format_date

        if date.day > 12 or date.day == date.month or any(ch.isalpha() for ch in source):
            return False
        swapped = date.replace(day=date.month, month=date.day)
        return any(format_date(swapped, format=f, locale=loc) == source for loc in self.locales for f in self.formats)

    def demo(self) -> str:
        from babel.dates import format_date

        return format_date(dt.date(2026, 11, 26), format="full", locale=self.locales[0])


# --- number words --------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberWordsTask(Task):
    """Number words to digits (num2words): "vierundsiebzig" -> "74", "soixante-quatorze" -> "74"."""

    languages: tuple[str, ...] = ("en", "de", "fr")  # num2words language codes
    min_value: int = 0
    max_value: int = 9999
    name: str = "numbers"

    def __post_init__(self) -> None:
        from num2words import CONVERTER_CLASSES

        object.__setattr__(self, "languages", tuple(self.languages))
        if not self.languages:
            raise InputError("numbers task: need at least one language")
        if bad := [lang for lang in self.languages if lang not in CONVERTER_CLASSES]:
            raise InputError(f"numbers task: num2words has no language {bad[0]!r}")
        if not 0 <= self.min_value <= self.max_value <= 10**9:
            raise InputError("numbers task: need 0 <= min_value <= max_value <= 10^9")

    def describe(self, lang: str = "en") -> str:
        return text("task.numbers", lang, languages=", ".join(self.languages), lo=self.min_value, hi=self.max_value)

    def words(self, n: int, lang: str) -> str:
        from num2words import num2words

        return num2words(n, lang=lang)

    def sample(self, rng: random.Random, length: int | None = None) -> Example:
        n = rng.randint(self.min_value, self.max_value)
        return Example(self.words(n, rng.choice(self.languages)), str(n))

    @cached_property
    def _lookup(self) -> dict[str, str]:
        return {
            self.words(n, lang): str(n) for lang in self.languages for n in range(self.min_value, self.max_value + 1)
        }

    def output_problem(self, output: str, lang: str = "en") -> str | None:
        value = output.strip()
        if not value.isascii() or not value.isdigit() or (len(value) > 1 and value[0] == "0"):
            return text("task.numbers.invalid", lang, output=output)
        if not self.min_value <= int(value) <= self.max_value:
            return text("task.numbers.outside", lang, output=output, lo=self.min_value, hi=self.max_value)
        return None

    def answer(self, source: str) -> str | None:
        if self.max_value - self.min_value > 100_000:  # too many to tabulate
            return None
        return self._lookup.get(source.strip())

    def demo(self) -> str:
        lang = "de" if "de" in self.languages else self.languages[0]
        return self.words(min(max(74, self.min_value), self.max_value), lang)


# --- toy translation -----------------------------------------------------------------------

# source word -> target word; the target language is made up (no real language is implied)
NOUNS = {
    "dog": "vak", "cat": "mira", "bird": "tosu", "child": "keni", "teacher": "salo", "farmer": "dolu",
    "ball": "bemo", "book": "lira", "apple": "zapa", "garden": "hova", "house": "tema", "river": "nuvi",
}  # fmt: skip
ADJECTIVES = {"big": "grao", "small": "tiki", "red": "rusa", "old": "vela", "happy": "bela", "green": "verdo"}
VERBS = {"sees": "mirak", "likes": "amak", "finds": "trovak", "carries": "portak", "follows": "sekak"}
DETERMINERS = {"the": "ta", "a": "na"}
PREPOSITIONS = {"in": "ni", "near": "pres", "behind": "dopo"}  # become postpositions
SUBJECT, OBJECT = "ga", "wo"  # case particles: inserted, aligned to no source word


@dataclass(frozen=True)
class ToyTranslationTask(Task):
    """English-like SVO sentences to a made-up SOV language with word-level gold alignments.

        the big dog sees a red ball near the river
        ta vak grao ga ta nuvi pres na bemo rusa wo mirak

    Subject, then the place phrase, then the object, then the verb; adjectives follow their
    noun; prepositions become postpositions; particles mark subject (ga) and object (wo).
    """

    adjective_rate: float = 0.5  # chance that a noun phrase has an adjective
    place_rate: float = 0.5  # chance of a "near the river" phrase
    name: str = "translate"
    tokenizer_kind = "word"
    alignment_unit = "word"

    def __post_init__(self) -> None:
        if not (0 <= self.adjective_rate <= 1 and 0 <= self.place_rate <= 1):
            raise InputError("translate task: rates must lie between 0 and 1")

    def describe(self, lang: str = "en") -> str:
        return text("task.translate", lang)

    def _noun_phrase(self, rng: random.Random) -> list[str]:
        words = [rng.choice(list(DETERMINERS))]
        if rng.random() < self.adjective_rate:
            words.append(rng.choice(list(ADJECTIVES)))
        return [*words, rng.choice(list(NOUNS))]

    def sample(self, rng: random.Random, length: int | None = None) -> Example:
        subject, obj = self._noun_phrase(rng), self._noun_phrase(rng)
        verb = rng.choice(list(VERBS))
        place = [rng.choice(list(PREPOSITIONS)), *self._noun_phrase(rng)] if rng.random() < self.place_rate else []
        return self.translate_words([*subject, verb, *obj, *place])

    def translate_words(self, source_words: list[str]) -> Example:
        """Parse a sentence of this grammar and translate it with its alignment."""
        words, i = source_words, 0

        def noun_phrase() -> list[tuple[str, int]]:
            nonlocal i
            det = i
            i += 1
            adj = None
            if i < len(words) and words[i] in ADJECTIVES:
                adj, i = i, i + 1
            noun = i
            i += 1
            out = [(DETERMINERS[words[det]], det), (NOUNS[words[noun]], noun)]
            return out + ([(ADJECTIVES[words[adj]], adj)] if adj is not None else [])

        try:
            subject = noun_phrase()
            verb = i
            i += 1
            obj = noun_phrase()
            place: list[tuple[str, int]] = []
            if i < len(words):
                prep = i
                i += 1
                place = [*noun_phrase(), (PREPOSITIONS[words[prep]], prep)]
            if i != len(words) or words[verb] not in VERBS:
                raise KeyError(words[verb])
        except (KeyError, IndexError):
            raise InputError("not a sentence of the toy grammar") from None
        target = [*subject, (SUBJECT, None), *place, *obj, (OBJECT, None), (VERBS[words[verb]], verb)]
        alignment = tuple((t, s) for t, (_, s) in enumerate(target) if s is not None)
        return Example(" ".join(words), " ".join(w for w, _ in target), alignment)

    def reference(self, source: str) -> Example | None:
        try:
            return self.translate_words(source.split())
        except InputError:
            return None

    def answer(self, source: str) -> str | None:
        ref = self.reference(source)
        return None if ref is None else ref.target

    def demo(self) -> str:
        return "the big dog sees a red ball near the river"


# --- real sentences ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusTask(Task):
    """English <-> 中文 on real Tatoeba sentences (``corpus.py``: the file, its licence, the
    normalisation and the leak-free split). Its fields are the split's sizes only; the data
    lives in the package, so a checkpoint stores {"name": "en-zh", "test_pairs": .., ..}.

    Examples hold normalised text: English lower-cased with punctuation split off, Chinese as
    written (Simplified). Training and validation hold one Example per pair; the test split
    one per distinct source, whose translations are all in ``references(source)``.
    """

    test_pairs: int = corpus.TEST_PAIRS  # pairs in the test split (whole groups)
    valid_pairs: int = corpus.VALID_PAIRS  # pairs in the validation split
    name: str = "en-zh"
    direction = "en-zh"  # the class's language pair: "<source>-<target>"
    tokenizer_kind = "word"  # the source's unit until every tokenizer is built per side
    source_unit = "word"  # English: words (punctuation split off); Chinese: characters
    target_unit = "char"
    has_splits = True
    # everyday sentences for the pages' first input, the first one that is in the test split
    DEMOS = ("where is the station ?", "where can i get a taxi ?", "how far is it to the station ?")

    def __post_init__(self) -> None:
        if self.name != self.direction:
            raise InputError(f"the {self.direction} task cannot be called {self.name!r}")
        if not (0 <= self.test_pairs <= 10_000 and 0 <= self.valid_pairs <= 10_000):
            raise InputError(f"{self.name} task: split sizes must lie between 0 and 10,000 pairs")

    @property
    def source_lang(self) -> str:
        return self.direction.split("-")[0]

    @property
    def target_lang(self) -> str:
        return self.direction.split("-")[1]

    @property
    def corpus(self) -> corpus.Corpus:
        return corpus.load(self.test_pairs, self.valid_pairs)

    def describe(self, lang: str = "en") -> str:
        counts = {
            "pairs": len(self.corpus.pairs),
            "train": len(self.train_examples()),
            "test": len(self.test_sources()),
        }
        if self.direction == "zh-en":
            return text("task.zh-en", lang, **counts)
        return text("task.en-zh", lang, **counts)

    def normalize_source(self, text: str) -> str:
        return corpus.normalize(text, self.source_lang)

    def normalize_target(self, text: str) -> str:
        return corpus.normalize(text, self.target_lang)

    def detokenize_target(self, text: str) -> str:
        return corpus.detokenize(text, self.target_lang)

    def train_examples(self) -> list[Example]:
        """Every training pair (identical normalised pairs once), in file order: shortest first."""
        return list(_corpus_examples(self, "train"))

    def valid_examples(self) -> list[Example]:
        return list(_corpus_examples(self, "valid"))

    def test_sources(self) -> list[str]:
        return self.corpus.sources("test", self.source_lang)

    def test_examples(self) -> list[Example]:
        """One Example per distinct test source, its target the first of its ``references``."""
        return list(_corpus_examples(self, "test"))

    def references(self, source: str) -> list[str]:
        """Every translation of a corpus sentence (normalised; all in its split), [] for a
        sentence the corpus does not have."""
        return self.corpus.references(source, self.source_lang)

    def credit(self, source: str) -> str | None:
        """ "tatoeba.org #538123 (CM) & #891077 (Martha) · https://tatoeba.org/en/sentences/show/538123"
        for a corpus sentence (each of its pairs' credits; the link goes to the sentence)."""
        return self.corpus.credit(source, self.source_lang)

    def training_data(self, n_train: int, n_valid: int, seed: int) -> tuple[list[Example], list[Example]]:
        """The training split and the validation split, each cut to a seeded sample of
        ``n_train`` / ``n_valid`` examples when it is larger (kept in file order: shortest first,
        so the first validation sentences, the trainer's probes, are short ones)."""
        return _sample(self.train_examples(), n_train, seed), _sample(self.valid_examples(), n_valid, seed)

    def heldout_data(self, n: int, seed: int) -> list[Example]:
        """The test split (one Example per distinct source), a seeded sample of ``n`` when larger."""
        return _sample(self.test_examples(), n, seed)

    def sample(self, rng: random.Random, length: int | None = None) -> Example:
        """A training pair; with ``length``, one whose source has that many units (words of
        English, characters of Chinese), or the nearest length the corpus has."""
        examples = _corpus_examples(self, "train")
        if length is None:
            return rng.choice(examples)
        by_length = _corpus_lengths(self)
        nearest = min(by_length, key=lambda n: (abs(n - length), n))
        return examples[rng.choice(by_length[nearest])]

    def demo(self) -> str:
        """An everyday test sentence (never trained on): the first of ``DEMOS`` in the test
        split, else the first short one the test split has."""
        sources = self.test_sources()
        known = set(sources)
        for sentence in self.DEMOS:
            if sentence in known:
                return sentence
        short = [s for s in sources if 4 <= _units(s, self.source_unit) <= 8]
        return (short or sources or [""])[0]


@dataclass(frozen=True)
class ChineseToEnglishTask(CorpusTask):
    name: str = "zh-en"
    direction = "zh-en"
    tokenizer_kind = "char"
    source_unit = "char"
    target_unit = "word"
    DEMOS = ("车站在哪里？", "我在哪里可以搭到出租车？", "到火车站有多远？")


def _units(text: str, unit: str) -> int:
    return len(text.split()) if unit == "word" else len(text.replace(" ", ""))


def _sample(examples: list[Example], n: int, seed: int) -> list[Example]:
    if n >= len(examples):
        return list(examples)
    keep = sorted(random.Random(seed).sample(range(len(examples)), n))
    return [examples[i] for i in keep]


@cache
def _corpus_examples(task: CorpusTask, split: str) -> tuple[Example, ...]:
    if split == "test":
        src = task.source_lang
        return tuple(Example(s, task.corpus.references(s, src)[0]) for s in task.corpus.sources("test", src))
    return tuple(Example(s, t) for s, t in task.corpus.examples(split, task.source_lang))


@cache
def _corpus_lengths(task: CorpusTask) -> dict[int, list[int]]:
    """Indices of the training examples by source length in the task's source units."""
    out: dict[int, list[int]] = {}
    for i, ex in enumerate(_corpus_examples(task, "train")):
        out.setdefault(_units(ex.source, task.source_unit), []).append(i)
    return out


# --- your own pairs --------------------------------------------------------------------------


@dataclass(frozen=True)
class PairsTask(Task):
    """Pairs from a user's file (see ``pairs.py``); nothing to generate, no known answers."""

    source_name: str = "pairs"  # the file the pairs came from
    n_pairs: int = 0
    examples: tuple[str, ...] = field(default=(), compare=False)  # a few sources for the pages' demo
    name: str = "pairs"
    generative = False

    def describe(self, lang: str = "en") -> str:
        return text("task.pairs", lang, n=self.n_pairs, source=self.source_name)

    def demo(self) -> str:
        return self.examples[0] if self.examples else ""


# --- generation ------------------------------------------------------------------------------

TASKS: dict[str, type[Task]] = {
    "copy": CopyTask,
    "reverse": ReverseTask,
    "sort": SortTask,
    "dates": DateTask,
    "numbers": NumberWordsTask,
    "translate": ToyTranslationTask,
    "en-zh": CorpusTask,
    "zh-en": ChineseToEnglishTask,
    "pairs": PairsTask,
}
BUILT_IN = ("copy", "reverse", "sort", "dates", "numbers", "translate", "en-zh", "zh-en")


def generate(task: Task, n: int, seed: int, exclude: set[str] | None = None) -> list[Example]:
    """``n`` examples from ``random.Random(seed)``, skipping sources in ``exclude``.

    The same (task, n, seed) always gives the same list. ``exclude`` keeps a held-out set
    disjoint from the training set; generation gives up (with an error, not a hang) when the
    task cannot produce enough distinct new sources.
    """
    rng = random.Random(seed)
    exclude = exclude or set()
    out: list[Example] = []
    attempts = 0
    while len(out) < n:
        attempts += 1
        if attempts > 50 * n + 1000:
            raise InputError(f"{task.name}: could not generate {n} examples outside the excluded set")
        ex = task.sample(rng)
        if ex.source not in exclude:
            out.append(ex)
    return out


def split(task: Task, n_train: int, n_valid: int, seed: int) -> tuple[list[Example], list[Example]]:
    """A training set and a held-out set whose sources never occur in the training set."""
    train = generate(task, n_train, seed)
    valid = generate(task, n_valid, seed + 1_000_003, exclude={ex.source for ex in train})
    return train, valid


def make_task(name: str, **params) -> Task:
    if name not in TASKS:
        raise InputError(f"unknown task {name!r}; choose from {', '.join(sorted(TASKS))}")
    try:
        return TASKS[name](**params)
    except TypeError as exc:
        raise InputError(f"{name} task: {exc}") from None


def task_from_dict(data: dict) -> Task:
    """Rebuild a task from checkpoint metadata, refusing unknown names and fields."""
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise CheckpointError("task metadata must be an object with a 'name'")
    cls = TASKS.get(data["name"])
    if cls is None:
        raise CheckpointError(f"unknown task {data['name']!r}")
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k != "name"}
    try:
        return cls(**params)
    except (TypeError, InputError) as exc:
        raise CheckpointError(f"task metadata is invalid: {exc}") from None
