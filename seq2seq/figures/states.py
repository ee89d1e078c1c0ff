"""A decode's states in fixed PCA axes (``analysis.states.Trajectory``, duck-typed): the encoder's
h_i and the decoder's s_t as paths, in 2-D or 3-D, with c among the h_i."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative

from seq2seq.data.tokenizers import visible_token
from seq2seq.figures.look import (
    FONT_SIZE,
    GOLD,
    HIGHLIGHT,
    PLAIN,
    RANK_SCALE,
    WIDE,
    Look,
    _layout,
    display_token,
    figure,
)

STATE_VIEWS = ("position", "token")  # what state_paths colours the points by


def _token_colours(tokens) -> dict[str, str]:
    """One colour per distinct token (first seen, first coloured), the same in both panels: a
    letter the decoder writes has the colour of the letter the encoder read."""
    palette = qualitative.Dark24
    return {tok: palette[i % len(palette)] for i, tok in enumerate(dict.fromkeys(tokens))}


def state_paths(
    traj,
    step: int | None = None,
    look: Look = PLAIN,
    width: int = WIDE,
    height: int = 420,
    dims: int = 2,
    colour: str = "position",
    growth=None,
    show_c: bool | None = None,
) -> go.Figure:
    """One decode's states as paths in fixed PCA axes (``states.trajectory``): left the encoder
    states h_1…h_S, right the decoder states s_1…s_T, each a line through its points in order,
    labelled with the token (x_i or y_t) and coloured by position (``colour="position"``) or by
    token (``"token"``: the same token the same colour in both panels); s_``step`` (1-based) is
    ringed in red. ``dims`` 2 or 3 (3-D needs a trajectory with three axes).

    c among the h_i: a star at the decode's own c (by default for the vanilla decoder, whose
    only context it is; ``show_c`` forces it on or off), and ``growth`` (``states.ContextPath``),
    the c of inputs of growing length as a dashed path of stars labelled with their length T.

    :param traj: a ``states.Trajectory``
    """
    dims = 3 if dims == 3 and min((len(p) for p in traj.encoder + traj.decoder), default=0) >= 3 else 2
    show_c = traj.reads_fixed_c if show_c is None else show_c
    colours = _token_colours([*traj.source_tokens, *traj.output_tokens]) if colour == "token" else None
    c_name = look.t("fig.states.c_mean") if traj.c_is_mean else look.t("fig.states.c")
    names = ("x", "y", "z")

    def coords(points) -> np.ndarray:
        xyz = np.asarray(points, dtype=float).reshape(len(points), -1)[:, :dims]
        return np.hstack([xyz, np.zeros((len(xyz), dims - xyz.shape[1]))]) if xyz.shape[1] < dims else xyz

    def trace(panel: int, xyz: np.ndarray, **spec) -> dict:
        axes = (
            {"scene": "scene" if panel == 0 else "scene2"}
            if dims == 3
            else {"xaxis": ("x", "x2")[panel], "yaxis": ("y", "y2")[panel]}
        )
        return {"type": "scatter3d" if dims == 3 else "scatter", **axes, "showlegend": False,
                **{names[i]: xyz[:, i].tolist() for i in range(dims)}} | spec  # fmt: skip

    data, annotations = [], []
    panels = ((traj.encoder, traj.source_tokens, "h"), (traj.decoder, traj.output_tokens, "s"))
    label_size = look.size(FONT_SIZE)
    for panel, ((points, tokens, sym), explained) in enumerate(zip(panels, traj.explained, strict=True)):
        xyz = coords(points)
        if colours is None:
            marker_colour = {"color": list(range(len(tokens))), "colorscale": RANK_SCALE,
                             "cmin": 0, "cmax": max(len(tokens) - 1, 1)}  # fmt: skip
        else:
            marker_colour = {"color": [colours[t] for t in tokens]}
        label = display_token if dims == 2 else visible_token  # 3-D text is plain: "&lt;" would show as typed
        data.append(trace(
            panel, xyz, mode="lines+markers+text", text=[label(t) for t in tokens],
            textposition="top center", textfont={"size": label_size},
            line={"color": "#bbb", "width": 2 if dims == 2 else 4},
            marker={"size": look.size(11 if dims == 2 else 6)} | marker_colour,
            customdata=[f"{sym}<sub>{i}</sub> = {display_token(t)}" for i, t in enumerate(tokens, start=1)],
            hovertemplate="%{customdata}<extra></extra>",
        ))  # fmt: skip
        if sym == "s" and step is not None and 1 <= step <= len(xyz):
            ring = {"size": look.size(22), "color": "rgba(0,0,0,0)", "line": {"color": HIGHLIGHT, "width": 3}}
            if dims == 3:
                ring = {"size": look.size(14), "color": HIGHLIGHT, "symbol": "circle-open"}
            data.append(trace(panel, xyz[step - 1 : step], mode="markers", hoverinfo="skip", marker=ring))
        if sym == "h" and growth is not None and growth.points:
            lengths = list(growth.lengths)
            # 2-D: about six lengths labelled; 3-D (the c of long inputs crowd together and the view
            # turns): the shortest and the longest only, the rest on hover
            every = max(1, len(lengths) // 6) if dims == 2 else max(1, len(lengths) - 1)
            shown = [str(n) if i % every == 0 or i == len(lengths) - 1 else "" for i, n in enumerate(lengths)]
            data.append(trace(
                panel, coords(growth.points), mode="lines+markers+text", text=shown, textposition="bottom center",
                textfont={"size": look.size(FONT_SIZE - 2), "color": GOLD}, showlegend=True,
                name=look.t("fig.states.growth", c=c_name),
                line={"color": GOLD, "width": 2, "dash": "dash"},
                marker={"symbol": "diamond" if dims == 3 else "star", "size": look.size(9 if dims == 2 else 4),
                        "color": GOLD},
                customdata=lengths, hovertemplate=look.t("fig.states.growth_hover", c=c_name) + "<extra></extra>",
            ))  # fmt: skip
        if sym == "h" and show_c and traj.context is not None:
            data.append(trace(
                panel, coords([traj.context]), mode="markers", showlegend=True, name=c_name,
                hovertemplate=c_name + "<extra></extra>",
                marker={"symbol": "diamond" if dims == 3 else "star", "size": look.size(20 if dims == 2 else 8),
                        "color": HIGHLIGHT},
            ))  # fmt: skip
        share = f" ({100 * sum(explained[:dims]):.0f} %)" if explained else ""
        title = (look.t("fig.states.encoder") if sym == "h" else look.t("fig.states.decoder")) + share
        where = {"xref": f"{('x', 'x2')[panel]} domain", "yref": f"{('y', 'y2')[panel]} domain", "x": 0.5, "y": 1.02}
        if dims == 3:
            where = {"xref": "paper", "yref": "paper", "x": (0.24, 0.76)[panel], "y": 1.0}
        annotations.append(where | {"text": title, "xanchor": "center", "yanchor": "bottom", "showarrow": False,
                                    "font": {"size": look.size(FONT_SIZE + 1)}})  # fmt: skip
    legend = {"orientation": "h", "y": -0.08, "x": 0, "font": {"size": look.size(FONT_SIZE - 1)}}
    if dims == 3:
        axis = {"showticklabels": False, "title": {"font": {"size": look.size(FONT_SIZE - 2)}}}
        scene = {f"{n}axis": axis | {"title": {"text": f"PC {i + 1}"}} for i, n in enumerate(names)}
        # the eye far enough that the labels and the ring at a cube's corners stay inside the panel
        scene |= {"camera": {"eye": {"x": 1.6, "y": 1.6, "z": 0.9}}, "aspectmode": "cube"}
        layout = _layout(look.t("fig.states.title"), height + 160, look=look, width=width, top=90,
                         scene=scene | {"domain": {"x": [0, 0.48], "y": [0, 1]}},
                         scene2=scene | {"domain": {"x": [0.52, 1], "y": [0, 1]}}, annotations=annotations,
                         legend=legend, uirevision="states")  # fmt: skip
        layout.pop("xaxis"), layout.pop("yaxis")
        return figure(data, layout)
    axis = {"zeroline": False, "showticklabels": False, "title": {"text": ""}}
    layout = _layout(look.t("fig.states.title"), height, xaxis=axis | {"domain": [0, 0.47], "title": {"text": "PC 1"}},
                     yaxis=axis | {"title": {"text": "PC 2"}}, look=look, width=width, top=90,
                     xaxis2=axis | {"domain": [0.53, 1], "anchor": "y2", "title": {"text": "PC 1"}},
                     yaxis2=axis | {"anchor": "x2"}, annotations=annotations, legend=legend)  # fmt: skip
    return figure(data, layout)
