"""What the streamlit.testing (AppTest) tests share: the app opened on a page with a link's query,
and the text it shows. One file per page: tests/test_app_<page>.py."""

import html
import re

from streamlit.testing.v1 import AppTest

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
