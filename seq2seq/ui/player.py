"""Play in the browser: the whole decode sent once as an animated Plotly figure
(``figures.decode_animation``), played by the browser at 5 steps a second without asking the
server; when it stops (its last step, ⏸, or a step picked on its slider) the step it shows
comes back to the page, which then draws that step as usual (and writes it to ``?step=``).

How the stop comes back: Streamlit draws the figure (``st.plotly_chart``, frames and all)
and a JavaScript-only component (``st.components.v2``, which runs in the page itself) finds
that chart, starts it, listens to Plotly's animation events and sends the step shown as a
trigger value: one rerun when playing stops, none while it plays.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from seq2seq import figures
from seq2seq.core.results import DecodeTrace
from seq2seq.ui import charts

BOX = "player"  # the container's key: the component finds the chart by its class, st-key-player

_JS = """
export default function ({ data, setTriggerValue }) {
  const since = performance.now();
  const hook = () => {
    const gd = document.querySelector(`.st-key-${data.box} .js-plotly-plot`);
    if (!gd || !gd.on || !gd._fullLayout || !gd._transitionData || !gd.querySelector(".updatemenu-button")) {
      if (performance.now() - since < 30000) requestAnimationFrame(hook);
      return;
    }
    if (gd.__played === data.run) return;  // this run's figure is already playing
    gd.__played = data.run;
    let shown = data.start, told = false;
    const stop = () => { if (!told) { told = true; setTriggerValue("stop", shown); } };
    gd.on("plotly_animatingframe", (e) => { shown = Number(e.name); });
    gd.on("plotly_animated", stop);  // the last step was reached
    gd.on("plotly_animationinterrupted", stop);  // ⏸, or a step picked on the slider
    gd.on("plotly_sliderchange", (e) => { shown = Number(e.step.label); });
    // ▶ plays on from the step shown (Plotly's "fromcurrent" reads the frame last animated)
    if (data.start > 1 && data.start < data.n) gd._fullLayout._currentFrame = String(data.start);
    gd.querySelector(".updatemenu-button").dispatchEvent(new MouseEvent("click", { bubbles: true }));
  };
  hook();
}
"""

_component = st.components.v2.component("attention_lab.player", js=_JS)

MAX_KEPT = 4  # animations kept per session


def animation(trace: DecodeTrace, gold, look: figures.Look, width: int, start: int) -> go.Figure:
    """``figures.decode_animation``, kept for this session (building ~20 validated frames takes
    a moment): playing the same decode again from the same step sends the same figure."""
    memo = st.session_state.setdefault("_animations", {})
    key = (id(trace), tuple(sorted(gold or ())), look, width, start)
    hit = memo.pop(key, None)
    if hit is None or hit[0] is not trace:  # the trace kept with it: an id is never reused while held
        hit = (trace, figures.decode_animation(trace, gold, look, width, start))
    memo[key] = hit
    while len(memo) > MAX_KEPT:
        memo.pop(next(iter(memo)))
    return hit[1]


def show(fig: go.Figure, start: int, n_steps: int, filename: str, on_stop) -> None:
    """Draw ``fig`` playing from ``start``; ``on_stop(step)`` runs when it stops."""
    run = st.session_state["_play_run"] = st.session_state.get("_play_run", 0) + 1

    def stopped() -> None:
        step = getattr(st.session_state.get("player_js"), "stop", None)
        if step:
            on_stop(int(step))

    with st.container(key=BOX):
        charts.show(fig, "player_fig", filename)
    _component(key="player_js", data={"box": BOX, "start": start, "n": n_steps, "run": run},
               on_stop_change=stopped, height=0)  # fmt: skip
