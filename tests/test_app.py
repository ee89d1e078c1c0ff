"""App tests with streamlit.testing: every page runs without an exception and shows what it should."""

import html
import json
import re
from urllib.parse import urlencode

import pytest
from streamlit.testing.v1 import AppTest

from seq2seq.analysis.experiments import StepTimes, same_width, step_times
from seq2seq.core.model import ModelConfig
from seq2seq.figures import FORCED
from seq2seq.ui.lecture import SECTIONS

from .conftest import REPO

TIMEOUT = 60


def app(**query) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def open_page(page: str, **query) -> AppTest:
    """The app opened on ``page`` with ``query`` in the link, run without an exception."""
    at = app(**query)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def open_translate(**query) -> AppTest:
    return open_page("pages/translate.py", **query)


def open_why_not(at: AppTest) -> AppTest:
    """Translate's "why not this answer?" opened (drawn only while open), as a click on it does."""
    at.session_state["why_not"] = True
    at.run()
    assert not at.exception, at.exception
    return at


def boxes(at, kind: str | None = None) -> list[str]:
    """The texts in the pages' output and answer boxes (seq2seq.ui.text.box_html), of ``kind``."""
    found = []
    for element in at.get("html"):
        body = element.proto.body
        match = re.search(r'class="text-box box-(\w+)"', body)
        if match and kind in (None, match.group(1)):
            found.append(html.unescape(re.sub(r"<[^>]+>", "", body)))
    return found


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.code] + boxes(at) + [c.value for c in at.caption]
    parts += [e.value for e in [*at.error, *at.warning, *at.info, *at.success]]
    return "\n".join(str(p) for p in parts)


def test_home_page_and_sidebar():
    at = app()
    at.run()
    assert not at.exception
    assert at.title[0].value == "Attention Lab"
    picker = at.sidebar.selectbox(key="model")
    assert "reverse-attention" in picker.options and "reverse-vanilla" in picker.options
    assert picker.value == "reverse-attention"
    assert "decoder **attention (additive)**" in texts(at)
    # a newcomer finds every page from here, not only from the sidebar
    linked = {link.proto.label.split(" — ")[0] for link in at.get("page_link")}
    assert {"Lecture", "Translate", "Beam search", "Compare", "Train", "Explain", "States", "Errors"} <= linked


def test_translate_decodes_the_default_input():
    at = open_translate()
    assert at.text_input(key="src").value == "attention"
    assert "noitnetta" in texts(at)
    assert "✓ the output is right" in texts(at)
    charts = {c.key for c in at.get("plotly_chart")}
    assert {"heatmap", "flow", "alpha_bars", "topk", "context"} == charts  # "why not?" is closed: not drawn
    open_why_not(at)
    charts = {c.key for c in at.get("plotly_chart")}
    assert {"heatmap", "flow", "alpha_bars", "topk", "context", "target_probs", "target_heatmap"} == charts


def test_query_parameters_fill_the_page():
    at = open_translate(model="reverse-attention", src="lecture", step="3")
    assert at.text_input(key="src").value == "lecture"
    assert at.slider(key="step").value == 3
    assert "t = 3" in texts(at)


def test_moving_the_step_updates_the_view():
    at = open_translate(src="lecture")
    at.slider(key="step").set_value(5).run()
    assert not at.exception
    assert "t = 5" in texts(at)
    # a shorter input clamps the step instead of failing
    at.text_input(key="src").set_value("abc").run()
    assert not at.exception
    assert at.slider(key="step").value == 4


def test_vanilla_model_explains_that_it_has_no_attention():
    at = open_translate(model="reverse-vanilla", src="abcdef")
    assert "no attention" in texts(at)
    assert {c.key for c in open_why_not(at).get("plotly_chart")} == {"flow", "topk", "context", "target_probs"}


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("", "Type an input"),
        ("   ", "Type an input"),
        ("a" * 10_000, "accepts at most"),
        ("héllo🙂", "Not in this model's vocabulary"),
        ("abcdefghijklmnopqrstuvwxyzabcdefghij", "trained on inputs of 3–24"),
        ("a\x00b", "U+0000"),
    ],
)
def test_bad_input_gets_a_clear_message(src, message):
    at = open_translate()
    at.text_input(key="src").set_value(src).run()
    assert not at.exception
    assert message in texts(at)


