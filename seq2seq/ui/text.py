"""Showing user-controlled text (inputs, tokens) inside Streamlit markdown safely."""

from __future__ import annotations

import html
import re

from ..i18n import text
from ..tokenizers import visible_token

# Inline markdown, LaTeX and HTML; "+", "-" and "." only matter at the start of a line, and
# this text always sits inside a sentence.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#!|~>$])")


def md_escape(text: str) -> str:
    """Literal text inside st.markdown: no markdown, no HTML, no LaTeX ($) from user input."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(text, quote=False))


def md_token(token: str) -> str:
    """A token for markdown: visible (␣, U+0000) and escaped."""
    return md_escape(visible_token(token))


def md_token_with_codepoint(token: str) -> str:
    """“é” (U+00E9): the code point says exactly which character a lecturer is looking at."""
    shown = visible_token(token)
    if len(token) == 1 and shown == token:
        return f"“{md_escape(token)}” (U+{ord(token):04X})"
    return f"“{md_escape(shown)}”"


def md_marked(output_tokens: list[str], reference_tokens: list[str] | None, lang: str = "en") -> str:
    """The output as markdown, tokens that differ from the reference (same position) in red."""
    out = []
    for i, token in enumerate(output_tokens):
        shown = md_token(token)
        wrong = reference_tokens is not None and (i >= len(reference_tokens) or reference_tokens[i] != token)
        out.append(f":red[**{shown}**]" if wrong else shown)
    if reference_tokens is not None and len(reference_tokens) > len(output_tokens):
        out.append(f":red[{text('common.missing', lang, n=len(reference_tokens) - len(output_tokens))}]")
    return " ".join(out) or text("common.empty", lang)


def require_input(source: str) -> None:
    """Stop the page with a message for an empty or over-long input (``limits.MAX_INPUT_CHARS``)."""
    import streamlit as st

    from .. import limits
    from .lang import t

    if not source.strip():
        st.info(t("common.type_input"))
        st.stop()
    if len(source) > limits.MAX_INPUT_CHARS:
        st.error(t("common.too_long", n=len(source), limit=limits.MAX_INPUT_CHARS))
        st.stop()


def warn_unknown(unknown: list[str], guess: bool = False) -> None:
    """The one warning for input characters the model's vocabulary lacks (read as ⟨unk⟩)."""
    import streamlit as st

    from .lang import t

    if unknown:
        names = ", ".join(md_token_with_codepoint(u) for u in unknown)
        st.warning(t("common.unknown", names=names) + (" " + t("common.unknown_guess") if guess else ""))


def note_length(ckpt, source: str) -> None:
    """The one note for an input outside the lengths ``ckpt`` trained on (Translate, Compare, Beam)."""
    import streamlit as st

    from ..analysis import in_range, trained_range
    from .lang import t

    if not in_range(ckpt, source):
        lo, hi = trained_range(ckpt)
        st.info(t("common.length_note", lo=lo, hi=hi, n=len(source)))


def show_answer(answer: str) -> None:
    """The correct answer in a box that wraps, so a long answer is shown whole."""
    import streamlit as st

    st.code(answer, language=None, wrap_lines=True)
