"""The rooms of DESIGN.md, checked: one idea of a model family, and floors that import downwards.

1. No code outside ``seq2seq/core/families/`` branches on a family's name: no comparison with a
   family's name (``==``, ``!=``, ``in``), no ``cfg.decoder`` compared at all, no mapping over
   families' names (a dict with two or more as keys, a lookup by one). Reading the name to show
   it or to write it into JSON is fine (``{"attention": α}`` in an export is α, not a family).
2. A family defined here, in the test — a decoder with uniform attention — appears in the CLI's
   choices, the Train page's picker, Translate and the zoo's listing without touching a page.
3. The import graph of ``seq2seq/`` has no cycle (imports inside functions count), and no floor
   imports a floor above it: base → data → core → training → analysis → figures → ui.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

from seq2seq.core import checkpoint, families
from seq2seq.core.families import Family, base
from seq2seq.core.rnn import RNNConfig, RNNSeq2Seq, decoder_latex
from seq2seq.core.search import trace

from .apptest import app
from .conftest import REPO

SOURCES = sorted([REPO / "app.py", *(REPO / "pages").glob("*.py"), *(REPO / "seq2seq").rglob("*.py")])
FAMILY_MODULES = REPO / "seq2seq" / "core" / "families"
CONTRACT = REPO / "seq2seq" / "core" / "model.py"  # ModelConfig checks its decoder field against its family


# --- 1. no branch on a family's name ----------------------------------------------------------------


def _is_name(node: ast.AST, names: set[str]) -> bool:
    return isinstance(node, ast.Constant) and node.value in names


def _mentions_decoder(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "decoder" and not isinstance(node.ctx, ast.Store)


def name_branches(source: str, names: set[str]) -> list[tuple[int, str]]:
    """(line, what) for every place in ``source`` that decides by a family's name, a line once."""
    found: dict[int, str] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            for side in sides:
                elements = side.elts if isinstance(side, (ast.Tuple, ast.List, ast.Set)) else [side]
                if any(_is_name(e, names) for e in elements):
                    found.setdefault(node.lineno, "compares with a family's name")
                if _mentions_decoder(side):
                    found.setdefault(node.lineno, "compares a config's decoder")
        elif isinstance(node, ast.Dict) and sum(k is not None and _is_name(k, names) for k in node.keys) >= 2:
            found.setdefault(node.lineno, "a dict keyed by families' names")
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_name(node.slice, names):
            found.setdefault(node.lineno, "looks up a family's name as a key")
    return sorted(found.items())


def test_the_check_finds_every_kind_of_branch():
    names = {"vanilla", "transformer"}
    code = """
if cfg.decoder == "vanilla": pass
if "transformer" in kinds: pass
if cfg.decoder != other: pass
colours = {"vanilla": "red", "transformer": "green"}
x = times["transformer"]
ok = {"decoder": "vanilla"}  # a value, not a key: a recipe naming its family
label = t(cfg.decoder)
out["transformer"] = 1  # writing a JSON key
"""
    assert [line for line, _ in name_branches(code, names)] == [2, 3, 4, 5, 6]


def test_no_code_outside_the_family_modules_branches_on_a_familys_name():
    names = set(families.names())
    offenders = []
    for path in SOURCES:
        if FAMILY_MODULES in path.parents or path == CONTRACT:
            continue
        for line, what in name_branches(path.read_text(), names):
            offenders.append(f"{path.relative_to(REPO)}:{line}: {what}")
    assert not offenders, "ask the family (cfg.family) instead:\n" + "\n".join(offenders)


# --- 2. a family defined here appears everywhere -------------------------------------------------------


@pytest.fixture(scope="module")
def uniform():
    """The family, registered while this module's tests run (defined at import it would be in
    every other test's registry too, and their lists of families would grow)."""

    @dataclass
    class UniformConfig(RNNConfig):
        """The vanilla RNN's fields; its decoder reads the mean of the h_i instead of h_T."""

    class UniformModel(RNNSeq2Seq):
        """c_t = Σ_i α_{t,i} h_i with α_{t,i} = 1/S at every step: attention that never chooses."""

        def encode(self, src, src_len):
            enc, state = super().encode(src, src_len)
            enc.c = (enc.h * self._uniform(enc)[:, :, None]).sum(1)  # (B, D): what every step reads
            return enc, state

        def decode_step(self, y_prev, state, enc, alpha=None, rows=None):
            step = super().decode_step(y_prev, state, enc, None, rows)
            step.alpha = self._uniform(enc)  # (B, S)
            return step

        def forward(self, batch, *args, **kwargs):
            logits, _ = super().forward(batch, *args, **kwargs)  # (B, T, V)
            mask = (batch.src != 0).float()  # (B, S)
            return logits, (mask / mask.sum(1, keepdim=True))[:, None, :].expand(-1, logits.size(1), -1)

        def forced_states(self, batch):
            enc, s, _ = super().forced_states(batch)  # s (B, T, D)
            return enc, s, self._uniform(enc)[:, None, :].expand(-1, s.size(1), -1)

        @staticmethod
        def _uniform(enc) -> torch.Tensor:
            weights = enc.mask.float()
            return weights / weights.sum(1, keepdim=True)

    class Uniform(Family):
        name = "uniform"
        config = UniformConfig
        order = 25
        labels = ("uniform attention", "均匀注意力")
        descriptions = ("every α_{t,i} = 1/S", "每个 α_{t,i} = 1/S")
        colour = "#17becf"
        alpha = True
        recurrent = True

        @classmethod
        def build(cls, cfg):
            return UniformModel(cfg)

        @classmethod
        def width(cls, cfg):
            return cfg.cell.upper(), cfg.hidden

        @classmethod
        def decoder_latex(cls, cfg):
            return decoder_latex(cfg).replace("c", r"\bar h")

    yield Uniform
    del base._REGISTRY[Uniform.name]  # (the registry has no way to forget a family: only a test needs one)