def test_unknown_model_in_the_link_falls_back_to_the_default():
    at = open_translate(model="no-such-model", src="abc")
    assert at.session_state["model"] == "reverse-attention"
    assert "cba" in texts(at)


def test_previous_and_next_move_the_step():
    at = open_translate(src="lecture", step="3")
    at.button(key="next").click().run()
    assert at.slider(key="step").value == 4 and "t = 4" in texts(at)
    at.button(key="prev").click().run()
    at.button(key="prev").click().run()
    assert at.slider(key="step").value == 2
    assert not at.exception


def test_play_from_the_end_hands_the_whole_decode_to_the_browser_from_step_one():
    at = open_translate(src="abc", step="4")  # "cba</s>": the last step
    at.button(key="play").click().run()
    assert not at.exception
    assert at.session_state["playing"] is True and at.session_state["_play_from"] == 1
    assert "step" not in [s.key for s in at.slider]  # the animated figure replaces the control while it plays
    assert at.get("plotly_chart")  # the animation, sent once


def test_forcing_an_alternative_changes_the_output_and_undo_restores_it():
    at = open_translate(src="lecture", step="1")
    assert "erutcel" in texts(at)
    force = next(b for b in at.button if b.key and b.key.startswith("force-1-") and not b.disabled)
    force.click().run()
    assert not at.exception
    assert "forced" in texts(at)
    (output,) = (h for h in at.get("html") if "box-output" in h.proto.body)  # the forced token marked
    assert 'class="token-forced"' in output.proto.body and FORCED in output.proto.body
    assert boxes(at, "answer") == ["erutcel"]  # the correct answer; the output differs from it
    assert "force" in at.query_params
    at.button(key="undo").click().run()
    assert boxes(at, "answer") == ["erutcel"] and not boxes(at, "output")  # the output is right again


def test_a_bad_force_in_the_link_is_explained():
    at = open_translate(src="abc", force="40:5")
    assert "does not apply" in texts(at) and "cba" in texts(at)


def test_scoring_a_typed_target():
    at = open_why_not(open_translate(src="lecture"))
    at.text_input(key="target").set_value("lecture").run()
    assert not at.exception
    assert "log p(y | x)" in texts(at)
    at.text_input(key="target").set_value("a" * 5000).run()
    assert not at.exception and "more than" in texts(at)


def test_gold_alignment_and_its_aer_are_shown():
    at = open_translate(src="attention")
    assert "AER of this example" in texts(at)


def test_export_buttons():
    at = open_translate(src="abc")
    assert not at.get("download_button")  # the Export expander is closed: nothing in it is drawn
    at.session_state["export"] = True  # opened, as a click on it does
    at.run()
    labels = [b.label for b in at.get("download_button")]
    assert "Alignment α (CSV)" in labels and "The whole trace (JSON)" in labels


@pytest.mark.parametrize("model", ["translate-attention", "dates-attention", "numbers-vanilla", "sort-attention"])
def test_every_kind_of_model_opens(model):
    at = open_translate(model=model)
    assert not at.exception
    assert at.session_state["model"] == model


def test_beam_page_shows_tree_nbest_and_the_winner():
    at = open_page("pages/beam.py", src="lecture", beam="4")
    assert at.number_input(key="beam_width").value == 4
    assert {c.key for c in at.get("plotly_chart")} >= {"tree", "node_heatmap"}
    assert "erutcel" in boxes(at)
    assert "Selected hypothesis" in texts(at) and "winner" in texts(at)
    assert len(at.dataframe[0].value) >= 1


@pytest.mark.parametrize(("beam", "used"), [("0", 1), ("1000", 16), ("-5", 1)])
def test_beam_width_outside_the_range_is_clamped_with_a_note(beam, used):
    at = open_page("pages/beam.py", src="abc", beam=beam)
    assert at.number_input(key="beam_width").value == used
    assert "outside 1–16" in texts(at)


