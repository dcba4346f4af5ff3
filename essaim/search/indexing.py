"""Keeping the index equal to the posts, comments and files: idempotent, by ids, from any state.

``sync_post`` rewrites every row of a post (its text, its comments, its files and theirs) from what
the database holds now — or removes them when the post is gone; ``sync_comment`` does the same for
one comment. Both are safe to run twice, late, or after a crash (the durable consumer, the reindex
command). Who may see a row is not stored (``models``), so visibility changes need no reindexing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from essaim.search.backends import Row, Text, backend
from essaim.search.documents import file_kind, file_text
from essaim.search.models import DocumentKind, SearchDocument
from essaim.search.text import language_of
from essaim.stream.models import Attachment, Comment, Post

MAX_BODY_CHARS = 100_000


def _row(kind: str, post: Post, author_id: int, language: str, created_at: Any, **fields: Any) -> Row:
    """A row's columns (a dict: building thousands of model instances was most of a reindex's time)."""
    return {
        "kind": str(kind),
        "post_id": post.pk,
        "comment_id": None,
        "attachment_id": None,
        "author_id": author_id,
        "space_id": post.space_id,
        "created_at": created_at,
        "language": language,
        "has_file": False,
        "file_kind": "",
        **fields,
    }


def _file_rows(post: Post, files: Sequence[Attachment], languages: dict[int, str]) -> list[tuple[Row, Text]]:
    texts = file_text([f.pk for f in files]) if files else {}
    rows = []
    for f in files:
        author_id = f.uploaded_by_id or post.author_id
        language = languages.get(author_id, "fr")
        body = " ".join(filter(None, [f.alt_text, texts.get(f.pk, "")]))[:MAX_BODY_CHARS]
        row = _row(
            DocumentKind.FILE,
            post,
            author_id,
            language,
            post.created_at,
            comment_id=f.comment_id,
            attachment_id=f.pk,
            has_file=True,
            file_kind=file_kind(f.content_type, f.is_image),
        )
        rows.append((row, Text(title=f.original_name, body=body, language=language)))
    return rows


def rows_for_posts(posts: Sequence[Post]) -> list[tuple[Row, Text]]:
    """Every row of these posts (loaded with their ``author``), from their comments and files in two queries."""
    if not posts:
        return []
    ids = [p.pk for p in posts]
    comments = list(
        Comment.objects.filter(post_id__in=ids)
        .order_by("id")
        .values_list("pk", "post_id", "author_id", "body", "created_at", "author__language")
    )
    files = list(Attachment.objects.filter(post_id__in=ids).order_by("id"))
    languages = {p.author_id: language_of(p.author.language) for p in posts}
    languages.update({c[2]: language_of(c[5]) for c in comments})
    by_post: dict[int, list[Attachment]] = {}
    for f in files:
        by_post.setdefault(f.post_id or 0, []).append(f)
    comments_by_post: dict[int, list[tuple[Any, ...]]] = {}
    for c in comments:
        comments_by_post.setdefault(c[1], []).append(c)
    rows: list[tuple[Row, Text]] = []
    for post in posts:
        language = languages[post.author_id]
        own_files = [f for f in by_post.get(post.pk, []) if f.comment_id is None]
        rows.append(
            (
                _row(DocumentKind.POST, post, post.author_id, language, post.created_at, has_file=bool(own_files)),
                Text(title="", body=post.body[:MAX_BODY_CHARS], language=language),
            )
        )
        with_files = {f.comment_id for f in by_post.get(post.pk, []) if f.comment_id}
        for pk, _post, author_id, body, created_at, _language in comments_by_post.get(post.pk, []):
            clang = languages[author_id]
            row = _row(
                DocumentKind.COMMENT, post, author_id, clang, created_at, comment_id=pk, has_file=pk in with_files
            )
            rows.append((row, Text(title="", body=body[:MAX_BODY_CHARS], language=clang)))
        rows += _file_rows(post, by_post.get(post.pk, []), languages)
    return rows


def write(rows: Iterable[tuple[Row, Text]]) -> int:
    """Insert ``rows`` with their words (the engine's ``insert``); returns how many."""
    pairs = list(rows)
    if pairs:
        backend().insert(pairs)
    return len(pairs)


@transaction.atomic
def sync_posts(post_ids: Sequence[int]) -> int:
    """Rewrite every row of these posts from the database (none for a post that is gone)."""
    SearchDocument.objects.filter(post_id__in=post_ids).delete()
    posts = list(Post.objects.filter(pk__in=post_ids).select_related("author").order_by("id"))
    return write(rows_for_posts(posts))


def sync_post(post_id: int) -> int:
    return sync_posts([post_id])


@transaction.atomic
def sync_comment(comment_id: int) -> int:
    """Rewrite one comment's rows (its text and its files)."""
    SearchDocument.objects.filter(comment_id=comment_id).delete()
    comment = Comment.objects.select_related("author", "post").filter(pk=comment_id).first()
    if comment is None:
        return 0
    post = comment.post
    language = language_of(comment.author.language)
    files = list(Attachment.objects.filter(comment_id=comment_id).order_by("id"))
    row = _row(
        DocumentKind.COMMENT,
        post,
        comment.author_id,
        language,
        comment.created_at,
        comment_id=comment.pk,
        has_file=bool(files),
    )
    rows = [(row, Text(title="", body=comment.body[:MAX_BODY_CHARS], language=language))]
    rows += _file_rows(post, files, {comment.author_id: language})
    return write(rows)


@transaction.atomic
def sync_attachment(attachment_id: int) -> int:
    """Rewrite one file's row (when its extracted text is ready)."""
    SearchDocument.objects.filter(attachment_id=attachment_id).delete()
    f = Attachment.objects.select_related("post", "uploaded_by").filter(pk=attachment_id).first()
    if f is None or f.post is None:
        return 0
    author_language = language_of(f.uploaded_by.language if f.uploaded_by else "")
    return write(_file_rows(f.post, [f], {f.uploaded_by_id or f.post.author_id: author_language}))
