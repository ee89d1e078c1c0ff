"""Lecture: the notes' story in their order, every equation next to this model's numbers.

Query parameters: model (sidebar), src, step, att (the attention section's model), section
(presentation mode shows one section at a time), lang, present. Every number on the page is
computed live for the selected model, input and step.
"""

import numpy as np
import pandas as pd
import streamlit as st
import torch

from seq2seq import figures
from seq2seq.analysis import compatible, find_error, first_mistake, trained_range
from seq2seq.data import pad
from seq2seq.errors import CheckpointError, InputError
from seq2seq.search import beam_search, score_targets, trace
from seq2seq.tokenizers import EOS, visible_token
from seq2seq.ui import charts, examples, frame, lang, models, sidebar, stepper
from seq2seq.ui.lang import t
from seq2seq.ui.text import md_escape, md_token, require_input, warn_unknown

frame.ensure()
BEAM = examples.BEAM_WIDTH  # the width the "try this" example was searched with
N_ERRING = 200  # generated inputs searched for one the model gets wrong (§3)
TABLE_ROWS = 10  # rows the §3 table shows without scrolling
TABLE_BEFORE = 2  # rows kept above the first mistake when the table starts further down
SHOWN = 6  # numbers of a vector written out
SECTIONS = ("1", "2", "3", "4", "5", "6")  # also their values in the link: ?section=3
SCORE_FORMULA = {
    "dot": r"e_{t,i} = s_{t-1}^{\top} h_i",
    "general": r"e_{t,i} = s_{t-1}^{\top} W h_i",
    "additive": r"e_{t,i} = v^{\top} \tanh(W_q s_{t-1} + W_k h_i)",
    "scaled-dot": r"e_{t,i} = \frac{s_{t-1}^{\top} h_i}{\sqrt{D}}",
}

look = lang.look()
presenting = lang.presenting()
STEPPED = {"2", "6"}  # sections whose numbers depend on the decoding step t
if not presenting:  # on a slide the section's header is the title
    st.title(t("lecture.title"))
    st.caption(t("lecture.intro"))
ckpt = sidebar.require_model()
task, model, tokenizer = ckpt.task, ckpt.model, ckpt.tokenizer


def go(delta: int) -> None:
    """The section buttons: one slide back or on."""
    i = SECTIONS.index(st.session_state.get("section") or SECTIONS[0])
    st.session_state["section"] = SECTIONS[min(max(i + delta, 0), len(SECTIONS) - 1)]


examples.apply_pending(ckpt)  # §4's "try this" search, before the input it fills
if presenting:  # one section per slide: the input, the section and its buttons in one row
    c_src, c_sec, c_prev, c_next = st.columns([3, 3.2, 1.6, 1.6], vertical_alignment="bottom")
    source = c_src.text_input(t("common.input_x"), value=task.demo() if task else "", key="src", bind="query-params")
    section = c_sec.segmented_control(
        t("lecture.section"), SECTIONS, key="section", bind="query-params", required=True, default=SECTIONS[0]
    )
    i = SECTIONS.index(section)
    c_prev.button(t("lecture.prev_section"), key="prev_section", on_click=go, args=(-1,), disabled=i == 0,
                  width="stretch", shortcut="PageUp", help=t("lecture.prev_section_help"))  # fmt: skip
    c_next.button(t("lecture.next_section"), key="next_section", on_click=go, args=(1,),
                  disabled=i == len(SECTIONS) - 1, width="stretch", shortcut="PageDown",
                  help=t("lecture.next_section_help"))  # fmt: skip
    shown = {f"s{section}"}
else:
    source = st.text_input(t("common.input_x"), value=task.demo() if task else "", key="src", bind="query-params")
    section = None
    shown = {f"s{k}" for k in SECTIONS}
require_input(source)
try:
    result = models.trace(ckpt, source)  # kept per session: a step does not decode again
except InputError as exc:
    st.error(str(exc))
    st.stop()
warn_unknown(result.unknown, guess=True)
if section is None or section in STEPPED:  # a slide without steps shows no step buttons
    step = stepper.controls(len(result.steps), play=False)
else:
    step = stepper.current(len(result.steps))
