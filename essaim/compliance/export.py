"""A compliance export: everything a person or a space wrote over a date range, as a zip with a manifest.

``write(export, destination)`` writes, in bounded memory (``core.archives.ManifestZip``: rows read in chunks
and written as they come, files copied in blocks):

- ``posts.json``: the posts published in the range (by the person anywhere, or in the space), each with its
  earlier versions, its files and its reactions (who, which, when);
- ``comments.json``: the comments written in the range (by the person anywhere, or under the space's posts),
  each with its earlier texts kept under a legal hold and its files;
- ``reactions.json``: for a person, the reactions they gave in the range (a space's are with its posts);
- ``kept_under_hold.json``: what was deleted while a legal hold covered it, or a comment's text before an
  edit (``PreservedContent``), written in the range;
- ``files/``: the posts' and comments' files, and ``files/kept/`` those a hold kept;
- ``manifest.json``, last: the format, when, who asked, whose, the range, the counts and each file's size
  and SHA-256 (``core.archives.verify`` checks it).

Everything, closed spaces and hidden or archived posts included: the export is how the compliance role reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from essaim.compliance.models import ComplianceExport, PreservedContent
from essaim.core.archives import ManifestZip, Stored
from essaim.stream.models import Attachment, Comment, Post, PostRevision, Reaction, attachment_storage

FORMAT = "essaim-compliance-export/1"
CHUNK = 500


def _date(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def bounds(export: ComplianceExport) -> tuple[datetime, datetime]:
    """The range as moments: from the first day's midnight to the day after the last's, on the site's clock."""
    zone = timezone.get_default_timezone()
    start = datetime.combine(export.since, time.min, tzinfo=zone)
    return start, datetime.combine(export.until + timedelta(days=1), time.min, tzinfo=zone)


def _space_id(export: ComplianceExport) -> int:
    """The space exported (0, which no space has, for one deleted since it was asked for)."""
    return export.space_id or 0


def _posts(export: ComplianceExport) -> QuerySet[Post]:
    start, end = bounds(export)
    posts = Post.objects.filter(created_at__gte=start, created_at__lt=end)
    return posts.filter(author_id=export.user_id) if export.user_id else posts.filter(space_id=_space_id(export))


def _comments(export: ComplianceExport) -> QuerySet[Comment]:
    start, end = bounds(export)
    comments = Comment.objects.filter(created_at__gte=start, created_at__lt=end)
    if export.user_id:
        return comments.filter(author_id=export.user_id)
    return comments.filter(post__space_id=_space_id(export))


def _preserved(export: ComplianceExport) -> QuerySet[PreservedContent]:
    start, end = bounds(export)
    kept = PreservedContent.objects.filter(written_at__gte=start, written_at__lt=end)
    return kept.filter(author_id=export.user_id) if export.user_id else kept.filter(space_id=_space_id(export))


def _file_name(attachment: Attachment) -> str:
    return f"files/{attachment.pk}-{Path(attachment.original_name).name or 'file'}"


def _files_of(rows: list[Attachment]) -> list[dict[str, Any]]:
    return [
        {"name": a.original_name, "type": a.content_type, "size": a.size, "description": a.alt_text,
         "file": _file_name(a)}
        for a in rows
    ]  # fmt: skip


def _by_post[T](rows: QuerySet[Any], key: str) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(getattr(row, key), []).append(row)
    return grouped


def _post_rows(export: ComplianceExport) -> Iterator[dict[str, Any]]:
    """The posts, a chunk at a time: each chunk's versions, files and reactions in three queries."""
    chunk: list[Post] = []
    for post in _posts(export).select_related("author", "space").order_by("id").iterator(chunk_size=CHUNK):
        chunk.append(post)
        if len(chunk) == CHUNK:
            yield from _post_chunk(chunk)
            chunk = []
    yield from _post_chunk(chunk)


def _post_chunk(posts: list[Post]) -> Iterator[dict[str, Any]]:
    if not posts:
        return
    ids = [p.pk for p in posts]
    versions = _by_post(PostRevision.objects.filter(post_id__in=ids).order_by("created_at", "pk"), "post_id")
    with_files = [p.pk for p in posts if p.attachment_count]
    files = (
        _by_post(Attachment.objects.filter(post_id__in=with_files, comment__isnull=True).order_by("pk"), "post_id")
        if with_files
        else {}
    )
    reactions = _by_post(
        Reaction.objects.filter(post_id__in=[p.pk for p in posts if p.reaction_counts])
        .select_related("user")
        .order_by("created_at", "pk"),
        "post_id",
    )
    for post in posts:
        yield {
            "id": post.pk,
            "author": post.author.handle,
            "kind": post.kind,
            "created_at": _date(post.created_at),
            "edited_at": _date(post.edited_at),
            "visibility": post.visibility,
            "space": post.space.slug if post.space else None,
            "hidden_at": _date(post.hidden_at),
            "body": post.body,
            "earlier_versions": [
                {"body": r.body, "written_at": _date(r.created_at), "replaced_at": _date(r.replaced_at)}
                for r in versions.get(post.pk, [])
            ],
            "files": _files_of(files.get(post.pk, [])),
            "reactions": [
                {"by": r.user.handle, "reaction": r.emoji, "at": _date(r.created_at)}
                for r in reactions.get(post.pk, [])
            ],
        }