def test_beam_side_by_side_and_vanilla():
    at = open_page("pages/beam.py", src="abcdef", model="reverse-vanilla")
    assert "no α" in texts(at)
    at.toggle(key="side_by_side").set_value(True).run()
    assert not at.exception and "other_tree" in {c.key for c in at.get("plotly_chart")}


def test_beam_bad_input():
    at = open_page("pages/beam.py")
    at.text_input(key="src").set_value("a" * 10_000).run()
    assert not at.exception and "at most" in texts(at)


def test_beam_shows_the_correct_answer_and_offers_an_input_where_beam_beats_greedy():
    from seq2seq.ui import models

    models._results.clear()  # forget what earlier tests searched: the page offers to search
    at = open_page("pages/beam.py", model="reverse-vanilla")
    assert "Correct answer" in texts(at) and "✅ correct" in texts(at)  # greedy and beam agree on the default
    find = at.button(key="beam_example_find")
    assert "beats greedy" in find.label
    at.number_input(key="beam_width").set_value(2)
    find.click().run()  # searches (cached per model), then opens the example with the width it was found at
    assert not at.exception, at.exception
    src = at.text_input(key="src").value
    assert src != "attention" and at.query_params["src"] in (src, [src])
    assert at.number_input(key="beam_width").value == 5
    shown = texts(at)
    assert "❌ wrong" in shown and "✅ correct" in shown and ":red[" in shown  # greedy wrong, beam right
    assert "Greedy is wrong, the beam is right." in shown and "differs from greedy" in shown
    # another input: the offer is one click away, without searching again
    at.text_input(key="src").set_value("lecture").run()
    at.button(key="beam_example_try").click().run()
    assert at.text_input(key="src").value == src


def test_beam_says_when_no_input_beats_greedy():
    at = open_page("pages/beam.py", model="numbers-vanilla")
    at.button(key="beam_example_find").click().run()
    assert not at.exception and "there is none where beam search (width 5) beats greedy" in texts(at)


def test_beam_node_in_the_link_selects_it_and_a_bad_one_is_ignored():
    at = open_page("pages/beam.py", src="lecture", node="3")
    assert at.session_state["beam_node"] == 3 and "Selected hypothesis** (step 1" in texts(at)
    for bad in ("99999", "abc", "-1", "0"):
        at = open_page("pages/beam.py", src="lecture", node=bad)
        assert not at.exception and "winner" in texts(at)  # the winner is selected instead
        assert "node" not in at.query_params


def test_compare_and_translate_note_an_input_longer_than_the_training_inputs():
    word = "pneumonoultramicroscopicsilicovolcanoconiosis"[:44]
    note = "trained on inputs of 3–24 characters; yours has 44"
    at = open_page("pages/compare.py", src=word)
    assert texts(at).count(note) == 2  # under each model
    at = open_translate(src=word)
    assert note in texts(at)


def test_translate_marks_wrong_tokens_red_and_shows_the_whole_answer():
    at = open_translate(model="reverse-vanilla", src="abcdefghijklmnopqrst")
    assert ":red[" in texts(at) and "the output is wrong" in texts(at)
    assert boxes(at, "answer") == ["tsrqponmlkjihgfedcba"]
    (answer,) = (h for h in at.get("html") if "box-answer" in h.proto.body)
    assert "white-space:pre-wrap" in answer.proto.body  # a long answer wraps: shown whole


def test_compare_defaults_to_the_task_pair_and_draws_the_bottleneck():
    at = open_page("pages/compare.py", src="abcdefghijklmnopqrst")
    assert at.selectbox(key="left").value == "reverse-vanilla"
    assert at.selectbox(key="right").value == "reverse-attention"
    keys = {c.key for c in at.get("plotly_chart")}
    assert {"context-left", "context-right", "length_curve", "loss_curves"} <= keys
    assert "✅ correct" in texts(at) and "❌ wrong" in texts(at)  # attention right, vanilla wrong on 20 letters


