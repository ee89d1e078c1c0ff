"""The Lecture page's sections, one function each: the notes' six in their order, then the
questions a class asks next (§7: is attention an explanation?) and the lecture after them (the
Transformer, §8).

Each draws one section for a ``Slide`` — the selected model, its input and trace, the step —
with every equation beside the live model's numbers. ``pages/lecture.py`` holds the frame
(input, section picker, stepping) and picks from ``SECTIONS``; presentation mode shows one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from seq2seq import figures, limits
from seq2seq.analysis import attribution, experiments
from seq2seq.analysis.experiments import PARALLEL, RECURRENT, StepTimes, find_error, trained_range
from seq2seq.analysis.heads import head_view
from seq2seq.core import families
from seq2seq.core.checkpoint import Checkpoint
from seq2seq.core.results import DecodeTrace
from seq2seq.core.search import beam_search
from seq2seq.data.tokenizers import visible_token
from seq2seq.errors import CheckpointError, InputError
from seq2seq.ui import charts, examples, explain, lang, models
from seq2seq.ui.lang import t
from seq2seq.ui.text import md_escape, md_token

BEAM = examples.BEAM_WIDTH  # the width the "try this" example was searched with
S4_KEY = "s4_src"  # §4's own input: the "try this" example, shown in §4 only (the lecture keeps its input)
N_ERRING = 200  # generated inputs searched for one the model gets wrong (§3)
TABLE_ROWS = 10  # rows the §3 table shows without scrolling
TABLE_BEFORE = 2  # rows kept above the first mistake when the table starts further down
SHOWN = 6  # numbers of a vector written out
STEPPED = {"2", "6", "7", "8"}  # sections whose numbers depend on the decoding step t
STEP_BATCH = 32  # sequences per timed training step (§8), the same for both models


@dataclass
class Slide:
    """What every section reads: the selected model on the reader's input at step t."""

    ckpt: Checkpoint
    source: str
    result: DecodeTrace  # the selected model's greedy decode of ``source``
    step: int  # t, 1-based
    look: figures.Look
    presenting: bool

    @property
    def now(self):
        return self.result.steps[self.step - 1]


def vector(values, name: str, shown: int = SHOWN) -> str:
    """LaTeX for the first ``shown`` numbers of a vector: name = (0.12, -0.53, …) ∈ R^D."""
    head = ", ".join(f"{v:.2f}" for v in values[:shown])
    more = r", \dots" if len(values) > shown else ""
    return rf"{name} = ({head}{more}) \in \mathbb{{R}}^{{{len(values)}}}"


def encoder(slide: Slide) -> None:
    """§1: the encoder squeezes the input into c = h_T, of one size for every length."""
    st.header(t("lecture.s1"))
    st.markdown(t("lecture.s1_text"))
    st.latex(r"h_t = \mathrm{RNN}(x_t,\, h_{t-1}), \qquad c = h_T")
    c = slide.result.fixed_context
    n_tokens = len(slide.result.source_tokens)
    st.markdown(t("lecture.s1_sizes", T=n_tokens, D=len(c)))
    sizes = experiments.fixed_context_sizes(slide.ckpt, slide.source, sorted({3, n_tokens, 30}))
    rows = [{t("lecture.s1_table_len"): n, t("lecture.s1_table_c"): d} for n, d in sizes]
    left, right = st.columns([1, 2])
    left.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    with right:
        st.markdown(t("lecture.s1_first"))
        st.latex(vector(c, "c"))


def decoder(slide: Slide) -> None:
    """§2: the decoder unrolls the output from c, one step at a time."""
    st.header(t("lecture.s2"))
    st.markdown(t("lecture.s2_text"))
    st.latex(slide.ckpt.model.cfg.family.decoder_latex(slide.ckpt.model.cfg))  # the family's, for this config
    step, now, result = slide.step, slide.now, slide.result
    prev = "<s>" if step == 1 else result.steps[step - 2].token
    st.markdown(t("lecture.s2_live", t=step, prev=md_token(prev), token=md_token(now.token), p=now.prob))
    left, right = st.columns([3, 2])
    with left:
        st.latex(vector(now.state, f"s_{{{step}}}"))
        st.latex(rf"p(y_{{{step}}} \mid y_{{<{step}}}, x) = {now.prob:.3f}")
    with right:
        charts.show(figures.topk_bars(result, step, slide.look), "lecture_topk", f"{slide.ckpt.name}-top-k-step{step}")