now = result.steps[step - 1]


def vector(values, name: str) -> str:
    """LaTeX for the first SHOWN numbers of a vector: name = (0.12, -0.53, …) ∈ R^D."""
    head = ", ".join(f"{v:.2f}" for v in values[:SHOWN])
    more = r", \dots" if len(values) > SHOWN else ""
    return rf"{name} = ({head}{more}) \in \mathbb{{R}}^{{{len(values)}}}"


@torch.no_grad()
def encode_ids(ids: list[int], net=None):
    """The encoder of ``net`` (default: the selected model) on token ids, </s> appended:
    (h (S, D), c (D,)) as numpy arrays."""
    net = net or model
    seq = [*ids, EOS]
    enc, _ = net.encode(pad([seq]).to(net.device), torch.tensor([len(seq)]))
    return enc.h[0, : len(seq)].cpu().numpy(), enc.c[0].cpu().numpy()


# --- 1 · encoder -----------------------------------------------------------------------------
if "s1" in shown:
    st.header(t("lecture.s1"))
    st.markdown(t("lecture.s1_text"))
    st.latex(r"h_t = \mathrm{RNN}(x_t,\, h_{t-1}), \qquad c = h_T")
    ids = tokenizer.encode(source)
    h, c = encode_ids(ids)
    st.markdown(t("lecture.s1_sizes", T=len(ids) + 1, D=c.shape[0]))
    rows = []
    for n in sorted({3, len(ids) + 1, 30}):  # the same c size for 3, this input, and 30 tokens
        _, c_n = encode_ids((ids * 30)[: n - 1])
        rows.append({t("lecture.s1_table_len"): n, t("lecture.s1_table_c"): c_n.shape[0]})
    left, right = st.columns([1, 2])
    left.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    with right:
        st.markdown(t("lecture.s1_first"))
        st.latex(vector(c, "c"))

# --- 2 · decoder -----------------------------------------------------------------------------
if "s2" in shown:
    st.header(t("lecture.s2"))
    st.markdown(t("lecture.s2_text"))
    st.latex(r"s_t = \mathrm{RNN}(y_{t-1},\, s_{t-1}), \qquad y_t = \mathrm{softmax}(W_y s_t + b_y)")
    prev = "<s>" if step == 1 else result.steps[step - 2].token
    st.markdown(t("lecture.s2_live", t=step, prev=md_token(prev), token=md_token(now.token), p=now.prob))
    left, right = st.columns([3, 2])
    with left:
        st.latex(vector(now.state, f"s_{{{step}}}"))
        st.latex(rf"p(y_{{{step}}} \mid y_{{<{step}}}, x) = {now.prob:.3f}")
    with right:
        charts.show(figures.topk_bars(result, step, look), "lecture_topk", f"{ckpt.name}-top-k-step{step}")


