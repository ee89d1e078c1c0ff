"""Decoding: feed the model's own predictions back in (no teacher forcing).

``greedy`` decodes a batch (used by evaluation); ``trace`` decodes one input and records
everything a page wants to show about each step; ``beam_search`` records the whole tree of
one input (the Beam page), ``beam_batch`` is the same search over many inputs at once, with
no tree (``eval --beam``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import torch

from seq2seq.core.model import Seq2Seq, eval_mode, select_state
from seq2seq.core.results import BeamNode, BeamTree, Candidate, DecodeTrace, ForcedScore, Hypothesis, TraceStep
from seq2seq.data.batches import make_batch, source_batch
from seq2seq.data.tasks import Example
from seq2seq.data.tokenizers import BOS, EOS, Tokenizer
from seq2seq.errors import InputError


def max_output_len(src_len: int, model: Seq2Seq) -> int:
    """How long decoding may run: generous for every built-in task (outputs are at most about
    as long as inputs), bounded so an untrained model that never says </s> still stops."""
    return min(2 * src_len + 10, 2 * model.cfg.max_src_len + 10)


def check_sources(sources: Sequence[str], model: Seq2Seq, tokenizer: Tokenizer) -> None:
    """Refuse inputs the model cannot take, with a message a user can act on."""
    for text in sources:
        if not text.strip():
            raise InputError.of("empty_input")
        n = len(tokenizer.source.tokenize(text)) + 1  # + </s>
        if n > model.cfg.max_src_len:
            raise InputError.of("too_many_tokens", n=n - 1, limit=model.cfg.max_src_len - 1)


@dataclass
class GreedyResult:
    ids: list[list[int]]  # per input, the output ids up to and including </s> (if reached)
    finished: list[bool]
    # with ``record``: per input, log p(y_t | y_<t, x) of each token in ``ids`` ...
    log_probs: list[list[float]] | None = None
    # ... and α_t over that input's source tokens (</s> included), one row per token in ``ids``
    # (None for a vanilla decoder): (T, S) per input
    alphas: list[list[list[float]]] | None = None
    # with ``states``: s_t after every step, (B, T, D) as a tensor (rows past an input's end are
    # padding); for indexes over thousands of decodes, where lists would cost more than the decode
    states: torch.Tensor | None = None


@torch.no_grad()
def greedy(
    model: Seq2Seq, tokenizer: Tokenizer, sources: Sequence[str], record: bool = False, states: bool = False
) -> GreedyResult:
    """Greedy decoding of a batch: y_t = argmax p(y | y_<t, x), until </s> or the length limit.

    ``record`` also keeps, per input, the log-probability of every chosen token and the α
    row of every step (attention decoders), in the same single pass; ``states`` keeps s_t.
    """
    check_sources(sources, model, tokenizer)
    batch = source_batch(sources, tokenizer).to(model.device)  # src (B, S), src_len (B,)
    n = len(sources)
    limits = [max_output_len(int(length), model) for length in batch.src_len]  # per input, as in ``trace``
    lps, alphas, s_all = [], [], []  # with ``record``: T entries of (B,) and (B, S); ``states``: (B, D)
    with eval_mode(model):
        enc, state = model.encode(batch.src, batch.src_len)  # enc.h (B, S, D); state (L, B, D)
        y = torch.full((n,), BOS, dtype=torch.long, device=model.device)  # (B,) y_0 = <s>
        done = torch.zeros(n, dtype=torch.bool, device=model.device)  # (B,)
        out = []
        for _ in range(max(limits)):
            step = model.decode_step(y, state, enc)  # logits (B, V); alpha (B, S) | None
            y, state = step.logits.argmax(-1), step.state  # y (B,)
            if record:
                lps.append(torch.log_softmax(step.logits, -1).gather(1, y[:, None])[:, 0])  # (B,)
                if step.alpha is not None:
                    alphas.append(step.alpha)
            if states:
                s_all.append(step.s)
            out.append(y)
            done |= y == EOS
            if bool(done.all()):
                break
    result, finished = [], []
    for row, limit in zip(torch.stack(out, 1).tolist(), limits, strict=True):  # (B, T) as lists
        row = row[:limit]
        finished.append(EOS in row)
        result.append(row[: row.index(EOS) + 1] if EOS in row else row)
    s_tensor = torch.stack(s_all, 1) if states else None  # (B, T, D)
    if not record:
        return GreedyResult(result, finished, states=s_tensor)
    lp_rows = torch.stack(lps, 1).tolist()  # (B, T)
    log_probs = [lp[: len(ids)] for lp, ids in zip(lp_rows, result, strict=True)]
    alpha_rows = None
    if alphas:
        a = torch.stack(alphas, 1)  # (B, T, S)
        alpha_rows = [
            a[b, : len(ids), : int(batch.src_len[b])].tolist() for b, ids in enumerate(result)
        ]  # (T_b, S_b) per input
    return GreedyResult(result, finished, log_probs, alpha_rows, s_tensor)


def translate(model: Seq2Seq, tokenizer: Tokenizer, sources: Sequence[str]) -> list[str]:
    """Greedy outputs as text."""
    return [tokenizer.target.decode(ids) for ids in greedy(model, tokenizer, sources).ids]


@torch.no_grad()
def trace(
    model: Seq2Seq, tokenizer: Tokenizer, source: str, top_k: int = 5, forced: dict[int, int] | None = None
) -> DecodeTrace:
    """Greedy decoding of one input, recording at every step the chosen token and its
    probability, the ``top_k`` candidates, α_t and e_t (attention only), ctx_t and s_t.

    ``forced`` maps 1-based steps to token ids to emit there instead of the argmax (what-if):
    decoding continues greedily from the forced prefix. A forced step past the end of the
    output is refused with an InputError.
    """
    check_sources([source], model, tokenizer)
    forced = dict(forced or {})
    for token_id in forced.values():
        if not 0 <= int(token_id) < model.cfg.vocab_size:
            raise InputError.of("force_token", token_id=token_id, size=model.cfg.vocab_size)
    batch = source_batch([source], tokenizer).to(model.device)  # src (1, S)
    steps: list[TraceStep] = []
    out_ids: list[int] = []
    k = max(1, min(top_k, model.cfg.vocab_size))
    with eval_mode(model):
        enc, state = model.encode(batch.src, batch.src_len)  # enc.h (1, S, D); state (L, 1, D)
        y = torch.tensor([BOS], device=model.device)  # (1,) y_0 = <s>
        for t in range(1, max_output_len(int(batch.src_len[0]), model) + 1):
            step = model.decode_step(y, state, enc)  # logits (1, V); alpha, energies (1, S) | None
            probs = torch.softmax(step.logits[0], -1)  # (V,) p(y_t | y_<t, x)
            top_p, top_i = (x.tolist() for x in probs.topk(k))  # k floats, k ids: read once
            token_id = int(forced.pop(t, top_i[0]))
            y, state = torch.tensor([token_id], device=model.device), step.state
            out_ids.append(token_id)
            steps.append(
                TraceStep(
                    token=tokenizer.target.id_to_token(token_id),
                    token_id=token_id,
                    prob=top_p[0] if token_id == top_i[0] else float(probs[token_id]),
                    forced=token_id != top_i[0],
                    top_k=[Candidate(tokenizer.target.id_to_token(i), i, p) for p, i in zip(top_p, top_i, strict=True)],
                    alpha=None if step.alpha is None else step.alpha[0].tolist(),  # (S,)
                    energies=None if step.energies is None else step.energies[0].tolist(),  # (S,)
                    context=step.context[0].tolist(),  # (D,) ctx_t
                    state=step.s[0].tolist(),  # (D,) s_t
                    position=None if step.position is None else float(step.position[0]),  # p_t (local-p)
                    heads=None if step.heads is None else step.heads[0].tolist(),  # (L, H, S)
                    self_heads=None if step.self_heads is None else step.self_heads[0].tolist(),  # (L, H, t)
                )
            )
            if token_id == EOS:
                break
    if forced:
        raise InputError.of("force_step", step=min(forced), n=len(steps))
    return DecodeTrace(
        source=source,
        source_tokens=[*tokenizer.source.tokenize(source), "</s>"],
        output=tokenizer.target.decode(out_ids),
        output_tokens=[s.token for s in steps],
        decoder=model.cfg.decoder,
        steps=steps,
        unknown=tokenizer.source.unknown(source),
        finished=bool(out_ids) and out_ids[-1] == EOS,
        encoder_states=enc.h[0, : int(batch.src_len[0])].tolist(),
        fixed_context=enc.c[0].tolist(),
        window=model.cfg.family.window(model.cfg),
        attention_norm=getattr(model.cfg, "attention_norm", "softmax"),
        encoder_attention=None if enc.self_attention is None else enc.self_attention[0].tolist(),  # (L, H, S, S)
    )


@torch.no_grad()
def score_targets(
    model: Seq2Seq, tokenizer: Tokenizer, sources: Sequence[str], targets: Sequence[str], batch_size: int = 256
) -> list[ForcedScore]:
    """Teacher-forced scoring of given targets (batched): per-token probabilities and α."""
    check_sources(sources, model, tokenizer)
    limit = max_output_len(model.cfg.max_src_len, model)
    for target in targets:
        if len(tokenizer.target.tokenize(target)) + 1 > limit:
            raise InputError.of("target_too_long", limit=limit - 1)
    out: list[ForcedScore] = []
    with eval_mode(model):
        for start in range(0, len(sources), batch_size):
            chunk = [
                Example(s, t)
                for s, t in zip(sources[start : start + batch_size], targets[start : start + batch_size], strict=True)
            ]
            batch = make_batch(chunk, tokenizer).to(model.device)  # src (B, S); tgt_in, tgt_out (B, T)
            logits, alphas = model(batch)  # (B, T, V); (B, T, S) | None
            logp = torch.log_softmax(logits, -1).gather(2, batch.tgt_out.unsqueeze(2)).squeeze(2)  # (B, T)
            for row, ex in enumerate(chunk):
                n_src, n_tgt = int(batch.src_len[row]), len(tokenizer.target.encode(ex.target)) + 1
                ids = batch.tgt_out[row, :n_tgt].tolist()
                lp = logp[row, :n_tgt]  # (n_tgt,) log p(y_t | y_<t, x) of the given target
                out.append(
                    ForcedScore(
                        source_tokens=[*tokenizer.source.tokenize(ex.source), "</s>"],
                        target_tokens=[tokenizer.target.id_to_token(i) for i in ids],
                        probs=lp.exp().tolist(),
                        alpha=None if alphas is None else alphas[row, :n_tgt, :n_src].tolist(),  # (n_tgt, n_src)
                        log_prob=float(lp.sum()),
                    )
                )
    return out


def length_penalty(length: int, length_alpha: float) -> float:
    """GNMT's lp(Y) = ((5 + |Y|) / 6)^α; α = 0 turns it off (lp = 1). (This α is the length
    penalty's exponent, not attention: ``length_alpha`` keeps the two apart in the code.)"""
    return ((5.0 + length) / 6.0) ** length_alpha