def _comment_rows(export: ComplianceExport) -> Iterator[dict[str, Any]]:
    chunk: list[Comment] = []
    for comment in _comments(export).select_related("author").order_by("id").iterator(chunk_size=CHUNK):
        chunk.append(comment)
        if len(chunk) == CHUNK:
            yield from _comment_chunk(chunk)
            chunk = []
    yield from _comment_chunk(chunk)


def _comment_chunk(comments: list[Comment]) -> Iterator[dict[str, Any]]:
    if not comments:
        return
    with_files = [c.pk for c in comments if c.attachment_count]
    files = (
        _by_post(Attachment.objects.filter(comment_id__in=with_files).order_by("pk"), "comment_id")
        if with_files
        else {}
    )
    edited = [c.pk for c in comments if c.edited_at]
    versions = (
        _by_post(
            PreservedContent.objects.filter(
                kind=PreservedContent.Kind.COMMENT_VERSION, original_id__in=edited
            ).order_by("written_at", "pk"),
            "original_id",
        )
        if edited
        else {}
    )
    for comment in comments:
        yield {
            "id": comment.pk,
            "post": comment.post_id,
            "author": comment.author.handle,
            "reply_to": comment.parent_id,
            "created_at": _date(comment.created_at),
            "edited_at": _date(comment.edited_at),
            "body": comment.body,
            "earlier_versions": [
                {"body": v.body, "written_at": _date(v.written_at)} for v in versions.get(comment.pk, [])
            ],
            "files": _files_of(files.get(comment.pk, [])),
        }


def _reaction_rows(export: ComplianceExport) -> Iterator[dict[str, Any]]:
    start, end = bounds(export)
    rows = (
        Reaction.objects.filter(user_id=export.user_id or 0, created_at__gte=start, created_at__lt=end)
        .order_by("created_at", "pk")
        .values_list("post_id", "emoji", "created_at")
    )
    for post_id, emoji, at in rows.iterator(chunk_size=CHUNK):
        yield {"post": post_id, "reaction": emoji, "at": _date(at)}


def _preserved_rows(export: ComplianceExport) -> Iterator[dict[str, Any]]:
    for kept in _preserved(export).order_by("written_at", "pk").iterator(chunk_size=CHUNK):
        data = dict(kept.data)
        for line in data.get("files", []):
            line["file"] = f"files/kept/{kept.pk}/{Path(line['stored']).name}" if line.get("stored") else None
            line.pop("stored", None)
        yield {
            "kind": kept.kind,
            "why": kept.why,
            "id": kept.original_id,
            "post": kept.post_id,
            "author": kept.author_handle,
            "written_at": _date(kept.written_at),
            "kept_at": _date(kept.preserved_at),
            "by": kept.by_id,
            "body": kept.body,
            **data,
        }


def _files(export: ComplianceExport) -> Iterator[tuple[str, Any]]:
    posts = _posts(export).filter(attachment_count__gt=0)
    theirs = Q(post_id__in=posts.values("pk"), comment__isnull=True) | Q(
        comment_id__in=_comments(export).filter(attachment_count__gt=0).values("pk")
    )
    for attachment in Attachment.objects.filter(theirs).order_by("pk").iterator(chunk_size=CHUNK):
        yield _file_name(attachment), attachment.file
    storage = attachment_storage()
    for kept in _preserved(export).exclude(data__files=[]).order_by("pk").iterator(chunk_size=CHUNK):
        for line in kept.data.get("files", []):
            if line.get("stored"):
                yield f"files/kept/{kept.pk}/{Path(line['stored']).name}", Stored(storage, line["stored"])


def write(export: ComplianceExport, destination: Path) -> dict[str, Any]:
    """Write ``export``'s archive to ``destination``; its manifest."""
    with ManifestZip(destination) as archive:
        archive.lines("posts.json", _post_rows(export))
        archive.lines("comments.json", _comment_rows(export))
        if export.user_id:
            archive.lines("reactions.json", _reaction_rows(export))
        archive.lines("kept_under_hold.json", _preserved_rows(export))
        for name, stored in _files(export):
            archive.copy(name, stored)
        subject = (
            {"person": {"id": export.user_id, "handle": export.user.handle if export.user else None}}
            if export.user_id
            else {"space": {"id": export.space_id, "slug": export.space.slug if export.space else None}}
        )
        return archive.finish(
            {
                "format": FORMAT,
                "generated_at": _date(timezone.now()),
                "requested_by": {"id": export.requested_by_id, "handle": export.requested_by.handle},
                **subject,
                "label": export.subject_label,
                "from": export.since.isoformat(),
                "to": export.until.isoformat(),
                "time_zone": str(timezone.get_default_timezone()),
            }
        )
