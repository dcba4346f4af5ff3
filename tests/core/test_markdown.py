"""Markdown rendering is safe by construction; mentions and tags are found outside code only."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from essaim.core.markdown import extract_hashtags, extract_mentions, render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=//evil></iframe>",
    "<style>body{display:none}</style>",
    '[x](http://a" onmouseover="alert(1))',
    "<<script>script>alert(1)<</script>/script>",
    "`<script>` and ```\n<script>alert(1)</script>\n```",
    "<details open ontoggle=alert(1)>",
    "javascript:alert(1)",
    "[a](<javascript:alert(1)>)",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]

ON_ATTRIBUTE = re.compile(r"<[^>]*\son\w+\s*=", re.IGNORECASE)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_known_xss_payloads_are_neutralised(payload):
    html = render_markdown(payload)
    assert "<script" not in html.lower()
    assert not ON_ATTRIBUTE.search(html)
    for href in re.findall(r'<a\s[^>]*href="([^"]*)"', html):
        assert href.split(":")[0].lower() in {"http", "https", "mailto"} or href.startswith("/"), href


PIECES = st.sampled_from(
    [
        "<",
        ">",
        '"',
        "'",
        "javascript:",
        "JaVa\tscript:",
        " on",
        "onerror",
        "=",
        "[",
        "](",
        ")",
        "`",
        "\n",
        "&#",
        "script",
        "a",
    ]
)


@given(st.one_of(st.text(max_size=200), st.lists(PIECES | st.text(max_size=3), max_size=60).map("".join)))
@settings(max_examples=200, deadline=None)
def test_no_script_no_handler_no_javascript_link_for_any_text(text):
    html = render_markdown(text)
    assert "<script" not in html.lower()
    assert not ON_ATTRIBUTE.search(html)
    assert not re.search(r'<a\s[^>]*href="\s*javascript:', html, re.IGNORECASE)


def test_markdown_basics_and_links():
    html = render_markdown("**gras** _it_ ~~barré~~\n\n- un\n- deux\n\nwww.example.com")
    assert "<strong>gras</strong>" in html
    assert "<em>it</em>" in html
    assert "<s>barré</s>" in html
    assert "<li>un</li>" in html
    assert 'href="http://www.example.com"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_mentions_and_tags_become_links_only_when_the_caller_knows_them():
    html = render_markdown(
        "@lea.martin @nobody #Vélo `@lea.martin #code` [@lea.martin](https://x.example)",
        mention_url=lambda h: f"/@{h}" if h == "lea.martin" else None,
        tag_url=lambda t: f"/tags/{t}/",
    )
    assert html.count('class="mention"') == 1
    assert "@nobody" in html
    assert '<a href="/tags/velo/" class="hashtag"' in html
    assert "<code>@lea.martin #code</code>" in html


def test_foreign_classes_are_dropped():
    assert "class" not in render_markdown("[x](https://a.example)")


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        ("Merci @Lea.Martin et @bob.", ["lea.martin", "bob"]),
        ("lea@example.com n'est pas une mention", []),
        ("`@code` ni\n\n    @bloc", []),
        ("@lea @lea", ["lea"]),
    ],
)
def test_extract_mentions(text, mentions):
    assert extract_mentions(text) == mentions


def test_extract_hashtags_folds_duplicates_and_skips_numbers_and_code():
    assert extract_hashtags("#Vélo #velo #2024 a#b `#code` #élan-vital") == ["Vélo", "élan-vital"]
