from seq2seq.core.results import Candidate, DecodeTrace, TraceStep
from seq2seq.figures import FORCED, HIGHLIGHT
from seq2seq.ui.text import md_escape, md_token, md_token_with_codepoint, output_html, styled_token


def test_markdown_and_html_from_users_stay_literal():
    assert md_escape("**bold** <script>") == r"\*\*bold\*\* &lt;script&gt;"
    assert md_escape("$x$ `code` [a](b)") == r"\$x\$ \`code\` \[a\]\(b\)"


def test_tokens_are_visible_and_escaped():
    assert md_token(" ") == "␣"
    assert md_token("\x00") == "U+0000"
    assert md_token("*") == r"\*"
    assert md_token_with_codepoint("é") == "“é” (U+00E9)"
    assert md_token_with_codepoint("\x00") == "“U+0000”"


def _trace(tokens: list[str], output: str, forced_at: int) -> DecodeTrace:
    steps = [TraceStep(t, i, 0.5, [Candidate(t, i, 0.5)], None, None, [0.0], [0.0]) for i, t in enumerate(tokens)]
    steps[forced_at].forced = True
    return DecodeTrace("x", ["x", "</s>"], output, tokens, "vanilla", steps)


def test_the_output_marks_forced_tokens_and_those_after_in_purple():
    page = output_html(_trace(["a", "<", "c", "</s>"], "a<c", forced_at=1))
    assert page.count(FORCED) == 2 and "</s>" not in page.replace("</span>", "").replace("</div>", "")
    body = page.split('class="text-box box-output"', 1)[1].split(">", 1)[1]
    assert body.startswith("a<span")  # character tokens joined without spaces, as the output text joins them
    assert body.index('class="token-forced"') < body.index("&lt;") < body.index('class="token-after"')
    words = output_html(_trace(["ta", "vak", "</s>"], "ta vak", forced_at=0))
    assert "</span> <span" in words  # word tokens keep their spaces


def test_the_current_token_is_red_or_underlined_in_red():
    assert HIGHLIGHT in styled_token("a", current=True) and FORCED not in styled_token("a", current=True)
    current_forced = styled_token("a", "forced", current=True)
    assert FORCED in current_forced and f"underline {HIGHLIGHT}" in current_forced
    assert styled_token("a") == "a"