def test_compare_generates_an_input_of_a_chosen_length():
    at = open_page("pages/compare.py")
    at.slider(key="gen_len").set_value(30).run()
    at.button[0].click().run()
    assert not at.exception and len(at.text_input(key="src").value) == 30


def test_compare_refuses_a_mismatched_pair():
    at = open_page("pages/compare.py", left="reverse-vanilla", right="copy-attention")
    assert "cannot be compared" in texts(at)


def test_compare_any_pair_of_one_task():
    at = open_page("pages/compare.py", left="reverse-attention-dot", right="reverse-attention", src="lecture")
    assert "cannot be compared" not in texts(at)


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


# --- lecture, languages, presentation mode ------------------------------------------------------


def latex(at) -> list[str]:
    return [e.value.strip("$\n") for e in at.latex]  # Streamlit wraps the TeX in $$ … $$


def sections(at) -> list[str]:
    """The Lecture page's section headers (the sidebar's "Model" header left out)."""
    return [h.value for h in at.header if " · " in h.value]


def test_lecture_page_fills_every_section_with_the_models_numbers():
    at = open_page("pages/lecture.py", model="reverse-attention", src="lecture", step="2")
    assert [h.split(" · ")[0] for h in sections(at)] == list(SECTIONS)
    shown = "\n".join(latex(at))
    assert r"c = h_T" in shown and "c = (" in shown  # the equation, then c's numbers
    assert "s_{2} = (" in shown  # the decoder state at the step in the link
    assert r"\mathcal{L} = " in shown.replace(r"\mathcal{L} = -", "")  # a computed loss
    assert "c_{2} = (" in shown  # the context the model used at step 2
    assert "This input has **T = 8** tokens" in texts(at)  # 7 letters + </s>
    assert r"\alpha_{t,i}$ = **1.0000**" in texts(at)  # α sums to one, shown with the numbers
    # the recomputed Σ α h equals the model's c_t
    rows = [s for s in latex(at) if "h_i = (" in s or s.startswith("c_{2} = (")]
    numbers = [s.split("(")[1].split(")")[0] for s in rows]
    assert len(numbers) == 2 and numbers[0] == numbers[1]


def test_lecture_asks_whether_attention_is_an_explanation():
    at = open_page("pages/lecture.py", present="1", model="reverse-attention-scaled-dot", src="attention",
                   section="7", step="3")  # fmt: skip
    assert sections(at) == ["7 · Is attention an explanation?"]
    said = texts(at)
    # this model's α looks one position off: at step 3 (y = i) α is on "o", occlusion on "i"
    assert "α looks most at **o**" in said and "occlusion says $y_t$ depends most on **i**" in said
    assert re.search(r"Kendall τ = \*\*-?\d\.\d\d\*\*", said)
    assert re.search(r"changes \$y_\{3\}\$ in \*\*\d+ of 10\*\* draws", said)
    assert at.button(key="next").disabled is False  # a section that steps
    zh = open_page("pages/lecture.py", present="1", model="reverse-vanilla", src="attention", section="7", lang="zh")
    assert sections(zh) == ["7 · 注意力是解释吗？"]
    assert any("没有单一的 α" in i.value for i in zh.info)  # a vanilla model: attributions, no α


def test_lecture_teacher_forcing_table_uses_an_input_the_model_gets_wrong():
    at = open_page("pages/lecture.py", model="reverse-vanilla", src="abc")
    assert "An input of the training lengths (3–24 characters) on which this model errs" in texts(at)
    assert "Free running goes wrong first at **t = " in texts(at)
    assert "the attention section uses **reverse-attention" in texts(at)  # vanilla: attention from its sibling
    table = at.dataframe[1].value
    assert "  ✗" in "".join(map(str, table.iloc[:, -1]))


