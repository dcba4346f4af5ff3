"""The comment previews under each feed item: the first top-level comments of each post.

A page shows up to ``PREVIEW_COMMENTS`` comments under each of its twenty-odd posts. Loading
them as model instances (a comment, its author, the author's profile: three objects each) cost
three times the query itself and a sixth of the home page (bench/README.md), so they are read as
rows into the small read models below, which answer what ``stream/includes/comment.html`` and
``stream.cards`` ask of a comment and of a person (``pk``, ``author.get_full_name``,
``author.profile.photo.url``…).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.db import connection
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from essaim.accounts.models import User
from essaim.core.links import fast_reverse
from essaim.people.models import Profile
from essaim.stream.models import Attachment

PREVIEW_COMMENTS = 2

# One query, written in SQL: the ORM took longer to build it (window and joins) than the
# database takes to answer it — 1.6 ms for the window alone. The ranks are computed on ids
# only, over the partial index ``comment_post_top`` (``(post_id, id) WHERE parent_id IS NULL``):
# only the top-level comments of these posts are read, never the whole table; the kept rows are
# then joined to their authors. ``ROW_NUMBER() OVER`` is standard SQL, the same on SQLite and
# PostgreSQL. Only placeholders are put into the text; the ids and the limit are parameters.
_PREVIEWS_SQL = """
SELECT c.id, c.post_id, c.body_html, c.created_at, c.edited_at, c.author_id, c.attachment_count,
       c.spoiler_text, c.sensitive, u.handle, u.first_name, u.last_name, u.kind, p.photo, p.job_title
FROM stream_comment c
JOIN accounts_user u ON u.id = c.author_id
LEFT JOIN people_profile p ON p.user_id = u.id
WHERE c.id IN (
    SELECT id FROM (
        SELECT id, ROW_NUMBER() OVER (PARTITION BY post_id ORDER BY id) AS rank
        FROM stream_comment
        WHERE post_id IN ({placeholders}) AND parent_id IS NULL
    ) ranked
    WHERE rank <= %s
)
ORDER BY c.post_id, c.id
"""


@dataclass(frozen=True, slots=True)
class PreviewProfile:
    photo: FieldFile
    job_title: str


@dataclass(frozen=True, slots=True)
class Commenter:
    """What a preview shows of its author: the same names as ``User`` for the templates."""

    pk: int
    handle: str
    first_name: str
    last_name: str
    kind: str
    profile: PreviewProfile

    @property
    def is_guest(self) -> bool:
        return self.kind == User.Kind.GUEST

    @property
    def is_feed(self) -> bool:
        return self.kind == User.Kind.FEED

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_absolute_url(self) -> str:
        return fast_reverse("people:profile", "handle", self.handle)


@dataclass(frozen=True, slots=True)
class PreviewComment:
    """A top-level comment as a feed item shows it (``parent_id`` is always ``None``); its files, when
    ``attachment_count`` says it has some, are given by ``selectors.hydrate`` (``with_files``)."""

    pk: int
    post_id: int
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    author_id: int
    author: Commenter
    parent_id: None = None
    attachment_count: int = 0
    images: tuple[Attachment, ...] = ()
    files: tuple[Attachment, ...] = ()
    spoiler_text: str = ""
    sensitive: bool = False

    def with_files(self, files: Sequence[Attachment]) -> PreviewComment:
        """This comment with its ``files`` (``Attachment`` rows), images apart from the other files."""
        images = tuple(f for f in files if f.is_image)
        return replace(self, images=images, files=tuple(f for f in files if not f.is_image))


def comment_previews(post_ids: Sequence[int]) -> list[PreviewComment]:
    """The first ``PREVIEW_COMMENTS`` top-level comments of each post, by post then age: one query."""
    if not post_ids:
        return []
    sql = _PREVIEWS_SQL.format(placeholders=", ".join(["%s"] * len(post_ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*post_ids, PREVIEW_COMMENTS])
        rows = cursor.fetchall()
    photo_field = Profile._meta.get_field("photo")
    previews = []
    for (
        pk,
        post_id,
        body_html,
        created_at,
        edited_at,
        author_id,
        files,
        spoiler_text,
        sensitive,
        handle,
        first,
        last,
        kind,
        photo,
        title,
    ) in rows:
        # A file without a model instance: enough for ``url`` and truth, which is all a preview asks.
        photo_file = FieldFile(None, photo_field, photo or "")  # type: ignore[arg-type]
        profile = PreviewProfile(photo=photo_file, job_title=title or "")
        author = Commenter(author_id, handle, first, last, kind, profile)
        previews.append(
            PreviewComment(
                pk,
                post_id,
                body_html,
                _aware(created_at),
                None if edited_at is None else _aware(edited_at),
                author_id,
                author,
                attachment_count=files,
                spoiler_text=spoiler_text or "",
                sensitive=bool(sensitive),
            )
        )
    return previews


def _aware(value: datetime) -> datetime:
    """SQLite gives the stored UTC time without its zone (the ORM adds it); PostgreSQL gives it with."""
    if timezone.is_aware(value):
        return value
    return timezone.make_aware(value, connection.timezone)
