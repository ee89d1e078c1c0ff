"""Real sentences (issue 28): English ↔ 中文 on the Tatoeba corpus, through the CLI and every page.

The shipped models (checkpoints/en-zh-*.safetensors, zh-en-attention) are read, never trained
here; the corpus's split and normalisation have their own tests (test_corpus.py)."""

import json
import re

import pytest
import sacrebleu

from seq2seq.core import checkpoint
from seq2seq.data.tasks import make_task
from seq2seq.training.trainer import evaluate

from .apptest import app, boxes, open_page, texts
from .clitest import cli
from .conftest import CHECKPOINTS

EN_ZH = CHECKPOINTS / "en-zh-attention.safetensors"
ZH_EN = CHECKPOINTS / "zh-en-attention.safetensors"
HANZI = re.compile(r"[\u4e00-\u9fff]")
PAGES = ["translate", "beam", "compare", "lecture", "explain", "errors", "states"]


@pytest.mark.parametrize("name", ["en-zh-vanilla", "en-zh-attention", "en-zh-transformer", "zh-en-attention"])
def test_the_real_sentence_models_are_shipped_small_with_a_tokenizer_per_side(name):
    path = CHECKPOINTS / f"{name}.safetensors"
    assert path.stat().st_size <= 8 * 2**20  # each file at most 8 MB
    ckpt = checkpoint.load(path)
    assert ckpt.tokenizer.source is not ckpt.tokenizer.target  # English words, Chinese characters
    assert {ckpt.tokenizer.source.kind, ckpt.tokenizer.target.kind} == {"word", "char"}
    assert "Tatoeba" in ckpt.card.task_description or ckpt.task.name in ("en-zh", "zh-en")


def test_translate_prints_chinese_for_what_a_person_types():
    proc = cli("translate", str(EN_ZH), "Where is the station?")  # mixed case, punctuation attached
    assert proc.returncode == 0, proc.stderr
    assert HANZI.search(proc.stdout), proc.stdout
    assert "read as 'where is the station ?'" in proc.stderr


def test_zh_en_reads_traditional_and_full_width_input():
    proc = cli("translate", str(ZH_EN), "車站在哪裡？")  # Traditional: read as Simplified 车站在哪里？
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"[a-z]", proc.stdout) and "车站在哪里" in proc.stderr


def test_eval_scores_bleu_and_chrf_overall_and_by_length_on_the_test_split():
    proc = cli("eval", str(EN_ZH), "--n", "120")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["task"] == "en-zh" and 0 <= out["bleu"] <= 100 and 0 <= out["chrf"] <= 100
    assert out["by_length"] and all({"bleu", "chrf", "n"} <= set(bucket) for bucket in out["by_length"].values())


def test_evaluate_bleu_is_sacrebleus_on_the_same_outputs_and_every_reference():
    ckpt = checkpoint.load(EN_ZH)
    task = make_task("en-zh")
    examples = task.test_examples()[:60]
    scored = evaluate(ckpt.model, ckpt.tokenizer, examples, task)
    from seq2seq.core.search import translate

    outputs = translate(ckpt.model, ckpt.tokenizer, [ex.source for ex in examples])
    refs = [task.references(ex.source) for ex in examples]
    streams = [[r[k] if k < len(r) else None for r in refs] for k in range(max(map(len, refs)))]
    expected = sacrebleu.corpus_bleu(outputs, streams, tokenize="zh").score
    assert scored["bleu"] == pytest.approx(expected, abs=1e-9)
    assert any(len(r) > 1 for r in refs)  # several translations of one source are all references


@pytest.mark.parametrize("page", PAGES)
def test_every_page_works_on_the_en_zh_model_in_chinese(page):
    at = open_page(f"pages/{page}.py", model="en-zh-attention", lang="zh")
    shown = texts(at)
    assert HANZI.search(shown)
    assert "Traceback" not in shown


# --- issue 28 §6: every page on real sentences -------------------------------------------------


def test_chinese_mode_opens_translate_on_the_en_zh_model_with_an_everyday_test_sentence():
    at = open_page("pages/translate.py", lang="zh")  # no ?model=: the language chooses
    assert at.session_state["model"] == "en-zh-attention"
    source = at.text_input(key="src").value
    assert source == make_task("en-zh").demo() and source in make_task("en-zh").test_sources()
    assert make_task("zh-en").demo() in make_task("zh-en").test_sources()  # a default the other way too
    assert HANZI.search(boxes(at, "output")[0])
    assert "真实句对没有标准词对齐" in texts(at) and "测试集 BLEU 27.4" in texts(at)  # no AER; the sidebar's BLEU
    assert open_page("pages/translate.py", lang="zh", model="reverse-attention").session_state["model"] == (
        "reverse-attention"
    )  # a link's model wins


def test_switching_to_chinese_switches_the_default_model_until_the_reader_picks_one():
    at = app()
    at.run()
    assert at.session_state["model"] == "reverse-attention"
    at.segmented_control(key="lang").set_value("zh").run()
    assert at.session_state["model"] == "en-zh-attention"
    at.sidebar.selectbox(key="model").select("zh-en-attention").run()
    at.segmented_control(key="lang").set_value("en").run()
    assert at.session_state["model"] == "zh-en-attention"  # picked: the language no longer decides
    at = app()
    at.run()
    at.session_state["model"] = "reverse-vanilla"  # set by a page, as Train's "use this model" does
    at.run()
    at.segmented_control(key="lang").set_value("zh").run()
    assert at.session_state["model"] == "reverse-vanilla"