# --- 3 · training vs inference -----------------------------------------------------------------
if "s3" in shown:
    st.header(t("lecture.s3"))
    st.markdown(t("lecture.s3_text"))
    st.latex(r"\mathcal{L} = -\frac{1}{T'} \sum_{t=1}^{T'} \log p(y_t \mid y_{<t}, x)")
    # an input the model gets wrong: searched once per model, inside the training range if one is there
    example = models.per_model(ckpt.name, ("erring_example", N_ERRING), lambda c: find_error(c, n=N_ERRING))
    chars = trained_range(ckpt)
    if example is None:
        st.caption(t("lecture.s3_no_error", n=N_ERRING))
        example = task.reference(source) if task is not None and not result.unknown else None
    elif example.in_range:
        st.markdown(t("lecture.s3_input", source=md_escape(example.source), lo=chars[0], hi=chars[1]))
    else:
        st.markdown(
            t("lecture.s3_input_longer", source=md_escape(example.source), lo=chars[0], hi=chars[1], n=N_ERRING)
        )
    if example is not None:
        (scored,) = score_targets(model, tokenizer, [example.source], [example.target])
        free = trace(model, tokenizer, example.source)
        free_tokens = [s.token for s in free.steps]
        rows = []
        for i, (true, p) in enumerate(zip(scored.target_tokens, scored.probs, strict=True)):
            own = free_tokens[i] if i < len(free_tokens) else "—"
            rows.append({
                t("lecture.s3_col_t"): i + 1, t("lecture.s3_col_true"): true, t("lecture.s3_col_p"): round(p, 4),
                t("lecture.s3_col_loss"): round(-float(np.log(max(p, 1e-30))), 3),
                t("lecture.s3_col_free"): own + ("" if own == true else "  ✗"),
            })  # fmt: skip
        loss = -float(np.mean(np.log(np.maximum(scored.probs, 1e-30))))
        st.latex(rf"\mathcal{{L}} = {loss:.3f}")
        st.markdown(t("lecture.s3_loss", loss=loss, free=md_escape(free.output), target=md_escape(example.target)))
        # opened at the first mistake: its row highlighted, and the rows before it (all right) cut to
        # TABLE_BEFORE when the mistake would sit below the table's visible rows
        wrong = first_mistake(free_tokens, scored.target_tokens)
        visible = 5 if presenting else TABLE_ROWS  # a slide keeps the whole section on one screen
        start = 0 if wrong is None or wrong < visible - 2 else wrong - TABLE_BEFORE
        table = pd.DataFrame(rows[start:])
        notes = [t("lecture.s3_first_mistake", t=wrong + 1)] if wrong is not None else []
        if start:
            notes.append(t("lecture.s3_from_row", k=start, t=start + 1))
        if notes:
            st.caption(" ".join(notes))  # one line: the slide has no room for two
            table = table.style.apply(
                lambda row: (
                    ["background-color: rgba(220, 38, 38, 0.18)" if row.name == wrong - start else ""] * len(row)
                ),
                axis=1,
            ).format({t("lecture.s3_col_p"): "{:.4f}", t("lecture.s3_col_loss"): "{:.3f}"})
        rem = lang.PRESENT_SCALE if presenting else 1.0  # rows are sized in rem: larger when presenting
        shown_rows = min(len(rows) - start, visible)
        st.dataframe(table, hide_index=True, width="stretch", height=int(35 * rem * (shown_rows + 1)) + 3)

# --- 4 · beam search vs greedy ---------------------------------------------------------------------
if "s4" in shown:
    st.header(t("lecture.s4"))
    st.markdown(t("lecture.s4_text"))
    st.latex(r"\mathrm{score}(y_{1..t}) = \sum_{i=1}^{t} \log p(y_i \mid y_{<i}, x)")
    tree = beam_search(model, tokenizer, source, width=BEAM)
    best = tree.nbest[0] if tree.nbest else None
    st.markdown(
        t(
            "lecture.s4_live", greedy=md_escape(result.output), g_logp=result.log_prob, k=BEAM,
            beam=md_escape(best.text if best else ""), b_logp=best.score if best else float("nan"),
            pruned=sum(n.status == "pruned" for n in tree.nodes),
        )
    )  # fmt: skip
    examples.offer_beam_example(ckpt, source)
    st.page_link(
        "pages/beam.py",
        label=t("lecture.s4_link"),
        icon="🌳",
        query_params={"model": ckpt.name, "src": source, "beam": str(BEAM)},  # lang, present: kept by the session
    )

# --- 5 · the bottleneck --------------------------------------------------------------------------
if "s5" in shown:
    st.header(t("lecture.s5"))
    st.markdown(t("lecture.s5_text"))
    st.latex(r"c \in \mathbb{R}^{D} \quad \forall\, T")  # symbols only: the same in every language
    other = models.sibling(ckpt.name)
    if task is None or not task.generative or other is None:
        st.caption(t("lecture.s5_none"))
    else:
        pair = sorted([ckpt.name, other], key=lambda n: "attention" in n)  # vanilla first, as on Compare
        curves = models.length_curves(pair)
        trained = ckpt.card.get("source_chars")
        left, _ = st.columns([3, 1]) if not presenting else (st.container(), None)
        with left:
            charts.show(
                figures.length_curve(curves, tuple(trained) if trained else None, look, height=330),
                "lecture_length",
                "length-curve",
            )


