"""Showing user-controlled text (inputs, tokens) inside Streamlit markdown safely."""

from __future__ import annotations

import html
import re

from seq2seq.data.tokenizers import visible_token
from seq2seq.figures import p_text
from seq2seq.i18n import text
from seq2seq.ui.lang import current

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


def md_marked(
    output_tokens: list[str], reference_tokens: list[str] | None, lang: str = "en", kind: str = "word"
) -> str:
    """The output as markdown, tokens that differ from the reference (same position) in red;
    characters (``kind`` of the tokenizer: "char") run together as the text they spell."""
    out = []
    for i, token in enumerate(output_tokens):
        shown = md_token(token)
        wrong = reference_tokens is not None and (i >= len(reference_tokens) or reference_tokens[i] != token)
        out.append(f":red[**{shown}**]" if wrong else shown)
    if reference_tokens is not None and len(reference_tokens) > len(output_tokens):
        out.append(f":red[{text('common.missing', lang, n=len(reference_tokens) - len(output_tokens))}]")
    return ("" if kind == "char" else " ").join(out) or text("common.empty", lang)


def styled_token(shown: str, mark: str = "", current: bool = False) -> str:
    """An already escaped token as an HTML span, styled as the figures style it
    (``figures.token_label``): bold purple when a what-if forced it, purple italics when decoded
    after a forced step; the current step's token red (underlined in red when it is purple)."""
    from seq2seq.figures import FORCED, HIGHLIGHT

    style = {"forced": f"color:{FORCED};font-weight:700", "after": f"color:{FORCED};font-style:italic"}.get(mark, "")
    if current:
        style = style or f"color:{HIGHLIGHT};font-weight:700"
        if mark:
            style += f";text-decoration:underline {HIGHLIGHT} 3px;text-underline-offset:4px"
    if not style:
        return shown
    return f'<span class="token-{mark or "current"}" style="{style}">{shown}</span>'


BOX_STYLE = (
    "background:#f0f2f6;border-radius:0.5rem;padding:0.9rem 1.1rem;font-family:'Source Code Pro',monospace;"
    "font-size:0.95rem;white-space:pre-wrap;line-height:1.6"
)


def box_html(body: str, kind: str) -> str:
    """``body`` (HTML) in a box like st.code's, for ``st.html``: st.code would load Streamlit's
    syntax highlighter, a 1.5 MB script that cost a visitor ~600 ms of this machine's CPU
    (measured 2026-11-27) for text that has no syntax. The text wraps (pre-wrap), so a long
    answer is shown whole. ``kind``: a CSS class (``box-output``, ``box-answer``) tests find it by."""
    return f'<div class="text-box box-{kind}" style="{BOX_STYLE}">{body or "&nbsp;"}</div>'


def text_html(text: str, kind: str) -> str:
    """Plain ``text`` in the box of ``box_html`` (escaped: a token such as "<s>" is shown as typed)."""
    return box_html(html.escape(text, quote=False), kind)


def output_html(trace) -> str:
    """The decoded output of a ``DecodeTrace`` in the box of ``box_html``, each token styled by
    ``DecodeTrace.forcing`` (forced tokens bold purple, later ones purple italics). Tokens are
    joined as the output text joins them (characters without spaces)."""
    pairs = [(tok, mark) for tok, mark in zip(trace.output_tokens, trace.forcing(), strict=True) if tok != "</s>"]
    joiner = "" if "".join(tok for tok, _ in pairs) == trace.output else " "
    body = joiner.join(styled_token(html.escape(visible_token(tok), quote=False), mark) for tok, mark in pairs)
    return box_html(body, "output")


def require_input(source: str, task=None) -> str:
    """Stop the page with a message for an empty or over-long input (``limits.MAX_INPUT_CHARS``);
    otherwise the input as the model reads it (``task.normalize_source``: a real sentence lower-cased,
    punctuation split off, Traditional characters as Simplified), with a note when that changed it
    and, for a sentence of the corpus, its Tatoeba credit and licence (``task.credit``)."""
    import streamlit as st

    from seq2seq import limits
    from seq2seq.ui.lang import t

    if not source.strip():
        st.info(t("common.type_input"))
        st.stop()
    if len(source) > limits.MAX_INPUT_CHARS:
        st.error(t("common.too_long", n=len(source), limit=limits.MAX_INPUT_CHARS))
        st.stop()
    read = source if task is None else task.normalize_source(source)
    if not read.strip():
        st.info(t("common.type_input"))
        st.stop()
    notes = [t("common.read_as", text=md_escape(read))] if read != source else []
    credit = None if task is None else task.credit(read)
    if credit:  # a corpus sentence: its authors and licence one click away
        who, _, url = credit.partition(" · ")
        notes.append(t("common.credit", who=md_escape(who), url=url))
    if notes:
        st.caption(" · ".join(notes))  # one line: the figures below keep their place on a projector
    return read