def test_lecture_switching_the_score_function():
    at = open_page("pages/lecture.py", model="reverse-attention", src="encoder")
    picker = at.selectbox(key="att_score")  # score functions, not checkpoint names
    assert set(picker.options) >= {"additive", "dot", "general", "scaled dot"}
    assert picker.value == "additive" and at.query_params["att"] in ("additive", ["additive"])
    picker.set_value("dot").run()
    assert not at.exception
    assert any(r"e_{t,i} = s_{t-1}^{\top} h_i" in s for s in latex(at))
    assert at.query_params["att"] in ("dot", ["dot"])
    # an older link names the model: it still opens its score function; in 中文 the names are Chinese
    at = open_page("pages/lecture.py", model="reverse-attention", src="encoder", att="reverse-attention-dot", lang="zh")
    picker = at.selectbox(key="att_score")
    assert picker.value == "dot" and "点积" in picker.options


def test_lecture_picks_an_attention_variant_with_its_equation():
    at = open_page("pages/lecture.py", model="reverse-attention", src="encoder", att="luong+general")
    picker = at.selectbox(key="att_score")
    assert picker.value == "luong+general" and "Luong, general" in picker.options
    shown = latex(at)
    assert any(r"e_{t,i} = s_t^{\top} W h_i" in s for s in shown)  # Luong attends from s_t, after the step
    assert any(r"\alpha_{t,i} = \frac{\exp(e_{t,i})}" in s for s in shown)
    at = open_page("pages/lecture.py", model="reverse-luong", src="encoder", lang="zh")
    assert any(r"\tilde h_t = \tanh(W_c" in s for s in latex(at))  # §2: Luong's decoder, from the config
    picker = at.selectbox(key="att_score")
    assert picker.value == "luong+general" and "Luong 式, 一般（双线性）" in picker.options


def test_chinese_everywhere_from_the_link():
    for page in ("pages/home.py", "pages/lecture.py", "pages/translate.py", "pages/beam.py", "pages/compare.py",
                 "pages/train.py"):  # fmt: skip
        at = open_page(page, lang="zh")
        assert at.session_state["lang"] == "zh"
        shown = texts(at) + "".join(x.label for x in [*at.text_input, *at.selectbox, *at.button, *at.slider])
        assert re.search(r"[\u4e00-\u9fff]", shown), page
        for english in ("Input x", "Decoding step t", "Beam width", "Left model", "Time budget"):
            assert english not in shown, (page, english)


def test_language_switch_in_the_sidebar_and_presentation_mode():
    at = app(model="reverse-attention", src="abc")
    at.run()  # Home: AppTest sees the sidebar's widgets on the entry page
    assert "Watch a sequence-to-sequence model work" in texts(at)
    at.segmented_control(key="lang").set_value("zh").run()
    assert "观察一个序列到序列模型" in texts(at) and at.query_params["lang"] in ("zh", ["zh"])
    at.toggle(key="present").set_value(True).run()
    assert at.query_params["present"] in ("1", ["1"])
    at.switch_page("pages/translate.py")
    at.run()
    assert not at.exception and at.title[0].value == "逐步解码"
    assert not [e for e in at.expander if "导出" in e.label]  # an advanced control: hidden when presenting


def test_lecture_beam_section_offers_the_example():
    at = open_page("pages/lecture.py", present="1", model="reverse-vanilla", section="4")
    keys = {b.key for b in at.button}  # "find" the first time in this process, then "try" (cached per model)
    at.button(key="beam_example_find" if "beam_example_find" in keys else "beam_example_try").click().run()
    assert not at.exception and at.text_input(key="src").value != "attention"
    assert "This input makes the point" in texts(at) and "Greedy is wrong, the beam is right." in texts(at)


def test_presentation_mode_from_the_link_shows_one_section():
    at = open_page("pages/lecture.py", present="1", model="reverse-attention", src="abc")
    assert at.session_state["present"] is True
    assert len(sections(at)) == 1
    at.button(key="next_section").click().run()
    assert sections(at) == ["2 · Decoder: one token per step"]
    assert at.query_params["section"] in ("2", ["2"])  # a link reopens this slide
    again = open_page("pages/lecture.py", present="1", model="reverse-attention", src="abc", section="6")
    assert [h.split(" · ")[0] for h in sections(again)] == ["6"]


