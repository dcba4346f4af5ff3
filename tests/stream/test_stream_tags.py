"""The feed's rendering helpers: a post's links, avatars and the reaction bar."""

from __future__ import annotations

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from essaim.stream import selectors, services
from essaim.stream.templatetags.stream_tags import avatar, post_links, reaction_buttons


class TestPostLinks:
    def test_every_link_of_a_post_card(self, employee, make_post):
        post = make_post(employee, "Bonjour")
        links = post_links(post)
        assert links.detail == post.get_absolute_url()
        assert links.react == reverse("stream:reaction-toggle", kwargs={"post_id": post.pk})
        assert links.author == reverse("people:profile", kwargs={"handle": employee.handle})


class TestAvatar:
    def test_initials_on_a_colour_when_there_is_no_photo(self, employee):
        expected = (
            Template('{% include "includes/avatar.html" with person=person size="sm" %}')
            .render(Context({"person": employee}))
            .strip()
        )
        assert str(avatar(employee, "sm")) == expected
        assert ">LM</span>" in expected


class TestReactionButtons:
    def test_six_buttons_pressed_where_the_viewer_reacted_with_counts(self, employee, colleague, make_post):
        post = make_post(employee, "Bonjour")
        services.reaction_add(actor=colleague, post=post, emoji="🎉")
        services.reaction_add(actor=employee, post=post, emoji="🎉")
        post.refresh_from_db()
        (post,) = selectors.hydrate(actor=colleague, posts=[post])
        html = str(reaction_buttons(post))
        assert html.count('name="emoji"') == 6
        assert html.count('aria-pressed="true"') == 1
        assert 'value="🎉" class="reaction is-mine" aria-pressed="true"' in html
        assert '<span class="reaction__count">2</span>' in html
        assert '<span class="visually-hidden">Celebrate</span>' in html

    def test_labels_follow_the_language(self, employee, make_post):
        post = make_post(employee, "Bonjour")
        with translation.override("en"):
            english = str(reaction_buttons(post))
        assert 'title="Like"' in english
        assert 'aria-pressed="false"' in english