def warn_unknown(unknown: list[str], guess: bool = False) -> None:
    """The one warning for input characters the model's vocabulary lacks (read as ⟨unk⟩)."""
    import streamlit as st

    from seq2seq.ui.lang import t

    if unknown:
        names = ", ".join(md_token_with_codepoint(u) for u in unknown)
        st.warning(t("common.unknown", names=names) + (" " + t("common.unknown_guess") if guess else ""))


def note_length(ckpt, source: str) -> None:
    """The one note for an input outside the lengths ``ckpt`` trained on (Translate, Compare, Beam)."""
    import streamlit as st

    from seq2seq.analysis.experiments import in_range, trained_range
    from seq2seq.ui.lang import t

    if not in_range(ckpt, source):
        lo, hi = trained_range(ckpt)
        st.info(t("common.length_note", lo=lo, hi=hi, n=len(source)))


def show_answer(answer: str) -> None:
    """The correct answer in a box that wraps, so a long answer is shown whole."""
    import streamlit as st

    st.html(text_html(answer, "answer"))


def step_summary(trace, step: int, lang: str | None = None) -> str:
    """Markdown (with HTML spans: ``unsafe_allow_html``) that says what the decoder emits at the
    1-based ``step`` and the output so far, what-if tokens coloured as in the figures."""
    lang = lang or current()
    marks, chosen = trace.forcing(), trace.steps[step - 1]
    so_far = " ".join(
        styled_token(md_token(s.token), marks[i - 1], current=i == step) for i, s in enumerate(trace.steps[:step], 1)
    )
    mark = marks[step - 1]
    if mark == "forced":
        forced = text("translate.forced_note", lang)
    else:
        forced = text("translate.after_note", lang) if mark == "after" else ""
    return text("translate.step_summary", lang, t=step, n=len(trace.steps), token=md_token(chosen.token),
                p=p_text(chosen.prob), forced=forced, so_far=so_far)  # fmt: skip


def show_decoded(result, ckpt, reference=None) -> None:
    """Translate's output box: what-if tokens in purple (``output_html``), else against a known
    right answer (``reference``) with wrong tokens in red, else as a reader writes it ("taxi?",
    not the tokens "taxi ?": ``task.detokenize_target``; the figures keep the tokens)."""
    import streamlit as st

    task, target = ckpt.task, ckpt.tokenizer.target
    if result.forced_steps:  # the forced tokens and those after them in purple, as in every figure
        st.html(output_html(result))
    elif reference is not None:  # wrong tokens in red, as on Compare
        shown = [token for token in result.output_tokens if token != "</s>"]
        st.markdown(md_marked(shown, target.tokenize(reference.target), current(), target.kind))
    else:
        st.html(text_html(task.detokenize_target(result.output) if task is not None else result.output, "output"))


def show_output(col, label: str, output: str, tokens: list[str], ckpt, source: str, reference=None) -> None:
    """One decoded output in ``col`` under ``label`` (Beam's greedy and beam columns): against a
    known right answer (``reference``, an Example) with wrong tokens in red and a verdict; for a
    real sentence (``task.references``) as a reader writes it with its sentence BLEU against
    every reference; else as it is."""
    from seq2seq.training.metrics import sentence_bleu
    from seq2seq.ui.lang import t

    col.markdown(label)
    task = ckpt.task
    if reference is not None:
        ref_tokens = ckpt.tokenizer.target.tokenize(reference.target)
        shown = [tok for tok in tokens if tok != "</s>"]
        col.markdown(md_marked(shown, ref_tokens, current(), ckpt.tokenizer.target.kind))
        col.markdown(t("compare.correct") if output == reference.target else t("compare.wrong"))
        return
    col.html(text_html(task.detokenize_target(output) if task is not None else output, "output"))
    refs = [task.detokenize_target(r) for r in task.references(source)] if task is not None and task.has_splits else []
    if refs:
        bleu = sentence_bleu(task.detokenize_target(output), refs)
        col.caption(t("beam.sentence_bleu", bleu=bleu, refs=len(refs)))
