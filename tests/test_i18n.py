"""The string catalogue: both languages for every key, the same placeholders, and every key
the code asks for defined (a missing translation fails here, not in front of a class)."""

import ast
import re
import string
from pathlib import Path

import pytest

from seq2seq import figures, i18n
from seq2seq.analysis import mistakes
from seq2seq.analysis.attribution import METHODS
from seq2seq.core.attention import NORMS, SCORES
from seq2seq.core.rnn import PLACEMENTS
from seq2seq.core.transformer import POSITIONS
from seq2seq.ui.train_panel import TOGETHER

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u3400-\u9fff]")
# where the code builds a key at run time: the prefix and the endings it may take
DYNAMIC = {
    "beam.status.": ("root", "kept", "pruned", "finished", "winner"),
    "train.state.": ("done", "stopped", "failed", "running", "queued"),
    "task.": ("copy", "reverse", "sort", "copy.verb", "reverse.verb", "sort.verb"),
    "nav.": ("home", "lecture", "translate", "beam", "compare", "train", "explain", "errors"),
    "home.story": ("1", "2", "3", "4"),
    "score.": SCORES,
    "positions.": POSITIONS,
    "compare.": ("left", "right"),
    "examples.beam_": ("this_one", "found", "bleu_this_one", "bleu_found"),  # ui/examples.py's two offers
    "explain.method.": METHODS,
    # the error analysis's measured fields (mistakes.RISK), inputs and filters
    "errors.col.": ("source", "target", "output", "correct", *mistakes.RISK),
    "errors.help.": tuple(mistakes.RISK),
    "fig.errors.": tuple(mistakes.RISK),
    "errors.inputs.": ("heldout", "longer", "pairs"),
    "errors.show.": ("all", "wrong", "right"),
    "states.dims.": ("2", "3"),  # the States page's 2-D / 3-D view
    "states.colour.": figures.STATE_VIEWS,
    "train.placement.": PLACEMENTS,
    "train.together.": TOGETHER,
    "train.norm.": NORMS,
    "variant.": ("luong", "luong-feed", "sparsemax", "entmax15", "coverage"),  # cfg.variant's parts (lang.variant_name)
}


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("key", sorted(i18n.STRINGS))
def test_every_key_has_both_languages_with_the_same_placeholders(key):
    en, zh = i18n.STRINGS[key]
    assert en.strip() and zh.strip(), f"{key}: a language is empty"
    assert fields(en) == fields(zh), f"{key}: placeholders differ: {fields(en)} vs {fields(zh)}"
    assert not CJK.search(en), f"{key}: Chinese in the English text"
    values = {name: 1 for name in fields(en)}
    for template in (en, zh):
        try:
            template.format(**values)
        except (ValueError, IndexError, KeyError) as exc:  # a stray brace (LaTeX, Plotly) not doubled
            pytest.fail(f"{key}: {exc}: {template!r}")


def test_chinese_is_chinese():
    """A zh string that is the English one copied (or has no Chinese at all) is a missing
    translation, unless it is symbols only (α, log p, t)."""
    untranslated = [
        k
        for k, (en, zh) in i18n.STRINGS.items()
        if not CJK.search(zh) and re.search(r"[A-Za-z]{3,}", zh.replace("log", ""))
    ]
    assert not untranslated, untranslated


def used_keys() -> set[str]:
    """String literals passed as the key of t(...), text(...), look.t(...) anywhere in the app."""
    keys = set()
    files = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("seq2seq/**/*.py")]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in ("t", "text") and isinstance(node.args[0].value, str):
                    keys.add(node.args[0].value)
                if name == "of" and isinstance(node.args[0].value, str):  # Seq2SeqError.of("key"): "error.key"
                    keys.add(f"error.{node.args[0].value}")
    return keys


def test_every_key_the_code_uses_is_defined():
    missing = sorted(k for k in used_keys() if k not in i18n.STRINGS)
    assert not missing, f"keys used in the code but missing from seq2seq/i18n.py: {missing}"


def test_every_defined_key_is_used():
    used = used_keys() | {prefix + end for prefix, ends in DYNAMIC.items() for end in ends}
    unused = sorted(k for k in i18n.STRINGS if k not in used)
    assert not unused, f"keys nobody uses (remove them or use them): {unused}"


def test_unknown_language_falls_back_to_english():
    assert i18n.text("nav.home", "fr") == i18n.text("nav.home", "en") == "Home"
    assert i18n.text("nav.home", "zh") == "首页"
    assert i18n.text("fig.topk.title", "zh", k=5, t=3) == "y<sub>3</sub> 的前 5 个候选"


def test_a_library_error_is_said_in_the_readers_language_and_keeps_its_words_across_processes():
    import pickle

    from seq2seq.errors import CheckpointError, InputError

    exc = pickle.loads(pickle.dumps(InputError.of("too_many_tokens", n=800, limit=199)))
    assert str(exc) == "the input has 800 tokens; this model accepts at most 199"  # the CLI's line
    assert (exc.key, exc.params) == ("too_many_tokens", {"n": 800, "limit": 199})
    assert i18n.text(f"error.{exc.key}", "zh", **exc.params) == "输入有 800 个词元；这个模型最多接受 199 个"
    assert isinstance(pickle.loads(pickle.dumps(CheckpointError("x"))), CheckpointError)