def test_translate_shows_an_english_output_as_a_reader_writes_it():
    task = make_task("zh-en")
    at = open_page("pages/translate.py", model="zh-en-attention", src=task.demo())
    (output,) = boxes(at, "output")
    assert re.search(r"[a-z]", output) and not re.search(r" [?.!,]", output), output  # "taxi?", not "taxi ?"


def test_beam_try_this_finds_a_test_sentence_where_the_beam_beats_greedy_by_sentence_bleu():
    at = open_page("pages/beam.py", model="en-zh-attention")
    at.button(key="beam_example_find").click().run()  # searches the test split once per model (cached)
    assert not at.exception, at.exception
    src = at.text_input(key="src").value
    task = make_task("en-zh")
    assert src in task.test_sources()  # never trained on
    shown = texts(at)
    found = re.search(r"sentence BLEU \*\*([\d.]+)\*\*.*greedy only \*\*([\d.]+)\*\*.*zh tokenisation", shown)
    assert found and float(found.group(1)) > float(found.group(2)), shown
    assert "tatoeba.org" in shown  # the sentence's credit under the input
    # each column's sentence BLEU against all the references, the beam's the higher
    greedy_bleu, beam_bleu = (float(x) for x in re.findall(r"sentence BLEU ([\d.]+) against the", shown)[:2])
    assert beam_bleu > greedy_bleu
    from sacrebleu.metrics import BLEU

    beam_text = boxes(at, "output")[1]
    expected = BLEU(tokenize="zh", effective_order=True).sentence_score(beam_text, task.references(src)).score
    assert beam_bleu == pytest.approx(expected, abs=0.05)
    at.text_input(key="src").set_value(task.demo()).run()  # elsewhere: the offer, its credit on hover
    button = at.button(key="beam_example_try")
    assert "Tatoeba" in button.help and src in button.label


def test_compare_draws_the_bottleneck_as_bleu_and_chrf_by_length_on_the_test_split_in_both_languages():
    at = open_page("pages/compare.py", left="en-zh-vanilla", right="en-zh-attention", lang="zh")
    (chart,) = (c for c in at.get("plotly_chart") if c.proto.id and "length_curve" in c.proto.id)
    spec = json.loads(chart.proto.spec)
    names = [trace["name"] for trace in spec["data"]]
    assert names == [f"{m} · {s}" for m in ("en-zh-vanilla", "en-zh-attention") for s in ("BLEU", "chrF")]
    assert spec["layout"]["xaxis"]["title"]["text"] == "源句长度（词数，标点计为一个）"
    assert "得分" in spec["layout"]["yaxis"]["title"]["text"]
    vanilla, attention = (trace["y"] for trace in spec["data"][::2])  # BLEU of each, bucket by bucket
    assert len(vanilla) == 5 and attention[-1] > vanilla[-1]  # the longest fifth: attention ahead
    assert sum(spec["data"][0]["customdata"]) == len(make_task("en-zh").test_sources())  # the whole test split
    assert "完全匹配" in texts(at)  # the caption says why not exact match


def test_errors_judges_a_real_sentence_by_sentence_chrf_against_its_references_and_says_so():
    at = open_page("pages/errors.py", model="en-zh-attention", n="100", show="right")
    shown = texts(at)
    assert "sentence chrF ≥ 50" in shown and "no gold word alignments" in shown
    (table,) = [d for d in at.dataframe if "chrf" in d.value.columns]
    rows = table.value
    assert len(rows) and (rows["chrf"] >= 50).all() and (rows["correct"] == "✅").all()
    assert "aer" not in rows.columns
    zh = open_page("pages/errors.py", model="en-zh-attention", n="100", lang="zh")
    assert "句子级 chrF ≥ 50" in texts(zh) and "标准词对齐" in texts(zh)
    toy = open_page("pages/errors.py", model="reverse-attention", n="100")
    assert "equals the task's answer exactly" in texts(toy) and "no gold" not in texts(toy)


def test_home_says_no_gold_alignments_instead_of_a_blank_aer():
    for lang, words in (("en", "no gold alignments"), ("zh", "无标准对齐")):
        at = open_page("pages/home.py", lang=lang)
        (table,) = at.dataframe
        rows = table.value.set_index(table.value.columns[0])
        assert rows.loc["en-zh-attention", "AER"] == words and rows.loc["zh-en-attention", "AER"] == words
        assert rows.loc["reverse-attention", "AER"] not in (None, "", words)  # a toy task's number


def test_states_nearest_steps_are_the_models_real_training_pairs_with_their_credit():
    at = open_page("pages/states.py", model="en-zh-attention", lang="zh")
    (table,) = [h.proto.body for h in at.get("html") if 'class="neighbours"' in h.proto.body]
    rows = re.findall(r'<tr title="([^"]*)"><td>[\d.-]+</td><td>(.*?)</td>', table)
    assert len(rows) == 5 and all("tatoeba.org" in credit for credit, _ in rows)
    test = set(make_task("en-zh").test_sources())
    for _, cell in rows:  # the English source, tokens joined by spaces, the attended one marked
        source = re.sub(r"<[^>]+>", "", cell).replace("&#x27;", "'").replace("&quot;", '"')
        assert source not in test


def test_lecture_runs_every_section_on_a_real_sentence_and_section_6_shows_its_alpha():
    at = open_page("pages/lecture.py", model="en-zh-attention", src="Where is the station?", present="1", section="6")
    shown = texts(at)
    assert "**1.0000**" in shown and "where is the station ?" in shown  # Σ_i α_{t,i} = 1 over the real words
    assert re.search(r"\$x_\{\d\}\$ = \*\*(where|is|the|station|\?)\*\*", shown), shown  # α's largest, a real word
    assert {"lecture_energies", "lecture_flow"} <= {c.key for c in at.get("plotly_chart")}  # e_{t,i}, the picture