def measured_small() -> StepTimes:
    """Real step times of two tiny models (fast), for the pages to draw and describe."""
    base = ModelConfig(vocab_size=12, decoder="transformer", layers=1, heads=2, d_model=16, ff_dim=16)
    return step_times(same_width(base, longest=16), lengths=(4, 8, 16), batch_size=2, repeats=1)


def test_lecture_transformer_section_shows_one_heads_numbers_and_the_measured_step_times():
    at = app(model="reverse-attention", src="attention", present="1", section="8", step="3")
    times = measured_small()
    at.session_state["_step_times"] = {"reverse-transformer": times}  # as the ▶ Measure button leaves it
    at.run()
    at.switch_page("pages/lecture.py")
    at.run()
    assert not at.exception, at.exception
    assert sections(at) == ["8 · Beyond the notes: attention without recurrence"]
    assert "this section uses **reverse-transformer**" in texts(at)  # the sidebar's model is an RNN
    shown = latex(at)
    block = next(s for s in shown if s.startswith(r"\begin{aligned}"))  # the three forms, one row each
    forms = block.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}").replace("&= (", "= (").split(r" \\ ")
    assert len(forms) == 3, shown  # softmax(qKᵀ/√d_k)V, Σ α v_i and W_V c_t + b_V, with numbers
    assert [f.split(" = (")[0] for f in forms] == [
        r"\mathrm{softmax}(q_{3} K^\top/\sqrt{16})\,V",
        r"\textstyle\sum_i \alpha_{3,i}\, v_i",
        r"W_V\, c_{3} + b_V",
    ]
    numbers = {s.split("= (")[1] for s in forms}
    assert len(numbers) == 1  # the same numbers three ways
    assert "float rounding" in texts(at)
    picker = at.selectbox(key="qkv_head")
    assert picker.value == "L2H1" and "layer 1, head 4" in picker.options  # the last layer first
    charts = {c.key for c in at.get("plotly_chart")}
    assert {"lecture_qkv", "lecture_causal", "lecture_heads", "lecture_step_times"} <= charts
    text = texts(at)
    n0, n1 = times.lengths[0], times.lengths[-1]
    assert f"From {n0} to {n1} tokens a training step went from {times.ms['attention'][0]:.0f}" in text
    assert ("faster." in text) != ("slower." in text)  # one verdict, from the numbers
    at.button(key="run_step_times")  # the button that measures again is there
    picker.set_value("L1H2").run()
    assert not at.exception and next(s for s in latex(at) if s.startswith(r"\begin{aligned}")) != block


def test_lecture_transformer_section_in_chinese_on_the_transformer_itself():
    at = app(model="reverse-transformer", src="attention", present="1", section="8", lang="zh")
    at.session_state["_step_times"] = {"reverse-transformer": measured_small()}
    at.run()
    at.switch_page("pages/lecture.py")
    at.run()
    assert not at.exception, at.exception
    assert sections(at) == ["8 · 讲义之后：没有循环的注意力"]
    text = texts(at)
    assert "本节使用" not in text  # the sidebar's model is the Transformer itself
    assert "一个训练步的时间" in text and "毫秒" in text
    for english in ("Beyond the notes", "training step", "float rounding", "Measure"):
        assert english not in text + "".join(b.label for b in at.button), english
    assert "第 2 层，第 1 个头" in at.selectbox(key="qkv_head").options


def test_lecture_transformer_section_without_a_transformer_says_so():
    at = open_page("pages/lecture.py", model="sort-attention", src="abc", present="1", section="8")
    assert "No Transformer reads this task's inputs" in texts(at)


# --- links to models that are not here ------------------------------------------------------------


def test_a_link_to_a_missing_model_says_what_it_shows_instead():
    at = open_translate(model="no-such-model", src="abc")
    shown = at.session_state["model"]
    warning = "\n".join(w.value for w in at.warning)
    assert "no-such-model" in warning and shown in warning
    at.sidebar.selectbox(key="model").select("reverse-vanilla").run()  # the reader chose: the notice has served
    assert not any("no-such-model" in w.value for w in at.warning)


def test_a_link_to_another_browsers_session_model_explains_why():
    at = open_translate(model="★ reverse-attention", src="abc")
    warning = "\n".join(w.value for w in at.warning)
    assert "★ reverse-attention" in warning and "browser" in warning


def test_compare_one_model_against_itself():
    at = open_page("pages/compare.py", left="reverse-attention", right="reverse-attention", src="lecture")
    assert not at.exception
    at = open_page("pages/compare.py", left="reverse-attention", right="nope", src="lecture")
    assert any("nope" in w.value for w in at.warning)


def test_an_output_that_is_no_date_is_named():
    at = open_translate(model="dates-attention", src="tomorrow")  # the model writes 1931-00-00
    assert boxes(at, "output") == ["1931-00-00"]
    assert any("not a date that exists" in w.value for w in at.warning)
    at = open_translate(model="dates-attention", src="hello")  # 2077-07-07: a date, but not of its years
    assert any("outside the years" in w.value for w in at.warning)


def open_explain(**query) -> AppTest:
    return open_page("pages/explain.py", **query)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_explain_shows_alpha_beside_an_attribution_and_intervenes(lang):
    at = open_explain(model="reverse-attention-scaled-dot", src="attention", step="3", method="occlusion", lang=lang)
    assert at.slider(key="step").value == 3
    assert at.selectbox(key=f"method_{lang}").value == "occlusion"
    charts = {c.key for c in at.get("plotly_chart")}
    assert {"heat_alpha", "heat_method", "attr_bars", "adversarial"} <= charts
    assert len(at.dataframe) == 2  # agreement with α, the interventions at step 3
    assert "Jensen–Shannon" in texts(at) or "Jensen–Shannon 散度" in texts(at)
    sliders = [s for s in at.slider if s.key.startswith("edit-3-")]
    assert len(sliders) == 10  # one per source token, </s> included
    for s in sliders:
        s.set_value(1.0 if s.key == "edit-3-0" else 0.0)  # all of α_3 on x_1 = 'a'
    next(b for b in at.button if b.label in ("Decode with this α", "用这个 α 解码")).click()
    at.run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert ("Step 3: y" in shown or "第 3 步：y" in shown) and "TVD" in shown
    if lang == "zh":
        assert "注意力是解释吗" in at.title[0].value


def test_explain_sets_the_tasks_shipped_models_side_by_side(monkeypatch):
    from seq2seq.ui import explain

    monkeypatch.setattr(explain, "N_ZOO", 3)  # the page measures 30 inputs per model; the table's shape is the same
    at = open_explain(model="reverse-attention-scaled-dot", src="abc")
    assert not any(d for d in at.dataframe if "AER IG" in d.value.columns)  # nothing measured until asked
    at.button(key="zoo_run").click().run()
    assert not at.exception, at.exception
    table = next(d.value for d in at.dataframe if "AER IG" in d.value.columns)
    shipped = {"reverse-attention", "reverse-attention-dot", "reverse-attention-general",
               "reverse-attention-scaled-dot", "reverse-luong", "reverse-local", "reverse-entmax",
               "reverse-coverage"}  # fmt: skip
    assert set(table["model"]) == shipped  # every shipped attention model of the task; no vanilla, no Transformer
    # the sentence names the model whose α is furthest from what the output depends on
    assert "On **reverse-attention-scaled-dot** α is furthest" in texts(at)


def test_explain_measures_over_held_out_inputs_on_click(monkeypatch):
    from seq2seq.ui import explain

    monkeypatch.setattr(explain, "N_SUMMARY", 4)
    at = open_explain(model="reverse-attention", src="abc")
    at.button(key="summary_run").click().run()  # a callback keeps the click through the page's first rerun
    assert not at.exception, at.exception
    assert "faithfulness" in {c.key for c in at.get("plotly_chart")}
    assert "over 4 held-out inputs" in texts(at) or any("4" in h.value for h in at.subheader)


@pytest.mark.parametrize("model", ["reverse-vanilla", "reverse-transformer"])
def test_explain_works_for_a_model_without_alpha(model):
    at = open_explain(model=model, src="abc", lang="zh")
    charts = {c.key for c in at.get("plotly_chart")}
    assert "heat_alpha" not in charts and {"heat_method", "attr_bars"} <= charts
    assert not [s for s in at.slider if s.key.startswith("edit-")]
    assert "没有 α" in texts(at)
    assert "adversarial" not in charts  # nothing to make adversarial
    lecture = open_page("pages/lecture.py", present="1", model=model, src="abc", section="7", lang="zh")
    assert {"lecture_attr_bars"} <= {c.key for c in lecture.get("plotly_chart")}  # attributions still


# --- Errors ------------------------------------------------------------------------------------


def errors_tables(at):
    """(the predictors table or None, the table of every input) of the Errors page."""
    frames = [d.value for d in at.dataframe]
    rows = next(f for f in frames if "open" in f.columns)
    return next((f for f in frames if "open" not in f.columns), None), rows


def test_errors_page_lists_inputs_sorted_by_entropy_with_links_to_translate():
    at = open_page("pages/errors.py", model="reverse-attention", inputs="longer", n="100")
    predictors, rows = errors_tables(at)
    assert len(rows) == 96 and {"entropy", "coverage_deficit", "aer", "length"} <= set(rows.columns)
    assert list(rows["entropy"]) == sorted(rows["entropy"], reverse=True)  # most suspicious first
    assert set(rows["correct"]) == {"✅", "❌"}
    first = rows.iloc[0]
    assert first["open"] == "translate?" + urlencode({"model": "reverse-attention", "src": first["source"]})
    assert predictors is not None and list(predictors.iloc[:, 0]) == [
        "log p(y | x)", "entropy", "coverage deficit", "AER", "length"
    ]  # fmt: skip
    assert "outputs are wrong" in texts(at) and len(at.get("plotly_chart")) == 5


def test_errors_page_filters_and_sorts_from_the_link():
    at = open_page("pages/errors.py", model="reverse-attention", inputs="longer", n="100", show="wrong", sort="length")
    _, rows = errors_tables(at)
    assert 0 < len(rows) < 96 and set(rows["correct"]) == {"❌"}
    assert list(rows["length"]) == sorted(rows["length"], reverse=True)
    assert at.query_params["show"] == "wrong" and at.query_params["sort"] == "length"
    at.segmented_control(key="errors_show").set_value("right").run()
    _, rows = errors_tables(at)
    assert set(rows["correct"]) == {"✅"} and at.query_params["show"] == "right"


def test_errors_page_in_chinese_for_a_vanilla_model():
    at = open_page("pages/errors.py", model="reverse-vanilla", inputs="longer", n="100", lang="zh", sort="entropy")
    predictors, rows = errors_tables(at)
    assert "entropy" not in rows.columns and "aer" not in rows.columns  # no attention: no α to measure
    assert at.session_state["errors_sort"] == "log_prob"  # a sort the rows lack falls back
    assert list(rows["log_prob"]) == sorted(rows["log_prob"])  # lowest log p first
    assert rows.iloc[0]["open"].endswith("&lang=zh")
    shown = texts(at)
    assert "个输出中有" in shown and "没有 α" in shown and "Decode many" not in shown
    assert predictors.columns[0] == "度量"


def test_errors_page_of_a_task_without_lengths_and_when_nothing_is_wrong():
    at = open_page("pages/errors.py", model="dates-attention", inputs="longer", n="100")
    assert at.session_state["errors_inputs"] == "heldout"  # dates cannot make longer inputs
    predictors, rows = errors_tables(at)
    assert predictors is None and len(rows) == 100
    assert "aer" not in rows.columns and "entropy" in rows.columns  # no gold alignment for dates
    assert "nothing to predict" in texts(at)
