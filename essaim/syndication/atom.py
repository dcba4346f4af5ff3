"""An Atom 1.0 document (RFC 4287) of a page of posts, written by Django's ``Atom1Feed``.

Each entry: a title (the post's first words), the post's address, its author, when it was published and last
edited, and its HTML — the HTML the post's card shows, already through the posts' sanitiser. Files are left
out: they are served only to signed-in readers who may read the post.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime

from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext

from essaim.network import site
from essaim.stream.models import Post

TITLE_WORDS = 12
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # an empty feed's ``updated``: a fixed date keeps its ETag stable


class _Feed(Atom1Feed):
    """``Atom1Feed`` whose ``updated`` is its newest entry's, or a fixed date when it has none (not "now")."""

    def __init__(self, *, updated: datetime, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]  # Django's keyword arguments, untyped
        self.updated = updated

    def latest_post_date(self) -> datetime:
        return self.updated


def _title(post: Post) -> str:
    if post.spoiler_text:  # the warning, never the text it folds
        return post.excerpt
    text = " ".join(html.unescape(strip_tags(post.body_html)).split())  # a title is text, not HTML
    return Truncator(text).words(TITLE_WORDS) or post.author.get_full_name()


def _content(post: Post) -> str:
    """The entry's HTML: the post's, or only its content warning and a link to read it on Essaim (a feed reader
    would show folded text at once)."""
    if not post.spoiler_text:
        return post.body_html
    return format_html(
        '<p><strong>{}</strong></p><p><a href="{}">{}</a></p>',
        post.excerpt,
        site.absolute_url(post.get_absolute_url()),
        gettext("Read it on the network"),
    )


def document(*, title: str, link: str, self_link: str, subtitle: str, posts: Sequence[Post], language: str) -> bytes:
    """The Atom document of ``posts`` (newest first) for the page at ``link`` (an absolute address)."""
    updated = max((p.edited_at or p.created_at for p in posts), default=EPOCH)
    feed = _Feed(
        updated=updated,
        title=title,
        link=link,
        feed_url=self_link,
        feed_guid=link,
        description=subtitle,
        language=language,
        author_name=site.network_name(),
    )
    for post in posts:
        url = site.absolute_url(post.get_absolute_url())
        feed.add_item(
            title=_title(post),
            link=url,
            unique_id=url,
            description=_content(post),
            author_name=post.author.get_full_name(),
            pubdate=post.created_at,
            updateddate=post.edited_at or post.created_at,
        )
    return feed.writeString("utf-8").encode()
