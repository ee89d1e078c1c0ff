"""Lecture: the notes' story in their order, every equation next to this model's numbers.

Query parameters: model (sidebar), src, step, att (the attention section's score function),
section (presentation mode shows one section at a time), lang, present. Every number on the
page is computed live for the selected model, input and step; the sections themselves are
``seq2seq/ui/lecture.py``.
"""

import streamlit as st

from seq2seq.errors import InputError
from seq2seq.ui import examples, frame, lang, models, sidebar, stepper
from seq2seq.ui.lang import say, t
from seq2seq.ui.lecture import S4_KEY, SECTIONS, STEPPED, Slide, scroll_to_linked_section
from seq2seq.ui.text import require_input, warn_unknown

frame.ensure()
NAMES = tuple(SECTIONS)  # also their values in the link: ?section=3

look = lang.look()
presenting = lang.presenting()
if not presenting:  # on a slide the section's header is the title
    st.title(t("lecture.title"))
    st.caption(t("lecture.intro"))
ckpt = sidebar.require_model()
task = ckpt.task


def go(delta: int) -> None:
    """The section buttons: one slide back or on."""
    i = NAMES.index(st.session_state.get("section") or NAMES[0])
    st.session_state["section"] = NAMES[min(max(i + delta, 0), len(NAMES) - 1)]


examples.apply_pending(ckpt, src_key=S4_KEY)  # §4's "try this" search: its example is §4's alone
if presenting:  # one section per slide: the input, the section and its buttons in one row
    c_src, c_sec, c_prev, c_next = st.columns([3, 3.2, 1.6, 1.6], vertical_alignment="bottom")
    source = c_src.text_input(t("common.input_x"), value=task.demo() if task else "", key="src", bind="query-params")
    section = c_sec.segmented_control(  # a default only before the buttons set one (else Streamlit warns)
        t("lecture.section"), NAMES, key="section", bind="query-params", required=True,
        default=None if "section" in st.session_state else NAMES[0],
    )  # fmt: skip
    i = NAMES.index(section)
    c_prev.button(t("lecture.prev_section"), key="prev_section", on_click=go, args=(-1,), disabled=i == 0,
                  width="stretch", shortcut="PageUp", help=t("lecture.prev_section_help"))  # fmt: skip
    c_next.button(t("lecture.next_section"), key="next_section", on_click=go, args=(1,),
                  disabled=i == len(NAMES) - 1, width="stretch", shortcut="PageDown",
                  help=t("lecture.next_section_help"))  # fmt: skip
    shown = [section]
else:
    source = st.text_input(t("common.input_x"), value=task.demo() if task else "", key="src", bind="query-params")
    section = None
    shown = list(NAMES)
    scroll_to_linked_section(NAMES)  # ?section=6 on the whole lecture: open at §6
source = require_input(source, task)
try:
    result = models.trace(ckpt, source)  # kept per session: a step does not decode again
except InputError as exc:
    st.error(say(exc))
    st.stop()
warn_unknown(result.unknown, guess=True)
if section is None or section in STEPPED:  # a slide without steps shows no step buttons
    step = stepper.controls(len(result.steps), play=False)
else:
    step = stepper.current(len(result.steps))

slide = Slide(ckpt, source, result, step, look, presenting)
for name in shown:
    SECTIONS[name](slide)