def training(slide: Slide) -> None:
    """§3: teacher forcing in training, the model's own outputs at inference — on an input it gets wrong."""
    st.header(t("lecture.s3"))
    st.markdown(t("lecture.s3_text"))
    st.latex(r"\mathcal{L} = -\frac{1}{T'} \sum_{t=1}^{T'} \log p(y_t \mid y_{<t}, x)")
    ckpt, task = slide.ckpt, slide.ckpt.task
    # an input the model gets wrong: searched once per model, inside the training range if one is there
    example = models.per_model(ckpt.name, ("erring_example", N_ERRING), lambda c: find_error(c, n=N_ERRING))
    chars = trained_range(ckpt)
    if example is None:
        st.caption(t("lecture.s3_no_error", n=N_ERRING))
        example = task.reference(slide.source) if task is not None and not slide.result.unknown else None
    elif example.in_range:
        st.markdown(t("lecture.s3_input", source=md_escape(example.source), lo=chars[0], hi=chars[1]))
    else:
        st.markdown(
            t("lecture.s3_input_longer", source=md_escape(example.source), lo=chars[0], hi=chars[1], n=N_ERRING)
        )
    if example is None:
        return
    both = experiments.train_vs_inference(ckpt, example)
    rows = []
    for i, (true, p, loss) in enumerate(zip(both.target_tokens, both.probs, both.losses, strict=True)):
        own = both.free_tokens[i] if i < len(both.free_tokens) else "—"
        rows.append({
            t("lecture.s3_col_t"): i + 1, t("lecture.s3_col_true"): true, t("lecture.s3_col_p"): round(p, 4),
            t("lecture.s3_col_loss"): round(loss, 3), t("lecture.s3_col_free"): own + ("" if own == true else "  ✗"),
        })  # fmt: skip
    st.latex(rf"\mathcal{{L}} = {both.loss:.3f}")
    st.markdown(
        t("lecture.s3_loss", loss=both.loss, free=md_escape(both.free_output), target=md_escape(example.target))
    )
    # opened at the first mistake: its row highlighted, and the rows before it (all right) cut to
    # TABLE_BEFORE when the mistake would sit below the table's visible rows
    wrong = both.first_mistake
    visible = 4 if slide.presenting else TABLE_ROWS  # a slide keeps the whole section on one screen
    start = 0 if wrong is None or wrong < visible - 2 else wrong - TABLE_BEFORE
    table = pd.DataFrame(rows[start:])
    notes = [t("lecture.s3_first_mistake", t=wrong + 1)] if wrong is not None else []
    if start:
        notes.append(t("lecture.s3_from_row", k=start, t=start + 1))
    if notes:
        st.caption(" ".join(notes))  # one line: the slide has no room for two
        table = table.style.apply(
            lambda row: ["background-color: rgba(220, 38, 38, 0.18)" if row.name == wrong - start else ""] * len(row),
            axis=1,
        ).format({t("lecture.s3_col_p"): "{:.4f}", t("lecture.s3_col_loss"): "{:.3f}"})
    rem = lang.PRESENT_SCALE if slide.presenting else 1.0  # rows are sized in rem: taller when presenting
    shown_rows = min(len(rows) - start, visible)  # (and a slide zooms the table besides: lang.PRESENT_CSS)
    st.dataframe(table, hide_index=True, width="stretch", height=int(35 * rem * (shown_rows + 1)) + 3)


