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


def ensure() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
