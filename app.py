"""Attention Lab: the entry point (`streamlit run app.py`).

Declares the pages and the shared sidebar; each page lives in pages/ and stays thin. The
reader's language (?lang=en|zh) and presentation mode (?present=1) are settled first, since
the page titles in the navigation are in that language.
"""

import streamlit as st

import seq2seq  # noqa: F401  (configures torch before anything else imports it)
from seq2seq.ui import frame, lang, sidebar
from seq2seq.ui.lang import t

st.set_page_config(
    page_title="Attention Lab",
    page_icon="🔎",
    layout="wide",
    # a link for the projector opens with the whole screen for the figure
    initial_sidebar_state="collapsed" if lang.link_presenting() else "auto",
)
lang.sync()
st.session_state[frame.FRAMED] = True  # pages check it (seq2seq/ui/frame.py)

PAGES = [
    st.Page("pages/home.py", title=t("nav.home"), icon=":material/home:", url_path="start", default=True),
    st.Page("pages/lecture.py", title=t("nav.lecture"), icon=":material/school:", url_path="lecture"),
    st.Page("pages/translate.py", title=t("nav.translate"), icon=":material/translate:", url_path="translate"),
    st.Page("pages/beam.py", title=t("nav.beam"), icon=":material/account_tree:", url_path="beam"),
    st.Page("pages/explain.py", title=t("nav.explain"), icon=":material/psychology:", url_path="explain"),
    st.Page("pages/states.py", title=t("nav.states"), icon=":material/scatter_plot:", url_path="states"),
    st.Page("pages/compare.py", title=t("nav.compare"), icon=":material/compare:", url_path="compare"),
    st.Page("pages/train.py", title=t("nav.train"), icon=":material/model_training:", url_path="train"),
    st.Page("pages/errors.py", title=t("nav.errors"), icon=":material/rule:", url_path="errors"),
]


def _home_alias() -> None:
    """/home answers too: the default page lives at / (Streamlit routes no other path to it),
    but links and people type /home."""
    st.switch_page(PAGES[0])


page = st.navigation([*PAGES, st.Page(_home_alias, title=t("nav.home"), url_path="home", visibility="hidden")])
sidebar.render()
page.run()
