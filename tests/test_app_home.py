"""Home and the app's shell in streamlit.testing: the sidebar, every page linked, 中文 on
every page from the link, the language switch and presentation mode."""

import re

from .apptest import app, open_page, texts


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
