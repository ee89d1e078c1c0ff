"""Real sentences: 29,155 English–中文 pairs from the Tatoeba Project (CC BY 2.0 FR).

The file ``tatoeba/cmn-eng.tsv.gz`` beside this module is the manythings.org "Anki" export
of Tatoeba, shipped unchanged (see ``tatoeba/LICENSE.md``): one pair a line,
``English<TAB>中文<TAB>attribution``, shortest sentences first. Nothing is downloaded. It is
read once per process (``load``); what changes happens here, at load time:

**Normalisation** — the text training, evaluation and typed input all see:

- English (``normalize_en``): curly quotes to straight ones (’ → ', “ ” → "); Unicode NFKC
  (full-width letters, digits and punctuation to ASCII: "Ｗｈｅｒｅ？" → "where ?");
  lower-cased; punctuation split off into its own tokens — a run of one mark is one token
  ("..."), while a word keeps its inner apostrophes and hyphens ("don't", "twenty-one") and a
  number its inner . , : ("3.5", "1,000", "7:30"); whitespace collapsed to single spaces.
  So "Where is the station?" -> "where is the station ?".
- Chinese (``normalize_zh``): NFKC for full-width ASCII letters and digits only ("ＤＶＤ" ->
  "DVD"); Chinese punctuation kept as written (。？！，「」“” …); half-width sentence
  punctuation typed into Chinese (? ! , ; : ( )) becomes its full-width form (？！，；：（）),
  the form used by 90% of the corpus's sentences that have such marks (671 have a half-width
  one; , and : between digits stay: "1,000", "7:30"); Traditional characters converted to
  Simplified (OpenCC's t2s dictionaries through the pure-Python ``opencc-python-reimplemented``,
  its data shipped in the package: "車站在哪裡？" -> "车站在哪里？"; 11 corpus sentences change,
  variants such as 絶 -> 绝; ``traditional_chars`` names what a typed input had converted);
  whitespace (and zero-width spaces) removed, except one space between two Latin letters or
  digits ("Tom Hanks"). Case is kept: "Tom" stays "Tom".

No length filter: the long sentences (up to 32 English words, 44 Chinese characters) stay,
for the bottleneck figure. Identical normalised pairs are kept once in the examples
(``Corpus.examples``).

**Split** — deterministic, with no leakage: pairs that share a normalised English *or*
Chinese sentence are joined into one group (union-find), and whole groups go to one split.
Groups are ordered by the SHA-256 of their sentences (not Python's salted ``hash``): the
first groups fill ``test`` (about ``TEST_PAIRS`` pairs), the next ``valid`` (about
``VALID_PAIRS``), the rest ``train``; a group of more than ``MAX_HELDOUT_GROUP`` pairs (a hub
such as "多少钱？", which 25 pairs share) always trains. So no sentence of the test split, on
either side, occurs in training or validation, and every translation of a source is in its
split: its references (``Corpus.references``). At the defaults: 24,356 groups; test 1,000
pairs (942 distinct English, 884 distinct Chinese sentences), valid 500, train 27,655.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

CORPUS_FILE = Path(__file__).parent / "tatoeba" / "cmn-eng.tsv.gz"
LICENSE_FILE = CORPUS_FILE.parent / "LICENSE.md"
SENTENCE_URL = "https://tatoeba.org/en/sentences/show/{id}"
LICENSE_NAME = "CC BY 2.0 FR"
LICENSE_URL = "https://creativecommons.org/licenses/by/2.0/fr/"
SPLITS = ("train", "valid", "test")
TEST_PAIRS = 1000  # pairs in the test split (whole groups: a few more)
VALID_PAIRS = 500  # pairs in the validation split
MAX_HELDOUT_GROUP = 8  # a larger group of pairs sharing sentences always goes to train
LANGS = ("en", "zh")

_ATTRIBUTION = re.compile(r"^CC-BY 2\.0 \(France\) Attribution: (tatoeba\.org #(\d+) \((.*)\) & #(\d+) \((.*)\))$")

# --- normalisation ---------------------------------------------------------------------------

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"'})
_EN_TOKEN = re.compile(
    r"\d+(?:[.,:]\d+)+"  # a number with inner marks: 3.5, 1,000, 7:30
    r"|[^\W_]+(?:['\-][^\W_]+)*"  # a word, with inner apostrophes and hyphens: don't, twenty-one
    r"|([^\w\s]|_)\1*"  # punctuation: a run of one mark is one token ("...", "!!")
)


def normalize_en(text: str) -> str:
    """English as training sees it: "Where is the Station?" -> "where is the station ?"."""
    text = unicodedata.normalize("NFKC", text.translate(_QUOTES)).lower()
    text = unicodedata.normalize("NFKC", text)  # lower() can undo NFKC ("ǅ" -> "ǆ" is fine, a few are not)
    return " ".join(m.group(0) for m in _EN_TOKEN.finditer(text))


# full-width ASCII letters and digits (U+FF10-FF19, FF21-FF3A, FF41-FF5A) -> ASCII
_FULLWIDTH_ALNUM = {
    cp: cp - 0xFEE0 for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)) for cp in range(lo, hi + 1)
}
_ZH_PUNCT = {"?": "？", "!": "！", ";": "；", "(": "（", ")": "）"}
_ZH_PUNCT_RE = re.compile(r"[?!;()]|(?<!\d)[,:]|[,:](?!\d)")
_ZH_SPACE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_LATIN = re.compile(r"[A-Za-z0-9]")


def normalize_zh(text: str) -> str:
    """Chinese as training sees it: "車站在哪裡 ?" -> "车站在哪里？" (Simplified, as written otherwise)."""
    text = to_simplified(text.translate(_FULLWIDTH_ALNUM))
    text = _ZH_PUNCT_RE.sub(lambda m: _ZH_PUNCT.get(m.group(0)) or {",": "，", ":": "："}[m.group(0)], text)

    def space(m: re.Match) -> str:
        before, after = text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
        return " " if _LATIN.fullmatch(before) and _LATIN.fullmatch(after) else ""

    return _ZH_SPACE.sub(space, text)


_EN_GLUE_LEFT = re.compile(r" ([.,!?;:%)\]}]+|'s\b|n't\b)")  # no space before closing marks
_EN_GLUE_RIGHT = re.compile(r"([(\[{$]) ")  # nor after opening ones


def detokenize(text: str, lang: str) -> str:
    """Normalised text as a reader writes it (what BLEU and chrF score, sacrebleu's own
    tokenisation then applies): English "where is it ?" -> "where is it?"; Chinese is already
    as written."""
    if lang != "en":
        return text
    return _EN_GLUE_RIGHT.sub(r"\1", _EN_GLUE_LEFT.sub(r"\1", text))


def normalize(text: str, lang: str) -> str:
    """``normalize_en`` or ``normalize_zh`` by ``lang`` ("en" | "zh")."""
    if lang not in LANGS:
        raise ValueError(f"no normalisation for language {lang!r}; choose from {', '.join(LANGS)}")
    return normalize_en(text) if lang == "en" else normalize_zh(text)


@cache
def _converter():
    """OpenCC's Traditional -> Simplified converter and the characters its dictionaries
    convert from (a sentence with none of them is left as it is, without the slow path)."""
    import opencc

    converter = opencc.OpenCC("t2s")
    folder = Path(opencc.__file__).parent / "dictionary"
    chars: set[str] | None = set()
    try:
        for name in ("TSCharacters.txt", "TSPhrases.txt"):
            for line in (folder / name).read_text(encoding="utf-8").split("\n"):
                key, _, value = line.partition("\t")
                value = value.split(" ")[0]
                if len(key) != len(value):  # a rewrite of another length: any of its characters
                    chars.update(key)
                else:  # the characters it changes (a sentence without them is left as it is)
                    chars.update(k for k, v in zip(key, value, strict=True) if k != v)
    except (OSError, ValueError):  # another layout: convert every sentence
        chars = None
    return converter, chars


def to_simplified(text: str) -> str:
    """Traditional characters to Simplified (OpenCC t2s, phrase-aware: 頭髮 -> 头发, 乾淨 -> 干净);
    Simplified text and everything that is not Chinese pass through unchanged."""
    converter, chars = _converter()
    for _ in range(3):  # a phrase rule can leave a character another rule converts (么麼 -> 幺麽 -> 幺么)
        if chars is not None and chars.isdisjoint(text):
            return text
        text, before = converter.convert(text), text
        if text == before:
            break
    return text


def traditional_chars(text: str) -> list[str]:
    """The distinct characters of ``text`` that are Traditional-only (they change on their own
    under ``to_simplified``), in order: what a notice can name ("裡 -> 里")."""
    converter, chars = _converter()
    seen: dict[str, None] = {}
    for ch in text:
        if (chars is None or ch in chars) and ch not in seen and converter.convert(ch) != ch:
            seen[ch] = None
    return list(seen)


# --- the pairs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """One line of the file: the text as written and normalised, its credit and its split."""

    en: str  # normalised English
    zh: str  # normalised Chinese
    en_raw: str  # as in the file
    zh_raw: str
    en_id: int  # Tatoeba sentence ids and contributors
    en_user: str
    zh_id: int
    zh_user: str
    line: int  # 1-based line of the file
    group: int = -1  # index of its group of pairs sharing a sentence (Corpus.groups)
    split: str = ""  # train | valid | test

    @property
    def credit(self) -> str:
        """As in the file: "tatoeba.org #538123 (CM) & #891077 (Martha)"."""
        return f"tatoeba.org #{self.en_id} ({self.en_user}) & #{self.zh_id} ({self.zh_user})"

    @property
    def link(self) -> str:
        """The English sentence on tatoeba.org (its page lists its translations)."""
        return SENTENCE_URL.format(id=self.en_id)

    @property
    def zh_link(self) -> str:
        return SENTENCE_URL.format(id=self.zh_id)

    def side(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@cache
def read_pairs(limit: int | None = None) -> tuple[Pair, ...]:
    """Every line of the shipped file (the first ``limit``), parsed and normalised (once per process)."""
    with gzip.open(CORPUS_FILE, "rt", encoding="utf-8-sig", newline="") as f:
        lines = f.read().split("\n")
    pairs = []
    for number, line in enumerate(lines[:limit], 1):
        if not line.strip():
            continue
        en, zh, attribution = line.rstrip("\r").split("\t")
        m = _ATTRIBUTION.match(attribution)
        if m is None:
            raise ValueError(f"{CORPUS_FILE.name}:{number}: unexpected attribution {attribution!r}")
        pairs.append(Pair(normalize_en(en), normalize_zh(zh), en, zh, int(m[2]), m[3], int(m[4]), m[5], number))
    return tuple(pairs)


def group_pairs(pairs: tuple[Pair, ...] | list[Pair]) -> list[list[int]]:
    """Indices of ``pairs`` joined when they share a normalised English or Chinese sentence
    (union-find), each group in file order, groups in order of their first pair."""
    parent = list(range(len(pairs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, str], int] = {}
    for i, pair in enumerate(pairs):
        for key in (("en", pair.en), ("zh", pair.zh)):
            j = first.setdefault(key, i)
            a, b = find(i), find(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(pairs)):
        groups[find(i)].append(i)
    return list(groups.values())


def group_hash(pairs: list[Pair]) -> str:
    """A stable fingerprint of a group: SHA-256 of its sorted sentences (both sides)."""
    sentences = sorted({p.en for p in pairs} | {"\x00" + p.zh for p in pairs})
    return hashlib.sha256("\n".join(sentences).encode("utf-8")).hexdigest()


def assign_splits(groups: list[list[Pair]], test_pairs: int = TEST_PAIRS, valid_pairs: int = VALID_PAIRS) -> list[str]:
    """The split of each group: groups in SHA-256 order fill test, then valid, then train;
    groups larger than ``MAX_HELDOUT_GROUP`` pairs always train."""
    out = ["train"] * len(groups)
    filled = {"test": 0, "valid": 0}
    wanted = {"test": test_pairs, "valid": valid_pairs}
    for g in sorted(range(len(groups)), key=lambda g: group_hash(groups[g])):
        if len(groups[g]) > MAX_HELDOUT_GROUP:
            continue
        for name in ("test", "valid"):
            if filled[name] < wanted[name]:
                out[g] = name
                filled[name] += len(groups[g])
                break
        else:
            break
    return out


@dataclass(frozen=True)
class Corpus:
    """The pairs with their groups and splits; ``load()`` gives the shared instance."""

    pairs: tuple[Pair, ...]
    groups: tuple[tuple[int, ...], ...]  # indices into pairs

    def split(self, name: str) -> list[Pair]:
        if name not in SPLITS:
            raise ValueError(f"unknown split {name!r}; choose from {', '.join(SPLITS)}")
        return [p for p in self.pairs if p.split == name]

    def examples(self, split: str, source: str = "en") -> list[tuple[str, str]]:
        """(source, target) normalised pairs of ``split`` in file order, for the direction that
        reads ``source`` ("en": en->zh, "zh": zh->en); identical pairs kept once."""
        target = "zh" if source == "en" else "en"
        return list(dict.fromkeys((p.side(source), p.side(target)) for p in self.split(split)))

    def sources(self, split: str, source: str = "en") -> list[str]:
        """The distinct normalised source sentences of ``split``, in file order."""
        return list(dict.fromkeys(p.side(source) for p in self.split(split)))

    @cached_property
    def _by_sentence(self) -> dict[tuple[str, str], list[Pair]]:
        index: dict[tuple[str, str], list[Pair]] = defaultdict(list)
        for p in self.pairs:
            index["en", p.en].append(p)
            index["zh", p.zh].append(p)
        return dict(index)

    def pairs_of(self, sentence: str, lang: str) -> list[Pair]:
        """Every pair whose ``lang`` side is ``sentence`` (normalised here first)."""
        return self._by_sentence.get((lang, normalize(sentence, lang)), [])

    def references(self, source: str, lang: str = "en") -> list[str]:
        """Every distinct translation of a corpus sentence (all in its split), in file order;
        [] for a sentence the corpus does not have."""
        target = "zh" if lang == "en" else "en"
        return list(dict.fromkeys(p.side(target) for p in self.pairs_of(source, lang)))

    def split_of(self, sentence: str, lang: str = "en") -> str | None:
        pairs = self.pairs_of(sentence, lang)
        return pairs[0].split if pairs else None

    def credit(self, sentence: str, lang: str = "en") -> str | None:
        """The Tatoeba credit of a corpus sentence with a link to it: "tatoeba.org #538123 (CM) &
        #891077 (Martha) · https://tatoeba.org/en/sentences/show/538123" (several pairs:
        separated by "; "); None if the corpus does not have it."""
        pairs = self.pairs_of(sentence, lang)
        if not pairs:
            return None
        links = dict.fromkeys(p.link if lang == "en" else p.zh_link for p in pairs)
        return "; ".join(dict.fromkeys(p.credit for p in pairs)) + " · " + " ".join(links)

    def stats(self) -> dict:
        """Pairs, distinct sentences per side and groups, per split and overall."""
        out: dict = {"pairs": len(self.pairs), "groups": len(self.groups)}
        for name in SPLITS:
            part = self.split(name)
            out[name] = {
                "pairs": len(part),
                "en": len({p.en for p in part}),
                "zh": len({p.zh for p in part}),
                "groups": len({p.group for p in part}),
            }
        return out


@cache
def load(test_pairs: int = TEST_PAIRS, valid_pairs: int = VALID_PAIRS) -> Corpus:
    """The corpus with its deterministic split (cached once per process and sizes)."""
    return split_pairs(read_pairs(), test_pairs, valid_pairs)


def split_pairs(raw: tuple[Pair, ...], test_pairs: int = TEST_PAIRS, valid_pairs: int = VALID_PAIRS) -> Corpus:
    """Group ``raw`` (``group_pairs``) and assign the groups to splits (``assign_splits``)."""
    groups = group_pairs(raw)
    splits = assign_splits([[raw[i] for i in g] for g in groups], test_pairs, valid_pairs)
    where = {i: (g, splits[g]) for g, members in enumerate(groups) for i in members}
    pairs = tuple(
        Pair(p.en, p.zh, p.en_raw, p.zh_raw, p.en_id, p.en_user, p.zh_id, p.zh_user, p.line, *where[i])
        for i, p in enumerate(raw)
    )
    return Corpus(pairs, tuple(tuple(g) for g in groups))
