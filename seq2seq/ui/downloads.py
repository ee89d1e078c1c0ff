"""Files a person takes away from a page: made only when the button is clicked (a callable),
never on a rerun that does not ask for them."""

from __future__ import annotations

import streamlit as st

from seq2seq import figures
from seq2seq.core.results import DecodeTrace, alignment_csv
from seq2seq.ui.lang import t


def decode(trace: DecodeTrace, name: str, gold: set | None, look: figures.Look) -> None:
    """A decode's files, side by side: α as CSV (attention models), the whole trace as JSON, and
    the decoding animated (``figures.decode_animation``) as one HTML file that plays offline.
    ``name``: the files' stem (model and input); ``gold``: the alignment cells to outline."""
    cols = st.columns(3)
    if trace.has_attention:
        cols[0].download_button(
            t("translate.export_csv"),
            lambda: alignment_csv(trace.source_tokens, trace.output_tokens, trace.attention_matrix()),
            file_name=f"{name}-alignment.csv",
            mime="text/csv",
            key="csv",
        )
    cols[1].download_button(
        t("translate.export_json"),
        lambda: trace.to_json(indent=1),
        file_name=f"{name}-trace.json",
        mime="application/json",
        key="json",
    )
    cols[2].download_button(
        t("translate.export_html"),
        lambda: figures.offline_html(figures.decode_animation(trace, gold, look, figures.WIDE)),
        file_name=f"{name}-play.html",
        mime="text/html",
        key="html",
    )
    st.caption(t("translate.export_caption"))