@torch.no_grad()
def beam_search(
    model: Seq2Seq,
    tokenizer: Tokenizer,
    source: str,
    width: int = 5,
    length_alpha: float = 0.0,
    max_len: int | None = None,
) -> BeamTree:
    """Beam search that records its whole tree.

    At every step all live hypotheses go through ``decode_step`` as one batch. Each proposes
    its ``width`` most likely next tokens; the candidates are ranked by cumulative log-prob,
    the best ``width`` that do not end in </s> stay in the beam, candidates ending in </s> that
    rank above the last kept one are finished, and every other candidate is recorded as
    pruned. Search stops when ``width`` hypotheses have finished, none is left, or at
    ``max_len``. The n-best list is ranked by score / lp(length) (``length_penalty`` with
    exponent ``length_alpha``). With width 1 this is exactly greedy decoding.
    """
    check_sources([source], model, tokenizer)
    if not 1 <= width <= model.cfg.vocab_size:
        raise InputError.of("beam_width", size=model.cfg.vocab_size)
    batch = source_batch([source], tokenizer).to(model.device)  # src (1, S)
    max_len = max_len or max_output_len(int(batch.src_len[0]), model)
    tree = BeamTree(source, [*tokenizer.source.tokenize(source), "</s>"], model.cfg.decoder, width, length_alpha)
    tree.nodes.append(BeamNode(0, None, 0, "<s>", BOS, 0.0, 0.0, 0.0, "root"))
    live = [0]  # node ids of the hypotheses in the beam (H of them, H <= width)
    finished: list[int] = []
    with eval_mode(model):
        enc1, state = model.encode(batch.src, batch.src_len)  # enc1.h (1, S, D); state (L, 1, D)
        enc = enc1  # one row per live hypothesis: (H, S, D)
        for t in range(1, max_len + 1):
            if not live or len(finished) >= width:
                break
            y = torch.tensor([tree.nodes[n].token_id for n in live], device=model.device)  # (H,)
            step = model.decode_step(y, state, enc)  # logits (H, V); alpha (H, S) | None
            logp = torch.log_softmax(step.logits, -1)  # (H, V)
            top_lp, top_id = logp.topk(width, dim=-1)  # (H, width): each hypothesis's best continuations
            scores = torch.tensor([tree.nodes[n].score for n in live], device=model.device)[:, None] + top_lp
            order = scores.flatten().argsort(descending=True).tolist()  # (H * width,) best candidate first
            # plain lists once per step: indexing tensors element by element costs microseconds each
            lp_rows, id_rows, score_rows = top_lp.tolist(), top_id.tolist(), scores.tolist()
            alpha_rows = None if step.alpha is None else step.alpha.tolist()  # attention: H rows of S
            head_rows = None if step.heads is None else step.heads.tolist()  # Transformer: (H, L, heads, S)
            lp_norm = length_penalty(t, length_alpha)
            keep_rows: list[int] = []
            new_live: list[int] = []
            for flat in order:
                row, col = divmod(flat, width)
                parent = tree.nodes[live[row]]
                token_id = id_rows[row][col]
                score = score_rows[row][col]
                if len(new_live) < width and token_id == EOS:
                    status = "finished"
                elif len(new_live) < width:
                    status = "kept"
                else:
                    status = "pruned"
                node = BeamNode(
                    id=len(tree.nodes),
                    parent=parent.id,
                    step=t,
                    token=tokenizer.target.id_to_token(token_id),
                    token_id=token_id,
                    logp=lp_rows[row][col],
                    score=score,
                    norm_score=score / lp_norm,
                    status=status,
                    alpha=None if alpha_rows is None else alpha_rows[row],
                    heads=None if head_rows is None else head_rows[row],
                )
                tree.nodes.append(node)
                if status == "finished":
                    finished.append(node.id)
                elif status == "kept":
                    new_live.append(node.id)
                    keep_rows.append(row)
            live = new_live
            if live:
                index = torch.tensor(keep_rows, device=model.device)  # (H',) the parent row of each kept one
                enc = enc1.index_select(torch.zeros(len(keep_rows), dtype=torch.long, device=model.device))
                state = select_state(step.state, index)  # (L, H', D)
    ends = finished + ([] if len(finished) >= width else live)  # unfinished only when too few finished
    hyps = []
    for node_id in ends:
        path = tree.path(node_id)
        node = tree.nodes[node_id]
        hyps.append(
            Hypothesis(
                tokens=[n.token for n in path],
                text=tokenizer.target.decode([n.token_id for n in path]),
                score=node.score,
                norm_score=node.norm_score,
                node=node_id,
                finished=node.status == "finished",
            )
        )
    hyps.sort(key=lambda h: h.norm_score, reverse=True)
    tree.nbest = hyps
    if hyps and hyps[0].finished:
        tree.nodes[hyps[0].node].status = "winner"
    return tree


