"""The decoding-step control that Translate and Lecture share: a slider bound to ``?step=``,
previous / play / next buttons, and playing through the steps.

A step reruns only what depends on it where that part is one block: Translate draws the
control and its step's pictures in one fragment (``section``), so a click reruns that fragment
alone, with the trace the full run computed. Play still reruns the page per step (a tiny
ticker fragment, the trace kept per session): a fragment with run_every holding the charts
kept being ticked by the browser after a pause, and each tick redrew every chart. Lecture calls
``controls`` outside a fragment (its stepped sections lie apart from the control): a step
reruns that page, whose trace is kept per session (models.trace). Keyed fragments rerun from
the control's callbacks (st.rerun(scope=[keys])) reran the sections but not the control itself
in Streamlit 1.67: its slider and the link kept the old step.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from .lang import t

KEY = "step"  # session key and query parameter
PLAY_SECONDS = 1.2  # per step while playing


def current(n_steps: int) -> int:
    """The step t without drawing the control (a view that does not step keeps the link's t)."""
    value = st.session_state.get(KEY, st.query_params.get(KEY, 1))
    try:
        return min(max(int(value), 1), max(n_steps, 1))
    except (TypeError, ValueError):
        return 1


def _stop_playing() -> None:
    """After a step by hand: playing stops (a full rerun: the timer and the label change); else
    the default rerun (the fragment that holds the control, or the page)."""
    if st.session_state.get("playing"):
        st.session_state["playing"] = False
        st.rerun()


def controls(n_steps: int, play: bool = True) -> int:
    """Draw the control for a decode of ``n_steps`` steps and return the (1-based) step t.

    A step in the link beyond this output is clamped to its last step.
    """
    if st.session_state.pop("_advance", False) and st.session_state.get("playing"):  # a tick of play_ticker
        if st.session_state.get(KEY, 1) < n_steps:
            st.session_state[KEY] = st.session_state.get(KEY, 1) + 1
        else:
            st.session_state["playing"] = False
    if st.session_state.get(KEY, 1) > n_steps:
        st.session_state[KEY] = n_steps

    def move(delta: int) -> None:
        st.session_state[KEY] = min(max(st.session_state.get(KEY, 1) + delta, 1), n_steps)
        _stop_playing()

    def toggle_play() -> None:
        playing = not st.session_state.get("playing", False)
        if playing and st.session_state.get(KEY, 1) >= n_steps:
            st.session_state[KEY] = 1  # play from the start again
        st.session_state["playing"] = playing
        st.rerun()  # the whole page: the fragment's timer starts or stops

    # One compact row: ⏮ ▶ ⏭ and the slider (bound to ?step=). ←/→ press the buttons, so a
    # presenter's clicker or the keyboard steps without aiming at them.
    playing = play and st.session_state.get("playing", False)
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
        cols[1].button(
            t("common.pause") if playing else t("common.play"), key="play", on_click=toggle_play,
            disabled=n_steps <= 1, width="stretch",
        )  # fmt: skip
    cols[n_buttons - 1].button(
        t("common.next"), key="next", on_click=move, args=(1,), disabled=step >= n_steps, width="stretch",
        type="primary", shortcut="Right", help=t("common.next_help"),
    )  # fmt: skip

    @st.fragment(run_every=PLAY_SECONDS if playing else None)
    def play_ticker() -> None:
        """While playing, each tick asks the next full run to advance one step. The step itself
        moves at the top of that run, before the slider exists: a widget's state cannot change
        after the widget is drawn, and this body also runs inside every full run (where it
        only arms the next tick). Kept tiny: after a pause the browser may tick it on."""
        if not st.session_state.get("playing"):
            return
        if st.session_state.pop("_ticked_once", False):
            st.session_state["_advance"] = True
            st.rerun(scope="app")
        st.session_state["_ticked_once"] = True

    if play:
        play_ticker()
    return step


def section(n_steps: int, body: Callable[[int], None], play: bool = True) -> None:
    """The control and ``body(step)`` (what depends on the step) in one fragment: a step by
    hand reruns only this. The fragment keeps what the full run gave it (the trace, the
    figures' sizes), so ``body`` must read nothing else that a step changes. Play ticks rerun
    the page (play_ticker), as before."""

    @st.fragment
    def stepped() -> None:
        body(controls(n_steps, play))

    stepped()