def beam(slide: Slide) -> None:
    """§4: beam search keeps several candidates where greedy keeps one."""
    st.header(t("lecture.s4"))
    st.markdown(t("lecture.s4_text"))
    st.latex(r"\mathrm{score}(y_{1..t}) = \sum_{i=1}^{t} \log p(y_i \mid y_{<i}, x)")
    ckpt, source, result = slide.ckpt, slide.source, slide.result
    found = st.session_state.get(S4_KEY)  # "try this" shows its example here, and only here
    if found is not None and found != source:
        result = models.trace(ckpt, found)
        source = found
        left, right = st.columns([5, 2], vertical_alignment="center")
        left.caption(t("lecture.s4_example", source=md_escape(found), lecture=md_escape(slide.source)))
        right.button(t("lecture.s4_back"), key="s4_back", on_click=st.session_state.pop, args=(S4_KEY, None))
    tree = beam_search(ckpt.model, ckpt.tokenizer, source, width=BEAM)
    best = tree.nbest[0] if tree.nbest else None
    st.markdown(
        t(
            "lecture.s4_live", greedy=md_escape(result.output), g_logp=result.log_prob, k=BEAM,
            beam=md_escape(best.text if best else ""), b_logp=best.score if best else float("nan"),
            pruned=sum(n.status == "pruned" for n in tree.nodes),
        )
    )  # fmt: skip
    examples.offer_beam_example(ckpt, source, src_key=S4_KEY)
    st.page_link(
        "pages/beam.py",
        label=t("lecture.s4_link"),
        icon="🌳",
        query_params={"model": ckpt.name, "src": source, "beam": str(BEAM)},  # lang, present: kept by the session
    )


def bottleneck(slide: Slide) -> None:
    """§5: with one fixed c, accuracy falls with length; attention holds up."""
    st.header(t("lecture.s5"))
    st.markdown(t("lecture.s5_text"))
    st.latex(r"c \in \mathbb{R}^{D} \quad \forall\, T")  # symbols only: the same in every language
    ckpt, task = slide.ckpt, slide.ckpt.task
    other = models.sibling(ckpt.name)
    if task is None or not task.generative or other is None:
        st.caption(t("lecture.s5_none"))
        return
    pair = models.vanilla_first([ckpt.name, other])  # as on Compare
    if task.has_splits:  # real sentences: BLEU and chrF by length on the test split (exact match is ~0)
        figure = figures.score_curve(
            models.score_curves(pair), task.source_unit, slide.look, height=330, colours=models.colours(pair)
        )
    else:
        figure = figures.length_curve(
            models.length_curves(pair), ckpt.card.source_chars, slide.look, height=330, colours=models.colours(pair)
        )
    left, _ = st.columns([3, 1]) if not slide.presenting else (st.container(), None)
    with left:
        charts.show(figure, "lecture_length", "length-curve")


def attention_models(ckpt: Checkpoint) -> dict[str, str]:
    """Attention variant (``cfg.variant``: the score function alone for Bahdanau + softmax) ->
    a model that reads this input like ``ckpt`` (the same task): ``ckpt`` for its own variant,
    then shipped models before session ones."""
    out: dict[str, str] = {}
    for name, other in [(ckpt.name, ckpt), *models.readers_of(ckpt)]:
        cfg = other.model.cfg
        if cfg.family.variants:
            out.setdefault(cfg.family.variant(cfg), name)
    return out


def score_from_link(ckpt: Checkpoint, choices: dict[str, str]) -> str:
    """?att= names a variant (older links name a model); anything else: the default."""
    wanted = st.query_params.get("att", "")
    by_model = {name: score for score, name in choices.items()}
    default = ckpt.model.cfg.family.variant(ckpt.model.cfg) or "additive"
    return wanted if wanted in choices else by_model.get(wanted, default if default in choices else next(iter(choices)))