@dataclass
class BeamBatchResult:
    """The best hypothesis of ``beam_batch`` for every input, in the order given."""

    ids: list[list[int]]  # output ids, up to and including </s> where the hypothesis finished
    scores: list[float]  # Σ_t log p(y_t | y_<t, x) of that hypothesis
    norm_scores: list[float]  # score / lp(length): what the hypotheses are ranked by
    finished: list[bool]  # ended in </s> (False: stopped at the length limit)


def check_width(width: int, model: Seq2Seq) -> None:
    if isinstance(width, bool) or not isinstance(width, int) or not 1 <= width <= model.cfg.vocab_size:
        raise InputError.of("beam_width", size=model.cfg.vocab_size)


@torch.no_grad()
def beam_batch(
    model: Seq2Seq,
    tokenizer: Tokenizer,
    sources: Sequence[str],
    width: int = 5,
    length_alpha: float = 0.0,
    batch_size: int = 500,
) -> BeamBatchResult:
    """``beam_search`` over many inputs at once, keeping only each input's best hypothesis.

    Inputs go in chunks of ``batch_size // width`` (so a chunk has about ``batch_size``
    hypotheses, as ``greedy`` has inputs; sorted by length, so a chunk's padding is small;
    larger chunks were slower on a CPU, not faster). A chunk is encoded once; its encoder
    output and s_0 are repeated ``width`` times, so the batch is (B·k, ...) with row b·k + j
    the j-th hypothesis of input b, and every step is one
    ``decode_step`` for all of them. Per input the rule is ``beam_search``'s: each live
    hypothesis proposes its k best tokens, the k·k candidates are ranked by cumulative
    log-prob, the best k not ending in </s> stay, those ending in </s> that rank above the
    last kept one finish; an input is done when k have finished, none is live, or at its
    length limit (then its live hypotheses count too). Empty slots carry score −∞, so they
    never win (the masking of Joey NMT's batched beam), and a done input's rows leave the
    batch. The best is the first maximum of score / lp(length) in ``beam_search``'s order,
    so the result equals ``beam_search(...).nbest[0]`` for every input (to float tolerance).
    """
    check_sources(sources, model, tokenizer)
    check_width(width, model)
    n = len(sources)
    ids: list[list[int]] = [[] for _ in range(n)]
    scores = [float("-inf")] * n
    norm_scores = [float("-inf")] * n
    finished = [False] * n
    order = sorted(range(n), key=lambda i: len(tokenizer.source.tokenize(sources[i])))
    with eval_mode(model):
        per_chunk = max(1, batch_size // width)  # inputs per chunk
        for start in range(0, n, per_chunk):
            chunk = order[start : start + per_chunk]
            best = _beam_chunk(model, tokenizer, [sources[i] for i in chunk], width, length_alpha)
            for i, (hyp_ids, score, norm, done) in zip(chunk, best, strict=True):
                ids[i], scores[i], norm_scores[i], finished[i] = hyp_ids, score, norm, done
    return BeamBatchResult(ids, scores, norm_scores, finished)


def _beam_chunk(
    model: Seq2Seq, tokenizer: Tokenizer, sources: Sequence[str], k: int, length_alpha: float
) -> list[tuple[list[int], float, float, bool]]:
    """One chunk of ``beam_batch``: per input (ids, score, norm_score, finished) of its best."""
    device = model.device
    batch = source_batch(sources, tokenizer).to(device)  # src (B, S), src_len (B,)
    n = len(sources)
    limits = torch.tensor([max_output_len(int(length), model) for length in batch.src_len])  # (B,) as beam_search
    enc, state = model.encode(batch.src, batch.src_len)  # enc.h (B, S, D); state (L, B, D)
    if enc.self_attention is not None:
        enc = replace(enc, self_attention=None)  # the Transformer's encoder weights: nobody reads them here
    rows = torch.arange(n, device=device).repeat_interleave(k)  # (B·k,) input b's k rows: b·k .. b·k + k-1
    enc, state = enc.index_select(rows), select_state(state, rows)  # (B·k, S, D); (L, B·k, D)
    neg_inf = float("-inf")
    score = torch.full((n, k), neg_inf, device=device)  # (B, k) cumulative log-prob; −∞ = empty slot
    score[:, 0] = 0.0  # one live hypothesis at the start: <s>
    y = torch.full((n * k,), BOS, dtype=torch.long, device=device)  # (B·k,) y_{t-1}
    history = torch.zeros((n * k, 0), dtype=torch.long, device=device)  # (B·k, t-1) tokens so far
    active = torch.arange(n)  # (B_a,) which inputs of the chunk are still searching (CPU)
    n_finished = torch.zeros(n, dtype=torch.long)  # (B,) CPU
    best: list[tuple[list[int], float, float, bool] | None] = [None] * n

    def offer(i: int, hyp: list[int], s: float, norm: float, done: bool) -> None:
        if best[i] is None or norm > best[i][2]:  # strict: the first maximum wins, as beam_search's stable sort
            best[i] = (hyp, s, norm, done)

    t = 0
    while len(active):
        t += 1
        b_a = len(active)
        step = model.decode_step(y, state, enc)  # logits (B_a·k, V)
        logp = torch.log_softmax(step.logits, -1)  # (B_a·k, V)
        top_lp, top_id = logp.topk(k, dim=-1)  # (B_a·k, k): each hypothesis's best continuations
        cand = (score.reshape(-1, 1) + top_lp).reshape(b_a, k * k)  # (B_a, k·k); empty slots −∞
        cand, rank = cand.sort(dim=1, descending=True, stable=True)  # best candidate first
        token = top_id.reshape(b_a, k * k).gather(1, rank)  # (B_a, k·k)
        valid = cand > neg_inf
        eos = token == EOS
        going = valid & ~eos
        before = going.cumsum(1) - going.long()  # (B_a, k·k) kept candidates ranked above this one
        kept = going & (before < k)
        ends = valid & eos & (before < k)  # </s> above the k-th kept one: finished
        # the kept ones, in rank order, fill slots 0..k-1 (missing ones: empty slots)
        pos = torch.arange(k * k, device=device)
        slot = torch.where(kept, pos, pos + k * k).argsort(dim=1)[:, :k]  # (B_a, k) positions in the ranking
        filled = kept.gather(1, slot)  # (B_a, k)
        score = torch.where(filled, cand.gather(1, slot), torch.full_like(filled, neg_inf, dtype=cand.dtype))
        flat = rank.gather(1, slot)  # (B_a, k) index into each input's k·k candidates
        parent = (torch.arange(b_a, device=device)[:, None] * k + flat // k).reshape(-1)  # (B_a·k,) parent rows
        y = token.gather(1, slot).reshape(-1)  # (B_a·k,)
        lp = length_penalty(t, length_alpha)
        # finished hypotheses, in rank order per input (rare: one .tolist() per step)
        if bool(ends.any()):
            where = ends.nonzero()[:, 0]  # (F,) input rows, sorted by row then rank
            fin = where * k + rank[ends] // k  # (F,) the parent row of each (row-major, as nonzero)
            for r, prefix, s in zip(where.tolist(), history[fin].tolist(), cand[ends].tolist(), strict=True):
                i = int(active[r])
                offer(i, [*prefix, EOS], s, s / lp, True)
                n_finished[i] += 1
        history = torch.cat([history[parent], y[:, None]], 1)  # (B_a·k, t)
        n_live = filled.sum(1).cpu()  # (B_a,)
        at_limit = limits[active] <= t
        stop = (n_finished[active] >= k) | (n_live == 0) | at_limit
        if not bool(stop.any()):
            state = select_state(step.state, parent)
            continue
        # inputs leaving: at the limit with fewer than k finished, their live hypotheses count too
        for r in stop.nonzero()[:, 0].tolist():
            i = int(active[r])
            if n_finished[i] < k and int(n_live[r]):
                live = score[r].tolist()
                for j, prefix in enumerate(history[r * k : r * k + int(n_live[r])].tolist()):
                    offer(i, prefix, live[j], live[j] / lp, False)
        keep = (~stop).nonzero()[:, 0]  # (B_a',) CPU
        keep_rows = (keep[:, None] * k + torch.arange(k)).reshape(-1).to(device)  # (B_a'·k,)
        active, score = active[keep], score[keep.to(device)]
        y, history = y[keep_rows], history[keep_rows]
        state = select_state(step.state, parent[keep_rows])
        enc = enc.index_select(keep_rows)  # every row of an input holds the same encoder output
    return best  # type: ignore[return-value]
