"""Fragments cached under a digest of what they show, and ``{% capture %}``."""

from __future__ import annotations

from unittest import mock

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from essaim.core import fragments
from essaim.core.fragments import fragment_key, render_cached

TEMPLATE = "spaces/includes/my_spaces.html"


class TestFragmentKey:
    def test_the_same_identity_and_language_give_the_same_key(self) -> None:
        assert fragment_key("x", [(1, "Vélo")]) == fragment_key("x", [(1, "Vélo")])

    @pytest.mark.parametrize("other", [[(1, "Velo")], [(2, "Vélo")], [], [(1, "Vélo"), (2, "Rando")]])
    def test_any_change_of_identity_changes_the_key(self, other) -> None:
        assert fragment_key("x", [(1, "Vélo")]) != fragment_key("x", other)

    def test_the_kind_and_the_language_are_part_of_the_key(self) -> None:
        english = fragment_key("x", [1])
        assert fragment_key("y", [1]) != english
        with translation.override("fr"):
            assert fragment_key("x", [1]) != english


class TestRenderCached:
    def test_renders_once_per_identity(self) -> None:
        with mock.patch.object(fragments, "render_to_string", return_value="<p>a</p>") as render:
            assert render_cached(TEMPLATE, {"spaces": []}, identity=[]) == "<p>a</p>"
            assert render_cached(TEMPLATE, {"spaces": []}, identity=[]) == "<p>a</p>"
            assert render.call_count == 1
            render_cached(TEMPLATE, {"spaces": []}, identity=["other"])
            assert render.call_count == 2

    def test_the_cached_html_is_a_fresh_render(self) -> None:
        first = render_cached(TEMPLATE, {"spaces": []}, identity=[])
        assert render_cached(TEMPLATE, {"spaces": []}, identity=[]) == first
        assert "Browse spaces" in first


class TestCapture:
    def test_the_block_is_rendered_once_and_shown_where_asked(self) -> None:
        calls: list[int] = []
        template = Template(
            "{% load essaim %}{% capture as twice %}<b>{{ count }}</b>{% endcapture %}[{{ twice }}][{{ twice }}]"
        )

        class Counter:
            def __str__(self) -> str:
                calls.append(1)
                return "1"

        assert template.render(Context({"count": Counter()})) == "[<b>1</b>][<b>1</b>]"
        assert len(calls) == 1

    def test_what_is_captured_stays_escaped(self) -> None:
        template = Template("{% load essaim %}{% capture as x %}{{ value }}{% endcapture %}{{ x }}")
        assert template.render(Context({"value": "<script>"})) == "&lt;script&gt;"

    def test_a_bad_call_is_a_syntax_error(self) -> None:
        with pytest.raises(TemplateSyntaxError):
            Template("{% load essaim %}{% capture x %}{% endcapture %}")
