"""Showing figures: one place for the Plotly toolbar and export settings of every page."""

from __future__ import annotations

import re
from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

DATA_REVISION = "mounted"  # layout.datarevision of every chart shown (see ``show``)


def slug(text: str, limit: int = 40) -> str:
    """A file-name-safe fragment of user text ("Thursday, Nov 26" -> "thursday-nov-26")."""
    return re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-")[:limit] or "input"


def show(fig: go.Figure, key: str, filename: str, on_select: Callable[[], None] | None = None):
    """A chart with our own theme and a toolbar camera that saves a PNG at 2× as ``filename``.

    ``on_select``: a callback run when the user clicks a marker (the click is then in
    ``st.session_state[key]``; see ``selected_customdata``); such charts also zoom on scroll.
    """
    # Streamlit mounts a chart afresh whenever its figure changes (the element's id hashes the
    # spec), then copies the figure once more for its theme and hands Plotly the copy: without
    # a data revision Plotly takes every copied array for new data and draws the whole chart a
    # second time (half of a Translate step's drawing, measured 2026-11-27). A mounted chart's
    # data never changes, so one constant revision is true for all of them.
    fig.layout.datarevision = DATA_REVISION
    return st.plotly_chart(
        fig,
        key=key,
        theme=None,  # the figures set their own projector-sized fonts
        on_select=on_select or "ignore",
        selection_mode="points",
        config={
            "displaylogo": False,
            "scrollZoom": False,  # the wheel scrolls the page (a lecturer scrolling past a chart); zoom: toolbar
            "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
        },
    )


def selected_customdata(event) -> list:
    """The customdata of the points a click selected (empty when nothing is selected)."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return []
    out = []
    for point in points:
        data = point.get("customdata")
        out.append(data[0] if isinstance(data, list) and data else data)
    return [d for d in out if d is not None]
