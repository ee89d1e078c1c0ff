"""Landing page: the lecture's story in four sentences, and where to see each one."""

import streamlit as st

from seq2seq.ui import frame, models

frame.ensure()

st.title("Attention Lab")
st.markdown(
    r"""
Watch a sequence-to-sequence model work, one decoding step at a time.

1. **Encoder–decoder.** The encoder reads $x_1 \dots x_T$ and squeezes it into one fixed vector
   $c = h_T$; the decoder unrolls the output $y_1 \dots y_{T'}$ from it.
2. **Training and inference.** Training feeds the true $y_{t-1}$ (teacher forcing); at inference
   the model feeds back its own prediction.
3. **The bottleneck.** $c$ has the same size however long the input is, so long inputs lose
   information.
4. **Attention** gives the decoder a fresh context at every step, $c_t = \sum_i \alpha_{t,i} h_i$,
   looking back at the encoder states where it needs to.
"""
)
st.page_link("pages/translate.py", label="Translate — step through a decode: α, the notes' picture, what-if", icon="➡️")
st.page_link("pages/beam.py", label="Beam search — the whole tree: what the beam kept and what it dropped", icon="🌳")
st.page_link("pages/compare.py", label="Compare — vanilla vs attention, and the bottleneck by input length", icon="⚖️")
st.page_link("pages/train.py", label="Train — watch the loss fall and attention learn to align, live", icon="🏋️")
st.caption("Pick a model in the sidebar. Every view's state is in its link, so a link on a slide reopens it.")

st.subheader("The shipped models")
st.caption(
    "Each task has a vanilla and an attention model with the same encoder and training budget. "
    "Exact match on 500 held-out pairs; AER = alignment error rate of the argmax-α alignment (lower is better)."
)
rows = models.overview()
st.dataframe(
    rows,
    height=38 * (len(rows) + 1),
    hide_index=True,
    width="stretch",
    column_config={
        "exact match": st.column_config.NumberColumn(format="percent"),
        "BLEU": st.column_config.NumberColumn(format="%.1f"),
        "AER": st.column_config.NumberColumn(format="%.2f"),
    },
)
