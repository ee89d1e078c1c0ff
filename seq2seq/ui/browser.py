"""Which browser a session belongs to: a random id in a cookie, so a reload (a new Streamlit
session) finds the models this browser trained (``seq2seq/ui/store.py``).

The id is made on the server (128 random bits), written once into a first-party cookie by a
line of JavaScript, and read back from the request headers of later sessions
(``st.context.cookies``). Anything in the cookie that is not such an id is ignored.
"""

from __future__ import annotations

import re
import secrets

import streamlit as st

from seq2seq import limits  # the cookie lives as long as the shelf it names

COOKIE = "attention_lab_browser"
_ID = re.compile(r"[A-Za-z0-9_-]{22}")
_KEY = "_browser_id"


def browser_id() -> str:
    """This session's browser id (from its cookie, or a new one that the page then stores)."""
    if _KEY not in st.session_state:
        try:
            cookie = st.context.cookies.get(COOKIE)
        except Exception:  # no request behind this session (AppTest, bare mode)
            cookie = None
        if isinstance(cookie, str) and _ID.fullmatch(cookie):
            st.session_state[_KEY] = cookie
        else:
            st.session_state[_KEY] = secrets.token_urlsafe(16)
            st.session_state["_browser_cookie_pending"] = True
    return st.session_state[_KEY]


def remember() -> None:
    """Write a new id into the browser's cookie (once per session; app.py calls this)."""
    if st.session_state.pop("_browser_cookie_pending", False):
        st.sidebar.html(  # the sidebar: the element takes no room in the page
            f"<script>document.cookie = '{COOKIE}={browser_id()}; path=/; "
            f"max-age={limits.SESSION_MAX_AGE_S}; SameSite=Strict';</script>",
            unsafe_allow_javascript=True,
        )
