"""The Train page in streamlit.testing: a training in the background, its model usable on
every page, attention variants and the three families, impossible settings explained."""

import json

from streamlit.testing.v1 import AppTest

from seq2seq.core import families

from .apptest import open_page, texts


def shelf(at: AppTest):
    """The AppTest session's browser shelf: its session models and training (seq2seq/ui/store.py)."""
    from seq2seq.ui import models

    return models._shelves().shelf(at.session_state["_browser_id"])


def train_button(at: AppTest):
    return next(b for b in at.button if b.label == "▶ Train")


def finish_training(at: AppTest) -> AppTest:
    job = shelf(at).state["train_job"]
    for _ in range(240):  # the page's heartbeat, as an open tab sends it (a loaded machine may be slow)
        job.beat()
        job.join(0.5)
        if job.finished:
            break
    at.run()
    assert not at.exception, at.exception
    return job


def test_train_page_trains_and_the_model_is_usable_everywhere():
    at = open_page("pages/train.py")
    assert at.selectbox(key="train_task").value == "reverse"
    at.number_input(key="tr_hidden").set_value(16)
    at.number_input(key="tr_seconds").set_value(5)
    at.number_input(key="tr_n_train").set_value(2000)
    train_button(at).click().run()
    job = finish_training(at)
    assert job.state == "done" and "attention" in job.results
    assert "now in the sidebar" in texts(at)
    name = next(iter(shelf(at).models))
    assert name.startswith("★ reverse-attention")
    at.button(key="use-attention").click().run()
    at.switch_page("pages/translate.py")
    at.run()
    assert not at.exception and at.session_state["model"] == name


def test_train_both_and_impossible_settings():
    at = open_page("pages/train.py")
    at.selectbox(key="tr_tokenizer").set_value("sentencepiece")
    at.number_input(key="tr_vocab").set_value(10)
    train_button(at).click().run()
    assert "cannot train" in texts(at) and "at least" in texts(at)
    assert "train_job" not in shelf(at).state


def test_train_page_trains_an_attention_variant_and_draws_alignment_under_the_loss():
    at = open_page("pages/train.py")
    at.number_input(key="tr_hidden").set_value(16)
    at.number_input(key="tr_seconds").set_value(5)
    at.number_input(key="tr_n_train").set_value(2000)
    at.selectbox(key="tr_placement").set_value("luong")
    at.selectbox(key="tr_score").set_value("general")
    at.selectbox(key="tr_norm").set_value("sparsemax")
    train_button(at).click().run()
    job = finish_training(at)
    cfg = job.results["attention"].model.cfg
    assert (cfg.placement, cfg.score, cfg.attention_norm) == ("luong", "general", "sparsemax")
    assert cfg.variant == "luong+general+sparsemax" and job.results["attention"].card.variant == cfg.variant
    rows = job.results["attention"].card.history.valid
    assert rows and all("attention_entropy" in r and "aer" in r for r in rows)
    keys = {c.key for c in at.get("plotly_chart")}
    assert {"live_loss", "live_align", "replay_alignment"} <= keys  # entropy/AER under the loss, and in the replay


def test_train_page_trains_all_three_families_with_one_budget():
    at = open_page("pages/train.py")
    at.number_input(key="tr_hidden").set_value(16)
    at.number_input(key="tr_seconds").set_value(5)
    at.number_input(key="tr_n_train").set_value(1000)
    at.selectbox(key="tr_together").set_value("three")
    train_button(at).click().run()
    job = finish_training(at)
    assert list(job.results) == ["vanilla", "attention", "transformer"]
    cfg = job.results["transformer"].model.cfg
    assert (cfg.decoder, cfg.d_model, cfg.heads) == ("transformer", 16, 4)
    live = next(c for c in at.get("plotly_chart") if c.key == "live_loss")
    assert len(json.loads(live.proto.spec)["data"]) >= 3  # a curve per family
    at.session_state["lang"] = "zh"  # the legends follow the reader's language: no English name left
    at.run()
    live = next(c for c in at.get("plotly_chart") if c.key == "live_loss")
    legends = {trace.get("name") for trace in json.loads(live.proto.spec)["data"]} - {None}
    families_zh = {families.get(name).label("zh") for name in ("vanilla", "attention", "transformer")}
    assert families_zh <= legends and not legends & {"vanilla", "attention", "transformer"}, legends


def test_train_page_explains_an_impossible_variant():
    at = open_page("pages/train.py")
    at.selectbox(key="tr_score").set_value("dot")
    at.checkbox(key="tr_coverage").check()
    train_button(at).click().run()
    assert "cannot train" in texts(at) and "additive" in texts(at)
    assert "train_job" not in shelf(at).state


def test_a_training_stays_alive_and_visible_from_other_pages():
    at = open_page("pages/train.py")
    train_button(at).click().run()
    at.switch_page("pages/translate.py")
    at.run()
    job = shelf(at).state["train_job"]
    try:
        assert not at.exception
        assert any("Training" in c.value for c in at.sidebar.caption)
    finally:
        job.stop()
        job.join(60)
