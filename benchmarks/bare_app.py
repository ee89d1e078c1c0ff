"""The floor: a bare Streamlit app with a title, a text input, a slider and one Plotly heatmap.

benchmarks/felt_speed.py times it beside Attention Lab, in the same browser, as what the
platform itself costs for one step of a slider and for a first visit.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.title("Bare Streamlit app")
text = st.text_input("Input", "abcdefghijklmnopqrst") or "?"
tokens = list(text)
step = st.slider("Step", 1, len(tokens), 1)
z = np.random.default_rng(0).random((len(tokens), len(tokens) + 1))
z[step - 1] *= 2  # the step changes the figure, as a decoding step changes the heatmap
fig = go.Figure(go.Heatmap(z=z, x=[*tokens, "</s>"], y=tokens, colorscale="Blues"))
fig.update_layout(height=500, yaxis={"autorange": "reversed"})
st.plotly_chart(fig)
