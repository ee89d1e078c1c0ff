"""Attention Lab: the entry point (`streamlit run app.py`).

Declares the pages and the shared sidebar; each page lives in pages/ and stays thin.
"""

import streamlit as st

import seq2seq  # noqa: F401  (configures torch before anything else imports it)
from seq2seq.ui import sidebar

st.set_page_config(page_title="Attention Lab", page_icon="🔎", layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", url_path="home", default=True),
    st.Page("pages/translate.py", title="Translate", icon=":material/translate:", url_path="translate"),
    st.Page("pages/beam.py", title="Beam search", icon=":material/account_tree:", url_path="beam"),
    st.Page("pages/compare.py", title="Compare", icon=":material/compare:", url_path="compare"),
    st.Page("pages/train.py", title="Train", icon=":material/model_training:", url_path="train"),
]

page = st.navigation(PAGES)
sidebar.render()
page.run()
