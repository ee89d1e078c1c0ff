"""Figure builders: result objects in, ``plotly.graph_objects.Figure`` out.

Pure functions (no Streamlit, no model, no analysis): the pages call them, tests inspect their
output. They import numpy, plotly, ``seq2seq.i18n``, ``seq2seq.core.results``,
``seq2seq.data.tokenizers`` and each other; results from the analysis are duck-typed.

- ``look``: the shared look (fonts, colours, widths, ``Look``), token labels, wrapped titles,
  the shared layout and ``figure()``, the one place a figure is made. ``VALIDATE`` and
  ``plotly_figure`` are the tests' switches: set them on ``figures.look``, where they are read
- ``attention``: α as a heatmap, one step's bars (α_t, e_t, coverage, top-k), the context strip
- ``flow``: the notes' picture, lines from every x_i to y_t as wide as α_{t,i}
- ``beam``: the beam search tree
- ``curves``: models compared: length curve, training and alignment curves, error rates, step times
- ``states``: encoder and decoder states in fixed PCA axes
- ``play``: the whole decode as one animated figure, and as an offline HTML page
- ``attributions``: attribution methods beside α, adversarial α̃, faithfulness
- ``heads``: the Transformer's heads, self-attention, one head's Q, K, V

``from seq2seq import figures; figures.attention_heatmap(...)``: the names below are the ones
callers use.
"""

from seq2seq.figures.attention import (
    alignment_heatmap,
    alpha_bars,
    attention_heatmap,
    context_strip,
    coverage_bars,
    energy_bars,
    target_probabilities,
    topk_bars,
)
from seq2seq.figures.attributions import (
    METHOD_COLOURS,
    adversarial_bars,
    attribution_bars,
    attribution_heatmap,
    faithfulness_scatter,
    hatch_rows,
    head_heatmap,
    row_normalised,
)
from seq2seq.figures.beam import LABEL_ROOM_PX, beam_tree, label_box, overlaps, place_labels, tree_layout
from seq2seq.figures.curves import (
    LINE_COLOURS,
    alignment_curves,
    bin_label,
    error_rate_bars,
    length_curve,
    score_curve,
    step_time_chart,
    training_curves,
)
from seq2seq.figures.flow import attention_flow, row_layout
from seq2seq.figures.heads import (
    SIGNED_SCALE,
    decoder_self_attention,
    encoder_self_attention,
    head_label,
    heads_grid,
    qkv_heatmaps,
)
from seq2seq.figures.look import (
    ALPHA_SCALE,
    CHOSEN,
    COLORBAR_TICKS,
    FONT_FAMILY,
    FONT_SIZE,
    FORCED,
    GOLD,
    HALF,
    HIGHLIGHT,
    LABEL_GAP,
    MIN_LABEL,
    NARROW,
    OTHER,
    PLAIN,
    RANK_SCALE,
    TITLE_SIZE,
    TRACE_TYPES,
    VALUE_SCALE,
    WIDE,
    Look,
    _fit_margins,
    _layout,
    _token_axis,
    display_token,
    figure,
    fit_ticks,
    p_text,
    text_width,
    tick_size,
    token_label,
    wrap_title,
)
from seq2seq.figures.play import PLAY_MS, PLAY_TOP, decode_animation, offline_html
from seq2seq.figures.states import STATE_VIEWS, state_paths

__all__ = [
    "ALPHA_SCALE",
    "CHOSEN",
    "COLORBAR_TICKS",
    "FONT_FAMILY",
    "FONT_SIZE",
    "FORCED",
    "GOLD",
    "HALF",
    "HIGHLIGHT",
    "LABEL_GAP",
    "LABEL_ROOM_PX",
    "LINE_COLOURS",
    "METHOD_COLOURS",
    "MIN_LABEL",
    "NARROW",
    "OTHER",
    "PLAIN",
    "PLAY_MS",
    "PLAY_TOP",
    "RANK_SCALE",
    "SIGNED_SCALE",
    "STATE_VIEWS",
    "TITLE_SIZE",
    "TRACE_TYPES",
    "VALUE_SCALE",
    "WIDE",
    "Look",
    "_fit_margins",
    "_layout",
    "_token_axis",
    "adversarial_bars",
    "alignment_curves",
    "alignment_heatmap",
    "alpha_bars",
    "attention_flow",
    "attention_heatmap",
    "attribution_bars",
    "attribution_heatmap",
    "beam_tree",
    "bin_label",
    "context_strip",
    "coverage_bars",
    "decode_animation",
    "decoder_self_attention",
    "display_token",
    "encoder_self_attention",
    "energy_bars",
    "error_rate_bars",
    "faithfulness_scatter",
    "figure",
    "fit_ticks",
    "hatch_rows",
    "head_heatmap",
    "head_label",
    "heads_grid",
    "label_box",
    "length_curve",
    "offline_html",
    "overlaps",
    "p_text",
    "place_labels",
    "qkv_heatmaps",
    "row_layout",
    "row_normalised",
    "score_curve",
    "state_paths",
    "step_time_chart",
    "target_probabilities",
    "text_width",
    "tick_size",
    "token_label",
    "topk_bars",
    "training_curves",
    "tree_layout",
    "wrap_title",
]