# --- 6 · attention -----------------------------------------------------------------------------------
def attention_models() -> dict[str, str]:
    """Score function -> an attention model that reads this input like the selected one (the
    same task): the selected model for its own score, then shipped models before session ones."""
    out: dict[str, str] = {}
    if ckpt.model.cfg.decoder == "attention":
        out[ckpt.model.cfg.score] = ckpt.name
    for name in models.all_names():
        try:
            other = models.get(name)
        except CheckpointError:
            continue
        if other.model.cfg.decoder == "attention" and compatible(ckpt, other) is None:
            out.setdefault(other.model.cfg.score, name)
    return out


def score_from_link(choices: dict[str, str]) -> str:
    """?att= names a score function (older links name a model); anything else: the default."""
    wanted = st.query_params.get("att", "")
    by_model = {name: score for score, name in choices.items()}
    default = ckpt.model.cfg.score if ckpt.model.cfg.decoder == "attention" else "additive"
    return wanted if wanted in choices else by_model.get(wanted, default if default in choices else next(iter(choices)))


choices = attention_models() if "s6" in shown else {}
if "s6" in shown and not choices:
    st.header(t("lecture.s6"))
    st.info(t("lecture.vanilla_here"))
elif "s6" in shown:
    st.header(t("lecture.s6"))
    if st.session_state.get("att_score") not in choices:
        st.session_state["att_score"] = score_from_link(choices)
    c_text, c_pick = st.columns([3, 1], vertical_alignment="bottom")
    c_text.markdown(t("lecture.s6_text"))
    score = c_pick.selectbox(
        t("lecture.s6_score"), list(choices), key="att_score", format_func=lang.score_name,
        help=t("lecture.s6_score_help"),
    )  # fmt: skip
    st.query_params["att"] = score  # by hand: the URL keeps the plain score, the picker shows it translated
    att_name = choices[score]
    if ckpt.model.cfg.decoder != "attention":
        c_text.caption(t("lecture.needs_attention", name=att_name))
    att = models.get(att_name)
    att_result = result if att_name == ckpt.name else models.trace(att, source)
    t_att = min(step, len(att_result.steps))
    row = att_result.steps[t_att - 1]
    st.latex(
        SCORE_FORMULA[score] + r", \qquad \alpha_{t,i} = \frac{\exp(e_{t,i})}{\sum_j \exp(e_{t,j})}"
        r", \qquad c_t = \sum_i \alpha_{t,i} h_i"
    )
    alpha = np.array(row.alpha)
    best_i = int(alpha.argmax())
    st.markdown(
        t("lecture.s6_sum", total=float(alpha.sum()), best=float(alpha[best_i]), i=best_i + 1,
          token=md_token(att_result.source_tokens[best_i]))
    )  # fmt: skip
    left, right = st.columns([3, 2])
    fitted = look.fit(280 if presenting else None)  # the slide: equation, both pictures and c_t on one screen
    with left:
        charts.show(figures.energy_bars(att_result, t_att, fitted), "lecture_energies", f"{att_name}-energies")
    with right:
        charts.show(figures.attention_flow(att_result, t_att, fitted), "lecture_flow", f"{att_name}-flow")
    if not presenting:  # the same numbers as a table: one column per source position i
        table = pd.DataFrame(
            [
                [visible_token(x) for x in att_result.source_tokens],
                [f"{e:.3f}" for e in row.energies],
                [f"{a:.3f}" for a in alpha],
            ],
            index=[t("lecture.s6_col_x"), t("lecture.s6_col_e"), t("lecture.s6_col_alpha")],
            columns=[f"{t('lecture.s6_col_i')} = {i}" for i in range(1, len(alpha) + 1)],
        )
        st.dataframe(table, width="stretch")
    # c_t recomputed here from α and the encoder states, next to the one the model used
    h, _ = encode_ids(att.tokenizer.encode(source), att.model)
    c_t = alpha @ h
    st.markdown(t("lecture.s6_context", n=SHOWN, D=c_t.shape[0]))
    ours, theirs = st.columns(2) if presenting else (st.container(), st.container())
    ours.latex(vector(c_t, rf"\textstyle\sum_i \alpha_{{{t_att},i}} h_i"))
    theirs.latex(vector(row.context, f"c_{{{t_att}}}"))