@pytest.fixture(scope="module")
def uniform_folder(uniform, tmp_path_factory, tokenizer) -> Path:
    """A folder with one checkpoint of the uniform family (untrained: only its shape matters)."""
    folder = tmp_path_factory.mktemp("uniform")
    shipped = checkpoint.load(REPO / "checkpoints" / "reverse-attention.safetensors")
    torch.manual_seed(0)
    cfg = families.make_config("uniform", shipped.tokenizer.vocab_size, emb_dim=8, hidden=8)
    model = families.build(cfg).eval()
    card = shipped.card
    checkpoint.save(checkpoint.Checkpoint(model, shipped.tokenizer, shipped.task, card), folder / "uniform.safetensors")
    return folder


@pytest.fixture(scope="module")
def tokenizer():
    return checkpoint.load(REPO / "checkpoints" / "reverse-attention.safetensors").tokenizer


def test_a_new_family_is_one_class(uniform, uniform_folder):
    assert "uniform" in families.names() and families.names().index("uniform") == 2  # by its order
    loaded = checkpoint.load(uniform_folder / "uniform.safetensors")
    assert loaded.model.cfg.family is uniform and isinstance(loaded.model.cfg, uniform.config)
    result = trace(loaded.model, loaded.tokenizer, "abc")
    assert result.has_attention and all(abs(sum(s.alpha) - 1) < 1e-6 for s in result.steps)
    assert result.steps[0].alpha == pytest.approx([1 / 4] * 4)  # a, b, c, </s>


def test_a_new_family_is_in_the_clis_choices(uniform, capsys):
    from seq2seq import cli

    with pytest.raises(SystemExit):
        cli.main(["train", "--help"])
    assert "uniform" in capsys.readouterr().out


def test_a_new_family_is_in_the_train_pages_picker(uniform):
    at = app()
    at.run()
    at.switch_page("pages/train.py")
    at.run()
    assert not at.exception, at.exception
    assert "uniform attention" in at.selectbox(key="tr_decoder").options  # in the family's own words


def test_a_new_family_opens_on_translate_and_in_the_zoo(uniform_folder, monkeypatch):
    from seq2seq.training import zoo

    index = zoo.write_index(uniform_folder).read_text()
    assert "| `uniform` |" in index and "| uniform |" in index
    from seq2seq.ui import models

    monkeypatch.setattr(models, "CHECKPOINT_DIR", uniform_folder)
    at = app(model="uniform", src="abc")
    at.run()
    at.switch_page("pages/translate.py")
    at.run()
    assert not at.exception, at.exception
    shown = json.dumps([e.proto.body for e in at.get("markdown")], ensure_ascii=False)
    assert "uniform attention" in shown  # the family's own words describe the model


# --- 3. floors that import downwards, and no cycle ---------------------------------------------------

FLOORS = {"data": 1, "core": 2, "training": 3, "analysis": 4, "figures": 5, "ui": 6}
BASE = {"seq2seq", "seq2seq.runtime", "seq2seq.limits", "seq2seq.errors", "seq2seq.i18n", "seq2seq.workers"}
TOP = {"seq2seq.cli", "seq2seq.__main__"}  # the entry points may use every floor


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def floor(module: str) -> int:
    if module in TOP:
        return 99
    if module in BASE:
        return 0
    return FLOORS[module.split(".")[1]]


def _runtime_nodes(tree: ast.AST):
    """Every node but those under ``if TYPE_CHECKING:`` (annotations only, never imported)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            continue
        yield node
        yield from _runtime_nodes(node)


def import_graph() -> dict[str, set[str]]:
    """seq2seq module -> the seq2seq modules it imports anywhere (module level or inside a function)."""
    modules = {module_name(p): p for p in (REPO / "seq2seq").rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges = set()
        for node in _runtime_nodes(ast.parse(path.read_text())):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and not name.startswith(target + "."):  # a package's own parents
                    edges.add(target)
        graph[name] = edges
    return graph


def test_the_import_graph_has_no_cycle():
    graph = import_graph()
    state: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])


def test_no_floor_imports_a_floor_above_it():
    upward = [
        f"{a} (floor {floor(a)}) imports {b} (floor {floor(b)})"
        for a, targets in import_graph().items()
        for b in targets
        if floor(b) > floor(a)
    ]
    assert not upward, "\n".join(upward)


def test_the_core_and_the_figures_stay_in_their_rooms():
    graph_text = {module_name(p): p.read_text() for p in (REPO / "seq2seq").rglob("*.py")}
    for name, text in graph_text.items():
        imported = {
            (a.name if isinstance(node, ast.Import) else node.module or "").split(".")[0]
            for node in ast.walk(ast.parse(text))
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for a in node.names
        }
        if floor(name) < FLOORS["figures"] or name in BASE:
            assert not imported & {"streamlit", "plotly"}, f"{name} is core: no streamlit, no plotly"
        if name.startswith("seq2seq.figures"):
            assert not imported & {"streamlit", "torch"}, f"{name}: figures are pure (no streamlit, no torch)"
