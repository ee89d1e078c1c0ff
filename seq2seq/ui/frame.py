"""Keep every page inside app.py's frame (navigation + shared sidebar).

Streamlit treats a ``pages/`` folder next to the entry script as a legacy (v1) multipage
app until some session has run ``st.navigation`` once. So the very first visitor of a
fresh server who opens a deep link such as ``/translate?src=...`` would get the page
without app.py: no sidebar, no model, legacy navigation. Each page calls ``ensure`` first:
it switches the server to ``st.navigation`` routing (what app.py would have done) and
reruns, so the link opens the real page. Covered by tests/test_browser.py, whose fresh
server is opened on /translate.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

FRAMED = "_framed"  # set by app.py in every session it has run in


def ensure() -> None:
    """Rerun through app.py when this page runs without it. Checking the server-wide flag alone
    was not enough: visitors who arrive together on a fresh server (a class opening the link)
    are all routed as old-style pages before the first of them flips it, and the later ones
    then found it already flipped and ran the page bare. So each session also checks that
    app.py has run in it."""
    if PagesManager.uses_pages_directory or not st.session_state.get(FRAMED):
        PagesManager.uses_pages_directory = False
        st.session_state[FRAMED] = True  # once: if app.py still does not run, show the page as it is
        st.rerun()
