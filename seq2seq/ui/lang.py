"""The reader's language and presentation mode, for every page of a session.

Both live in session state and in the URL (``?lang=zh``, ``?present=1``), so a link on a
slide opens in the lecturer's language and at projector size. They are kept by hand rather
than with ``bind="query-params"``: a bound toggle writes ``present=true`` and rejects the
``present=1`` a person types, and ``sync`` rewrites both on every run because a page
switch clears query parameters that no widget of the new page is bound to.
"""

from __future__ import annotations

import streamlit as st

from seq2seq import figures, i18n
from seq2seq.core import families
from seq2seq.errors import CheckpointError, Seq2SeqError

LANG_KEY = "lang"
PRESENT_KEY = "present"
PRESENT_SCALE = 1.3  # fonts and figures in presentation mode
# Tables are drawn on a canvas at a fixed 14 px that the larger root font does not reach: zoomed,
# their digits stand as tall as the prose beside them.
PRESENT_TABLE_ZOOM = 1.45
SCREEN_HEIGHT = 1080  # a projector's screen: presentation mode lays out the figure and its control inside it
# Streamlit sizes everything in rem, so a larger root font enlarges text, widgets and spacing alike.
# On a projector every pixel of height counts: less padding above the page, a smaller page title.
PRESENT_CSS = f"""<style>
html {{ font-size: {16 * PRESENT_SCALE:.0f}px; }}
[data-testid="stMainBlockContainer"] {{ padding-top: 3.4rem; padding-bottom: 2rem; }}
[data-testid="stMainBlockContainer"] h1 {{ font-size: 1.9rem; padding: 0 0 0.3rem 0; }}
[data-testid="stMainBlockContainer"] h2 {{ font-size: 1.45rem; padding: 0.2rem 0; }}
[data-testid="stElementContainer"]:has([data-testid="stDataFrame"]) {{
  zoom: {PRESENT_TABLE_ZOOM}; width: calc(100% / {PRESENT_TABLE_ZOOM}) !important; }}
</style>"""


def _is_on(value: str | None) -> bool:
    """``?present=1`` (or true / yes / on): how a person may write "on" in a link."""
    return (value or "").lower() in ("1", "true", "yes", "on")


def sync() -> None:
    """Read ``lang`` and ``present`` from the URL when a session starts (or a link names them),
    and write the session's values back to the URL (app.py calls this before anything else)."""
    url_lang = st.query_params.get(LANG_KEY)
    if url_lang in i18n.LANGS and "_lang_seen" not in st.session_state:
        st.session_state[LANG_KEY] = url_lang
    url_present = st.query_params.get(PRESENT_KEY)
    if url_present is not None and "_lang_seen" not in st.session_state:
        st.session_state[PRESENT_KEY] = _is_on(url_present)
    st.session_state["_lang_seen"] = True
    if st.session_state.get(LANG_KEY) not in i18n.LANGS:
        st.session_state[LANG_KEY] = i18n.DEFAULT
    write_url()


def write_url() -> None:
    """The current values into the URL: lang only when not the default, present only when on."""
    if current() == i18n.DEFAULT:
        st.query_params.pop(LANG_KEY, None)
    else:
        st.query_params[LANG_KEY] = current()
    if presenting():
        st.query_params[PRESENT_KEY] = "1"
    else:
        st.query_params.pop(PRESENT_KEY, None)


def current() -> str:
    lang = st.session_state.get(LANG_KEY)
    return lang if lang in i18n.LANGS else i18n.DEFAULT


def presenting() -> bool:
    return bool(st.session_state.get(PRESENT_KEY, False))


def t(key: str, **values) -> str:
    """``key`` of seq2seq/i18n.py in the reader's language (an error among ``values`` is said in
    it too: ``say``)."""
    values = {k: say(v) if isinstance(v, BaseException) else v for k, v in values.items()}
    return i18n.text(key, current(), **values)


def say(exc: BaseException) -> str:
    """An error as the reader's language says it: a library error made with a key
    (``Seq2SeqError.of``) in its own words; in 中文, any other library error in a 中文 sentence
    that quotes its English; anything else as its message."""
    key = getattr(exc, "key", None)
    if key is not None and f"error.{key}" in i18n.STRINGS:
        return i18n.text(f"error.{key}", current(), **exc.params)
    if current() == "en" or not isinstance(exc, Seq2SeqError):
        return str(exc)
    if isinstance(exc, CheckpointError):
        return i18n.text("error.checkpoint_other", current(), detail=str(exc))
    return i18n.text("error.input_other", current(), detail=str(exc))


def score_name(score: str) -> str:
    """A score function's name in the reader's language ("additive" -> "加性")."""
    return t(f"score.{score}")


def variant_name(variant: str) -> str:
    """``cfg.variant`` ("luong+general+local4") in the reader's language ("Luong, general, local-p, D = 4")."""
    return i18n.variant_name(variant, current())


def decoder_label(decoder: str) -> str:
    """A model family's name in the reader's language (its own words); another label as it is."""
    try:
        return families.get(decoder).label(current())
    except ValueError:
        return decoder


def look() -> figures.Look:
    """How figures are drawn for this reader: language and size."""
    return figures.Look(current(), PRESENT_SCALE if presenting() else 1.0)


def link_presenting() -> bool:
    """Whether the link asks for presentation mode (read before ``sync``, to start with the
    sidebar collapsed)."""
    value = st.query_params.get(PRESENT_KEY)
    return _is_on(value) or presenting()


def controls() -> None:
    """The sidebar's language switch and presentation toggle."""
    st.segmented_control(
        t("sidebar.language"),
        list(i18n.LANGS),
        format_func=i18n.LANGS.get,
        key=LANG_KEY,
        on_change=write_url,
        selection_mode="single",
        required=True,
    )
    st.toggle(t("sidebar.present"), key=PRESENT_KEY, on_change=write_url, help=t("sidebar.present_help"))
    if presenting():
        st.html(PRESENT_CSS)  # style only: Streamlit puts it where it takes no room
