"""What-if forcing on the Translate page: which tokens the user imposed, kept in the URL.

``?force=3:17,5:4`` means: at step 3 emit token id 17, at step 5 token id 4. The forcing
belongs to one (model, input): when either changes, it is dropped.
"""

from __future__ import annotations

import streamlit as st

PARAM = "force"
_OWNER = "_force_owner"


def parse(text: str) -> dict[int, int]:
    """ "3:17,5:4" -> {3: 17, 5: 4}; anything malformed is ignored (a hand-edited link)."""
    out: dict[int, int] = {}
    for part in text.split(","):
        step, _, token = part.partition(":")
        if step.strip().isdigit() and token.strip().isdigit():
            out[int(step)] = int(token)
    return out


def current(owner: str) -> dict[int, int]:
    """The forced steps for this (model, input); dropped when the owner changed."""
    previous = st.session_state.get(_OWNER)
    st.session_state[_OWNER] = owner
    if previous is not None and previous != owner:
        st.query_params.pop(PARAM, None)
        return {}
    return parse(st.query_params.get(PARAM, ""))


def force(step: int, token_id: int) -> None:
    """Button callback: impose ``token_id`` at ``step``; later forced steps no longer apply."""
    forced = {at: i for at, i in parse(st.query_params.get(PARAM, "")).items() if at < step}
    forced[step] = token_id
    st.query_params[PARAM] = ",".join(f"{at}:{i}" for at, i in sorted(forced.items()))
    st.rerun()  # the whole page: the output and every figure change, not only the step's fragment


def undo() -> None:
    st.query_params.pop(PARAM, None)


def undo_clicked() -> None:
    """Button callback: drop the forcing and rerun the whole page (see ``force``)."""
    undo()
    st.rerun()