def attention(slide: Slide) -> None:
    """§6: attention: e, α and a fresh c_t at every step, for a score function or variant
    (Luong, local-p, sparsemax / entmax, coverage) the reader picks."""
    st.header(t("lecture.s6"))
    ckpt, look = slide.ckpt, slide.look
    choices = attention_models(ckpt)
    if not choices:
        st.info(t("lecture.vanilla_here"))
        return
    if st.session_state.get("att_score") not in choices:
        st.session_state["att_score"] = score_from_link(ckpt, choices)
    c_text, c_pick = st.columns([3, 1], vertical_alignment="bottom")
    c_text.markdown(t("lecture.s6_text"))
    score = c_pick.selectbox(
        t("lecture.s6_score"), list(choices), key="att_score", format_func=lang.variant_name,
        help=t("lecture.s6_score_help"),
    )  # fmt: skip
    st.query_params["att"] = score  # by hand: the URL keeps the plain score, the picker shows it translated
    att_name = choices[score]
    if not ckpt.model.cfg.family.variants:
        c_text.caption(t("lecture.needs_attention", name=att_name, family=lang.decoder_label(ckpt.model.cfg.decoder)))
    att_result = slide.result if att_name == ckpt.name else models.trace(models.get(att_name), slide.source)
    t_att = min(slide.step, len(att_result.steps))
    row = att_result.steps[t_att - 1]
    att_cfg = models.get(att_name).model.cfg
    for line in att_cfg.family.attention_latex(att_cfg):  # the chosen variant's equations, from its config
        st.latex(line)
    alpha = np.array(row.alpha)
    best_i = int(alpha.argmax())
    st.markdown(
        t("lecture.s6_sum", total=float(alpha.sum()), best=float(alpha[best_i]), i=best_i + 1,
          token=md_token(att_result.source_tokens[best_i]))
    )  # fmt: skip
    if att_result.sparse:  # sparse norms, local windows (from the config): what is left
        where = t("lecture.s6_window", p=row.position, d=att_cfg.window) if row.position is not None else ""
        st.markdown(t("lecture.s6_nonzero", n=int((alpha > 0).sum()), S=len(alpha)) + where)
    left, right = st.columns([3, 2])
    fitted = look.fit(280 if slide.presenting else None)  # the slide: equation, both pictures and c_t on one screen
    with left:
        charts.show(figures.energy_bars(att_result, t_att, fitted), "lecture_energies", f"{att_name}-energies")
    with right:
        charts.show(figures.attention_flow(att_result, t_att, fitted), "lecture_flow", f"{att_name}-flow")
    if att_cfg.coverage:  # coverage beside the heatmap's row: how much each x_i has been read so far
        charts.show(figures.coverage_bars(att_result, t_att, fitted), "lecture_coverage", f"{att_name}-coverage")
    if not slide.presenting:  # the same numbers as a table: one column per source position i
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
    c_t = alpha @ np.array(att_result.encoder_states)
    shown = SHOWN - 2 if slide.presenting else SHOWN  # side by side, six numbers overran a 1600 px column
    st.markdown(t("lecture.s6_context", n=shown, D=c_t.shape[0]))
    ours, theirs = st.columns(2) if slide.presenting else (st.container(), st.container())
    ours.latex(vector(c_t, rf"\textstyle\sum_i \alpha_{{{t_att},i}} h_i", shown))
    theirs.latex(vector(row.context, f"c_{{{t_att}}}", shown))


