from seq2seq.ui.text import md_escape, md_token, md_token_with_codepoint


def test_markdown_and_html_from_users_stay_literal():
    assert md_escape("**bold** <script>") == r"\*\*bold\*\* &lt;script&gt;"
    assert md_escape("$x$ `code` [a](b)") == r"\$x\$ \`code\` \[a\]\(b\)"


def test_tokens_are_visible_and_escaped():
    assert md_token(" ") == "␣"
    assert md_token("\x00") == "U+0000"
    assert md_token("*") == r"\*"
    assert md_token_with_codepoint("é") == "“é” (U+00E9)"
    assert md_token_with_codepoint("\x00") == "“U+0000”"
