"""The floor: a bare Streamlit app with a title, a text input, a slider and one Plotly heatmap.

benchmarks/felt_speed.py times it beside Attention Lab, in the same browser, as what the
platform itself costs for one step of a slider and for a first visit.

With ``BARE_FIGURES`` (a JSON file: per step, a list of Plotly figures as JSON, written by
felt_speed.py from Translate's own figures) it draws those instead of the heatmap, in
Translate's layout, for the slider's step: the floor of a page that draws what Translate draws,
with no model, no session state and no other widgets.
"""

import json
import os

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st


@st.cache_resource
def figures_per_step(path: str) -> list[list[go.Figure]]:
    with open(path) as f:
        return [[pio.from_json(spec, skip_invalid=True) for spec in step] for step in json.load(f)]


st.title("Bare Streamlit app")
text = st.text_input("Input", "abcdefghijklmnopqrst") or "?"
if os.environ.get("BARE_FIGURES"):
    steps = figures_per_step(os.environ["BARE_FIGURES"])
    step = st.slider("Step", 1, len(steps), 1)
    heatmap, flow, bars, topk, context = steps[step - 1]
    left, right = st.columns([3, 2])
    left.plotly_chart(heatmap, theme=None, key="heatmap")
    right.plotly_chart(flow, theme=None, key="flow")
    right.plotly_chart(bars, theme=None, key="bars")
    left, right = st.columns([2, 3])
    left.plotly_chart(topk, theme=None, key="topk")
    right.plotly_chart(context, theme=None, key="context")
else:
    tokens = list(text)
    step = st.slider("Step", 1, len(tokens), 1)
    z = np.random.default_rng(0).random((len(tokens), len(tokens) + 1))
    z[step - 1] *= 2  # the step changes the figure, as a decoding step changes the heatmap
    fig = go.Figure(go.Heatmap(z=z, x=[*tokens, "</s>"], y=tokens, colorscale="Blues"))
    fig.update_layout(height=500, yaxis={"autorange": "reversed"})
    st.plotly_chart(fig)
