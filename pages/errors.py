"""Errors: decode many inputs and ask which fail, and whether the attention tells in advance.

Query parameters: model (the sidebar's), inputs (heldout | longer | pairs), n, show
(all | wrong | right), sort (a measured field), so a link reopens the same table.
"""

import streamlit as st

from seq2seq import figures
from seq2seq.analysis import mistakes
from seq2seq.errors import InputError, Seq2SeqError
from seq2seq.ui import charts, error_table, frame, lang, sidebar
from seq2seq.ui.lang import say, t

frame.ensure()

look = lang.look()
st.title(t("errors.title"))
st.caption(t("errors.caption"))
ckpt = sidebar.require_model()
name = st.session_state[sidebar.MODEL_KEY]
task = ckpt.task

kinds = ["heldout", "longer", "pairs"] if task is not None and task.character_task else ["heldout", "pairs"]
if task is None or not task.generative:
    kinds = ["pairs"]
c1, c2 = st.columns([3, 2])
# open where there is something to see: a toy task's model gets nearly every held-out input right,
# so its longer inputs first (a real-sentence model errs on held-out sentences already)
first = "longer" if "longer" in kinds else kinds[0]
key = error_table.from_url("inputs", kinds, first)
inputs = c1.segmented_control(t("errors.inputs"), kinds, format_func=lambda k: t(f"errors.inputs.{k}"), key=key,
                              required=True)  # fmt: skip
error_table.to_url("inputs", inputs, first)
pairs = None
if inputs == "pairs":
    upload = c2.file_uploader(t("errors.upload"), type=["tsv", "csv", "txt"], key="errors_pairs")
    if upload is None:
        st.info(t("errors.upload_needed"))
        st.stop()
    pairs = (upload.getvalue(), upload.name)
else:
    n = c2.select_slider(t("errors.n"), error_table.N_CHOICES, value=1000, key="n", bind="query-params")

try:
    result = error_table.analyze(name, inputs, 0 if pairs else n, pairs)
except (InputError, Seq2SeqError) as exc:
    st.error(say(exc))
    st.stop()

wrong = sum(not r.correct for r in result.rows)
st.markdown(t("errors.summary", wrong=wrong, n=len(result.rows), rate=result.error_rate))
# what "right" means here, and why there is no AER where the task has no gold alignments
rule = t("errors.rule_chrf", threshold=mistakes.RIGHT_CHRF) if mistakes.scored_by_references(ckpt) else t(
    "errors.rule_exact")  # fmt: skip
if ckpt.model.cfg.family.alpha and not mistakes.has_gold_alignments(ckpt):
    rule += " " + t("errors.no_gold")
st.caption(rule)
if not ckpt.model.cfg.family.imposable_alpha:
    st.info(t("errors.heads") if ckpt.model.cfg.family.heads else t("errors.vanilla"))

fields = result.available()
st.subheader(t("errors.predict"))
if wrong == 0 or wrong == len(result.rows):
    st.info(t("errors.none_wrong") if wrong == 0 else t("errors.summary", wrong=wrong, n=wrong, rate=1.0))
else:
    st.dataframe(error_table.predictors(result), hide_index=True, width="content")
    st.caption(t("errors.predict_caption"))
    st.subheader(t("errors.plots"))
    columns = st.columns(3)
    for i, field in enumerate(fields):
        with columns[i % 3]:
            bins = mistakes.error_rate_by(result, field, max_bins=6)
            fig = figures.error_rate_bars(bins, field, result.error_rate, look)
            charts.show(fig, f"errors-{field}", f"{name}-errors-by-{field}")

st.subheader(t("errors.table"))
f1, f2 = st.columns([2, 3])
shows = ["all", "wrong", "right"]
key = error_table.from_url("show", shows, "all")
show = f1.segmented_control(t("errors.show"), shows, format_func=lambda k: t(f"errors.show.{k}"), key=key,
                            required=True)  # fmt: skip
error_table.to_url("show", show, "all")
default_sort = "entropy" if "entropy" in fields else "log_prob"
key = error_table.from_url("sort", fields, default_sort)
sort = f2.selectbox(t("errors.sort"), fields, format_func=lambda k: t(f"errors.col.{k}"), key=key)
error_table.to_url("sort", sort, default_sort)
rows = error_table.table(result, name, show, sort)
st.dataframe(rows, hide_index=True, width="stretch", column_config=error_table.column_config(result), height=560)
st.caption(t("errors.shown", shown=len(rows), n=len(result.rows)))
