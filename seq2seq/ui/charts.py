"""Showing figures: one place for the Plotly toolbar and export settings of every page."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import streamlit as st


def slug(text: str, limit: int = 40) -> str:
    """A file-name-safe fragment of user text ("Thursday, Nov 26" -> "thursday-nov-26")."""
    return re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-")[:limit] or "input"


def show(fig: go.Figure, key: str, filename: str) -> None:
    """A chart with our own theme and a toolbar camera that saves a PNG at 2× as ``filename``."""
    st.plotly_chart(
        fig,
        key=key,
        theme=None,  # the figures set their own projector-sized fonts
        config={
            "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
        },
    )
