"""The decoding-step control that Translate and Lecture share: a slider bound to ``?step=``,
previous / play / next buttons, and playing through the steps.

A step reruns only what depends on it where that part is one block: Translate draws the
control and its step's pictures in one fragment (``section``), so a click reruns that fragment
alone, with the trace the full run computed. ▶ Play (``section`` with an ``animation``) sends
the whole decode once as an animated figure that the browser plays (seq2seq/ui/player.py); the
step it stops at comes back as one rerun, which draws that step and writes it to the link.
Lecture calls ``controls`` outside a fragment (its stepped sections lie apart from the
control): a step reruns that page, whose trace is kept per session (models.trace). Keyed
fragments rerun from the control's callbacks (st.rerun(scope=[keys])) reran the sections but
not the control itself in Streamlit 1.67: its slider and the link kept the old step.
"""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from seq2seq.ui import player
from seq2seq.ui.lang import t

KEY = "step"  # session key and query parameter
PLAYING, PLAY_FROM = "playing", "_play_from"  # session keys: the browser is playing; from which step


def current(n_steps: int) -> int:
    """The step t without drawing the control (a view that does not step keeps the link's t)."""
    value = st.session_state.get(KEY, st.query_params.get(KEY, 1))
    try:
        return min(max(int(value), 1), max(n_steps, 1))
    except (TypeError, ValueError):
        return 1


def controls(n_steps: int, play: bool = True) -> int:
    """Draw the control for a decode of ``n_steps`` steps and return the (1-based) step t.

    A step in the link beyond this output is clamped to its last step.
    """
    if KEY not in st.session_state:  # the link's step, clamped (the slider would drop an out-of-range one)
        st.session_state[KEY] = current(n_steps)
    elif st.session_state[KEY] > n_steps:
        st.session_state[KEY] = n_steps

    def move(delta: int) -> None:
        st.session_state[KEY] = min(max(st.session_state.get(KEY, 1) + delta, 1), n_steps)

    def start_playing() -> None:  # the fragment reruns and draws the player instead
        step = st.session_state.get(KEY, 1)
        st.session_state[PLAY_FROM] = 1 if step >= n_steps else step  # from the end: play from the start
        st.session_state[PLAYING] = True

    # One compact row: ⏮ ▶ ⏭ and the slider (bound to ?step=). ←/→ press the buttons, so a
    # presenter's clicker or the keyboard steps without aiming at them.
    n_buttons = 3 if play else 2
    cols = st.columns([1.1] * n_buttons + [9 - n_buttons], vertical_alignment="center")
    step = 1
    if n_steps > 1:
        with cols[-1]:
            step = st.slider(
                # no value=: the step is set through session state (play, clamping), never twice
                t("common.step"), min_value=1, max_value=n_steps, key=KEY, bind="query-params",
                help=t("common.step_help"), label_visibility="collapsed", format=t("common.step_format", n=n_steps),
            )  # fmt: skip
    else:
        cols[-1].caption(t("common.one_step"))
    cols[0].button(t("common.prev"), key="prev", on_click=move, args=(-1,), disabled=step <= 1, width="stretch",
                   shortcut="Left", help=t("common.prev_help"))  # fmt: skip
    if play:
        cols[1].button(t("common.play"), key="play", on_click=start_playing, disabled=n_steps <= 1, width="stretch",
                       help=t("common.play_help"))  # fmt: skip
    cols[n_buttons - 1].button(
        t("common.next"), key="next", on_click=move, args=(1,), disabled=step >= n_steps, width="stretch",
        type="primary", shortcut="Right", help=t("common.next_help"),
    )  # fmt: skip

    return step


def section(
    n_steps: int, body: Callable[[int], None], animation: Callable[[int], go.Figure] | None = None, name: str = "play"
) -> None:
    """The control and ``body(step)`` (what depends on the step) in one fragment: a step by
    hand reruns only this. The fragment keeps what the full run gave it (the trace, the
    figures' sizes), so ``body`` must read nothing else that a step changes.

    ``animation(start)``: the decode as an animated figure opening at step ``start``
    (figures.decode_animation); given, ▶ Play draws it in place of the control and ``body``
    and the browser plays it; the step it stops at is drawn by ``body`` again. ``name``: the
    file name of the figure's PNG."""

    def stopped(step: int) -> None:
        st.session_state[KEY] = min(max(step, 1), n_steps)
        st.session_state[PLAYING] = False

    @st.fragment
    def stepped() -> None:
        if animation is not None and st.session_state.get(PLAYING):
            start = min(max(st.session_state.get(PLAY_FROM, 1), 1), n_steps)
            player.show(animation(start), start, n_steps, name, stopped)
            st.caption(t("common.playing"))
        else:
            body(controls(n_steps, play=animation is not None))

    stepped()
