"""Landing page: the lecture's story in four sentences, and where to see each one."""

import streamlit as st

from seq2seq.ui import frame, models
from seq2seq.ui.lang import t

frame.ensure()

st.title("Attention Lab")
st.markdown(t("home.intro"))
st.markdown("\n".join(f"{i}. {t(f'home.story{i}')}" for i in range(1, 5)))
st.page_link("pages/lecture.py", label=t("home.link_lecture"), icon="🎓")
st.page_link("pages/translate.py", label=t("home.link_translate"), icon="➡️")
st.page_link("pages/beam.py", label=t("home.link_beam"), icon="🌳")
st.page_link("pages/compare.py", label=t("home.link_compare"), icon="⚖️")
st.page_link("pages/train.py", label=t("home.link_train"), icon="🏋️")
st.page_link("pages/explain.py", label=t("home.link_explain"), icon="🔍")
st.page_link("pages/states.py", label=t("home.link_states"), icon="🧭")
st.page_link("pages/errors.py", label=t("home.link_errors"), icon="🩺")
st.caption(t("home.links_caption"))

st.subheader(t("home.models"))
st.caption(t("home.models_caption"))
rows = models.overview()
st.dataframe(
    rows,
    height=38 * (len(rows) + 1),
    hide_index=True,
    width="stretch",
    column_config={
        t("home.col_exact"): st.column_config.NumberColumn(format="percent"),
        "BLEU": st.column_config.NumberColumn(format="%.1f"),
        "AER": st.column_config.TextColumn(help=t("home.aer_help")),
    },
)
