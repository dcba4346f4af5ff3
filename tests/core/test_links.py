"""URLs without re-resolving the patterns: always identical to ``reverse``."""

from __future__ import annotations

import pytest
from django.urls import reverse, set_script_prefix

from essaim.core.links import fast_reverse, fast_reverse_kwargs


class TestFastReverse:
    @pytest.mark.parametrize(
        ("name", "kwarg", "value"),
        [
            ("stream:post-detail", "post_id", 385138051317986965),
            ("stream:comment-create", "post_id", 7),
            ("stream:attachment-thumbnail", "attachment_id", 42),
            ("people:profile", "handle", "lea.martin"),
            ("people:profile", "handle", "élodie d'Arc"),
        ],
    )
    def test_gives_the_same_url_as_reverse(self, name, kwarg, value):
        assert fast_reverse(name, kwarg, value) == reverse(name, kwargs={kwarg: value})

    def test_follows_the_script_prefix(self):
        set_script_prefix("/essaim/")
        try:
            assert fast_reverse("stream:post-detail", "post_id", 5) == "/essaim/posts/5/"
        finally:
            set_script_prefix("/")


class TestFastReverseKwargs:
    @pytest.mark.parametrize(
        ("name", "kwargs"),
        [
            ("spaces:post-pin", {"slug": "equipe-lyon", "post_id": 385138051317986965}),
            ("spaces:post-unpin", {"post_id": 3, "slug": "a"}),  # in any order
            ("stream:post-detail", {"post_id": 7}),
        ],
    )
    def test_gives_the_same_url_as_reverse(self, name, kwargs):
        assert fast_reverse_kwargs(name, **kwargs) == reverse(name, kwargs=kwargs)