def explanation(slide: Slide) -> None:
    """§7: is attention an explanation? α_t beside what y_t depends on (occlusion, integrated
    gradients) for this input and step, and what happens to y_t when α_t is changed."""
    st.header(t("lecture.s7"))
    ckpt, look = slide.ckpt, slide.look
    c_text, c_eq = st.columns([3, 2], vertical_alignment="center")
    c_text.markdown(t("lecture.s7_text"))
    c_eq.latex(r"\mathrm{occl}_{t,i} = \log p(y_t \mid x) - \log p(y_t \mid x_{i \to \langle unk \rangle})")
    res = explain.attributions(ckpt, slide.source, attribution.IG_STEPS)  # shared with the Explain page
    step = min(slide.step, len(res.output_tokens))
    left, right = st.columns([3, 2])
    with left:
        figure = figures.attribution_bars(res, step, look.fit(480 if slide.presenting else None), figures.WIDE * 3 // 5)
        charts.show(figure, "lecture_attr_bars", f"{ckpt.name}-attribution-step{step}")
    with right:
        if "alpha" not in res.scores:  # a vanilla or Transformer decoder: no single α to question
            st.info(t("lecture.s7_no_alpha", decoder=lang.decoder_label(ckpt.model.cfg.decoder)))
        else:
            alpha = res.matrix("alpha")[step - 1]
            top = {m: int(attribution.importance(m, res.matrix(m)[step - 1]).argmax()) for m in res.methods}
            st.markdown(
                t("lecture.s7_step", t=step, token=md_token(res.output_tokens[step - 1]),
                  a=md_token(res.source_tokens[top["alpha"]]), a_w=float(alpha[top["alpha"]]),
                  o=md_token(res.source_tokens[top["occlusion"]]), g=md_token(res.source_tokens[top["ig"]]))
            )  # fmt: skip
            agree = res.agreement
            st.markdown(
                t("lecture.s7_agree", n=len(res.output_tokens), tau_o=agree["occlusion"].mean_tau or 0.0,
                  top_o=agree["occlusion"].top1_rate, tau_g=agree["ig"].mean_tau or 0.0,
                  top_g=agree["ig"].top1_rate or 0.0)
            )  # fmt: skip
            iv = explain.interventions(ckpt, slide.source).steps[step - 1]
            st.markdown(
                t("lecture.s7_intervene", t=step, n=len(iv.permuted_tokens), flips=iv.permuted_flips,
                  x=md_token(res.source_tokens[iv.erased_max]), y=md_token(iv.erase_max_token),
                  verdict=t("common.unchanged") if iv.erase_max_token == iv.token else t("common.changed"))
            )  # fmt: skip
        st.page_link(
            "pages/explain.py",
            label=t("lecture.s7_link"),
            icon="🔍",
            query_params={"model": ckpt.name, "src": slide.source, "step": str(step)},
        )


def transformer_model(ckpt: Checkpoint) -> str | None:
    """The Transformer §8 shows: the sidebar's model if it is one, else the Transformer that
    reads the same task's inputs (``models.all_families``, as Compare's length curve); None
    when there is none."""
    if ckpt.model.cfg.family.heads:
        return ckpt.name
    found = models.families_of(models.all_families([ckpt.name]))
    return next((name for name, family in found.items() if family.heads), None)


def _head_options(cfg) -> list[str]:
    """ "L2H1" … for every layer and head (the Translate page's spelling, ``heads._parse``)."""
    return [f"L{layer}H{head}" for layer in range(cfg.layers, 0, -1) for head in range(1, cfg.heads + 1)]


def transformer(slide: Slide) -> None:
    """§8, the lecture after the notes: attention without recurrence. One head's q, K, V at
    step t with the notes' weighted sum, the causal mask, every head, and a training step's
    time against length measured live."""
    st.header(t("lecture.s8"))
    ckpt, look = slide.ckpt, slide.look
    name = transformer_model(ckpt)
    if name is None:
        st.info(t("lecture.s8_none"))
        return
    try:
        tf = models.get(name)
        result = slide.result if name == ckpt.name else models.trace(tf, slide.source)
    except (CheckpointError, InputError) as exc:
        st.warning(t("lecture.s8_cannot", name=name, error=exc))
        return
    step = min(slide.step, len(result.steps))
    cfg = tf.model.cfg
    c_text, c_pick = st.columns([3, 1], vertical_alignment="bottom")
    c_text.markdown(t("lecture.s8_text"))
    if name != ckpt.name:
        c_text.caption(t("lecture.s8_uses", name=name))
    options = _head_options(cfg)
    if st.session_state.get("qkv_head") not in options:  # first visit, or another model's heads
        st.session_state["qkv_head"] = options[0]
    choice = c_pick.selectbox(
        t("lecture.s8_head"), options, key="qkv_head", help=t("lecture.s8_head_help"),
        format_func=lambda c: figures.head_label(look, int(c[1:].partition("H")[0]) - 1, int(c.partition("H")[2]) - 1),
    )  # fmt: skip
    layer, head = int(choice[1:].partition("H")[0]) - 1, int(choice.partition("H")[2]) - 1
    prefix = [s.token_id for s in result.steps[: step - 1]]
    view = head_view(tf.model, tf.tokenizer, slide.source, prefix, layer, head)
    if slide.presenting:  # one screen: the three parts of the slide as tabs, each with room to be read
        tab_qkv, tab_heads, tab_speed = st.tabs([t("lecture.s8_tab_qkv"), t("lecture.s8_tab_heads"),
                                                 t("lecture.s8_tab_speed")])  # fmt: skip
        place_qkv, place_sums = tab_qkv.columns([3, 2])
        place_mask, place_grid = tab_heads.columns(2)
        place_speed = place_chart = tab_speed
    else:
        place_qkv, place_sums = st.columns([3, 2])
        place_mask, place_grid = st.columns(2)
        place_speed = place_chart = st.container()
    size = 440 if slide.presenting else None
    with place_qkv:
        figure = figures.qkv_heatmaps(view, result.source_tokens, look.fit(size), width=figures.HALF, height=440)
        charts.show(figure, "lecture_qkv", f"{name}-qkv-step{step}")
    with place_sums:
        st.latex(r"\mathrm{head}_t = \mathrm{softmax}\!\Big(\frac{q_t K^\top}{\sqrt{d_k}}\Big) V \qquad"
                 r" c_t = \sum_i \alpha_{t,i} h_i")  # fmt: skip
        if not slide.presenting:
            st.markdown(t("lecture.s8_equal", n=SHOWN, d=view.d_k))
        shown = 4 if slide.presenting else SHOWN
        forms = [
            (view.matrix_form(), rf"\mathrm{{softmax}}(q_{{{step}}} K^\top/\sqrt{{{view.d_k}}})\,V"),
            (view.sum_form(), rf"\textstyle\sum_i \alpha_{{{step},i}}\, v_i"),
            (view.through_v, rf"W_V\, c_{{{step}}} + b_V"),
        ]
        rows = [vector(values, name, shown).replace(" = ", " &= ", 1) for values, name in forms]
        st.latex(r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}")  # one block: three rows, aligned
        gap = float(np.abs(view.matrix_form() - np.array(view.output)).max())
        st.caption(t("lecture.s8_same", gap=gap))
    small = look.fit(520 if slide.presenting else None)
    with place_mask:
        fig = figures.decoder_self_attention(result, layer, head, step, small, width=figures.HALF)
        charts.show(fig, "lecture_causal", f"{name}-causal-mask-step{step}")
    with place_grid:
        charts.show(figures.heads_grid(result, step, small, width=figures.HALF), "lecture_heads", f"{name}-heads")
    step_time_panel(tf, slide, place_speed, place_chart)


@st.cache_resource
def _timing_lock() -> threading.Lock:
    """One timing at a time on this server: two at once would measure each other."""
    return threading.Lock()


def _rnn_partner(tf: Checkpoint) -> Checkpoint | None:
    """The RNN attention model that reads this Transformer's inputs (its cell and score are timed)."""
    found = models.families_of(models.all_families([tf.name]))
    name = next((n for n, family in found.items() if family.imposable_alpha), None)
    return models.get(name) if name is not None else None


def _role_colours(times: StepTimes) -> dict[str, str]:
    """Each timed role's line in its model family's colour."""
    return {role: families.get(name).colour for role, name in times.families.items()}


def step_time_panel(tf: Checkpoint, slide: Slide, place, chart_place) -> None:
    """The notes' claim measured: ms per training step against length, RNN + attention vs the
    Transformer at one batch and width, drawn while it runs (in ``chart_place``); kept for
    this session. The words and the button go in ``place``."""
    kept = st.session_state.setdefault("_step_times", {})
    look = slide.look.fit(370 if slide.presenting else None)
    width = figures.HALF
    with place:
        st.markdown(t("lecture.s8_speed_title") + " " + t("lecture.s8_speed"))
        run = st.button(t("lecture.s8_run", s=limits.MAX_STEP_TIMING_SECONDS), key="run_step_times", type="primary",
                        help=t("lecture.s8_speed"))  # fmt: skip
    with chart_place:  # the chart, and beside it the progress, then what the numbers say
        left, right = st.columns([3, 2], vertical_alignment="center")
        slot, said = left.empty(), right.empty()
    if run:
        lock = _timing_lock()
        if not lock.acquire(blocking=False):
            said.warning(t("lecture.s8_busy"))
        else:
            try:
                partner = _rnn_partner(tf)
                configs = experiments.same_width(tf.model.cfg, partner.model.cfg if partner else None)
                bar = said.progress(0.0, text=t("lecture.s8_measuring", n=experiments.STEP_LENGTHS[0]))

                def progress(so_far: StepTimes, done: float) -> None:
                    bar.progress(done, text=t("lecture.s8_measuring", n=so_far.lengths[-1]))
                    fig = figures.step_time_chart(so_far, look, width=width, colours=_role_colours(so_far))
                    slot.plotly_chart(fig, theme=None, config={"displaylogo": False})

                budget = limits.MAX_STEP_TIMING_SECONDS
                kept[tf.name] = experiments.step_times(
                    configs, batch_size=STEP_BATCH, budget_s=budget, progress=progress
                )
            finally:
                lock.release()
    times = kept.get(tf.name)
    if times is None or not times.lengths:
        return
    with slot.container():
        figure = figures.step_time_chart(times, look, width=width, colours=_role_colours(times))
        charts.show(figure, "lecture_step_times", f"{tf.name}-step-times")
    said.markdown(step_time_sentence(times))


def step_time_sentence(times: StepTimes) -> str:
    """What the measured chart shows, in words written from its numbers."""
    if len(times.lengths) < 2:
        text = t("lecture.s8_one_length", n=times.lengths[0], rnn=times.ms[RECURRENT][0],
                 tf=times.ms[PARALLEL][0])  # fmt: skip
    else:
        n0, n1 = times.lengths[0], times.lengths[-1]
        ratio = times.speedup(n1)
        text = t(
            "lecture.s8_result", n0=n0, n1=n1, rnn0=times.at(RECURRENT, n0), rnn1=times.at(RECURRENT, n1),
            tf0=times.at(PARALLEL, n0), tf1=times.at(PARALLEL, n1),
            g_rnn=times.growth(RECURRENT), g_tf=times.growth(PARALLEL),
        )  # fmt: skip
        text += " " + (
            t("lecture.s8_faster", n=n1, x=ratio) if ratio >= 1 else t("lecture.s8_slower", n=n1, x=1 / ratio)
        )
        rnn_grows = times.growth(RECURRENT) > times.growth(PARALLEL)
        text += " " + (t("lecture.s8_rnn_grows") if rnn_grows else t("lecture.s8_tf_grows"))
    if times.stopped == "budget":
        text += " " + t("lecture.s8_budget", s=limits.MAX_STEP_TIMING_SECONDS, n=times.planned[len(times.lengths)])
    return text


# ?section= value -> the function that draws it, in the notes' order
SECTIONS: dict[str, Callable[[Slide], None]] = {
    "1": encoder,
    "2": decoder,
    "3": training,
    "4": beam,
    "5": bottleneck,
    "6": attention,
    "7": explanation,
    "8": transformer,  # after the notes
}


_SCROLLED = "_lecture_scrolled_to"  # the ?section= this session has already scrolled to


def scroll_to_linked_section(names: tuple[str, ...]) -> None:
    """The whole lecture opened from a link with ``?section=N`` (a slide's link, outside
    presentation mode): the browser scrolls to §N once, when its header is drawn; reruns after
    that leave the reader's scrolling alone."""
    wanted = st.query_params.get("section")
    if wanted not in names or st.session_state.get(_SCROLLED) == wanted:
        return
    st.session_state[_SCROLLED] = wanted
    st.sidebar.html(  # the sidebar: the element takes no room in the page
        f"""<script>
        (() => {{
          // keep §N at the top while the sections above it draw (their charts push it down), until
          // the reader scrolls, clicks or types, or for 15 s
          const doc = window.parent.document, since = performance.now();
          let stop = false;
          for (const kind of ["wheel", "touchstart", "keydown", "mousedown"])
            doc.addEventListener(kind, () => {{ stop = true; }}, {{ once: true, capture: true }});
          const look = () => {{
            if (stop || performance.now() - since > 15000) return;
            const header = [...doc.querySelectorAll('[data-testid="stMain"] h2')]
              .find(h => h.textContent.trim().startsWith("{int(wanted)} ·"));
            if (header && Math.abs(header.getBoundingClientRect().top) > 2) header.scrollIntoView({{ block: "start" }});
            requestAnimationFrame(look);
          }};
          look();
        }})();
        </script>""",
        unsafe_allow_javascript=True,
    )
