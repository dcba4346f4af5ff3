"""Everything Essaim holds about one person, as a zip a person can read and another service can import.

``write(user, destination)`` writes, in bounded memory (rows are read in chunks and written as they
come, files copied in blocks: ``core.archives.ManifestZip``):

- ``account.json``, ``profile.json``: who they are and what their profile says;
- ``posts.json`` (with each post's earlier versions and files), ``comments.json``, ``reactions.json``;
- ``following.json`` (people and tags), ``spaces.json`` (memberships and their roles),
  ``charters.json`` (the charters they accepted), ``reports.json`` (what they reported),
  ``warnings.json`` (what moderators told them);
- ``files/``: the files they attached and their profile photo;
- ``manifest.json``, last: the format, when, whose, and each file's size and SHA-256.

JSON in UTF-8 with ISO 8601 dates: readable in a text editor, loadable anywhere. What others wrote
(comments under their posts, posts they were mentioned in) is not theirs to take away and is not in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from essaim.accounts.models import User
from essaim.charters.models import CharterAcceptance
from essaim.core.archives import ManifestZip
from essaim.moderation.models import ModerationWarning, Report
from essaim.people.models import Follow, Profile
from essaim.spaces.models import Membership
from essaim.stream.models import Attachment, Bookmark, Comment, Post, PostRevision, Reaction, TagFollow

FORMAT = "essaim-personal-data/1"
CHUNK = 500


def write(user: User, destination: Path) -> dict[str, Any]:
    """Write ``user``'s archive to ``destination``; its manifest."""
    with ManifestZip(destination) as archive:
        archive.json("account.json", _account(user))
        archive.json("profile.json", _profile(user))
        archive.lines("posts.json", _posts(user))
        archive.lines("comments.json", _comments(user))
        archive.lines("reactions.json", _reactions(user))
        archive.lines("saved_posts.json", _saved(user))
        archive.json("following.json", _following(user))
        archive.lines("spaces.json", _spaces(user))
        archive.lines("charters.json", _charters(user))
        archive.lines("reports.json", _reports(user))
        archive.lines("warnings.json", _warnings(user))
        for name, stored in _files(user):
            archive.copy(name, stored)
        return archive.finish(
            {
                "format": FORMAT,
                "generated_at": _date(timezone.now()),
                "person": {"id": user.pk, "handle": user.handle, "email": user.email},
            }
        )


def _date(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- what is written


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "handle": user.handle,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "kind": user.kind,
        "language": user.language,
        "timezone": user.timezone,
        "theme": user.theme,
        "date_joined": _date(user.date_joined),
        "last_login": _date(user.last_login),
        "roles": {
            "network_admin": user.is_network_admin,
            "communication_team": user.is_communication_team,
            "compliance_officer": user.is_compliance_officer,
        },
    }


def _profile(user: User) -> dict[str, Any]:
    profile = Profile.objects.select_related("department", "site", "manager").filter(user=user).first()
    if profile is None:
        return {}
    return {
        "job_title": profile.job_title,
        "department": profile.department.name if profile.department else None,
        "site": profile.site.name if profile.site else None,
        "phone": profile.phone,
        "manager": profile.manager.handle if profile.manager else None,
        "languages": profile.languages,
        "bio": profile.bio,
        "skills": sorted(profile.skills.values_list("name", flat=True)),
        "fields": {
            value.field.label_en: value.value for value in profile.field_values.select_related("field").order_by("pk")
        },
        "photo": _photo_name(profile) if profile.photo else None,
    }


def _photo_name(profile: Profile) -> str:
    return "files/photo" + Path(profile.photo.name or "").suffix


def _attachment_name(attachment: Attachment) -> str:
    return f"files/{attachment.pk}-{Path(attachment.original_name).name or 'file'}"


def _attachments_of(rows: Iterable[Attachment]) -> list[dict[str, Any]]:
    return [
        {
            "name": a.original_name,
            "type": a.content_type,
            "size": a.size,
            "description": a.alt_text,
            "file": _attachment_name(a),
        }
        for a in rows
    ]


def _posts(user: User) -> Iterator[dict[str, Any]]:
    posts = Post.objects.filter(author=user).select_related("space").order_by("id")
    for post in posts.iterator(chunk_size=CHUNK):
        revisions = PostRevision.objects.filter(post=post).order_by("created_at")
        yield {
            "id": post.pk,
            "kind": post.kind,
            "created_at": _date(post.created_at),
            "edited_at": _date(post.edited_at),
            "visibility": post.visibility,
            "space": post.space.slug if post.space else None,
            "body": post.body,
            "content_warning": post.spoiler_text,
            "sensitive": post.sensitive,
            "earlier_versions": [
                {"body": r.body, "content_warning": r.spoiler_text, "written_at": _date(r.created_at)}
                for r in revisions
            ],
            "files": _attachments_of(post.attachments.filter(comment__isnull=True).order_by("pk"))
            if post.attachment_count
            else [],
        }


def _comments(user: User) -> Iterator[dict[str, Any]]:
    comments = Comment.objects.filter(author=user).order_by("id")
    for comment in comments.iterator(chunk_size=CHUNK):
        yield {
            "id": comment.pk,
            "post": comment.post_id,
            "reply_to": comment.parent_id,
            "created_at": _date(comment.created_at),
            "edited_at": _date(comment.edited_at),
            "body": comment.body,
            "content_warning": comment.spoiler_text,
            "sensitive": comment.sensitive,
            "files": _attachments_of(comment.attachments.order_by("pk")) if comment.attachment_count else [],
        }


def _reactions(user: User) -> Iterator[dict[str, Any]]:
    rows = Reaction.objects.filter(user=user).order_by("post_id", "emoji").values_list("post_id", "emoji", "created_at")
    for post_id, emoji, created_at in rows.iterator(chunk_size=CHUNK):
        yield {"post": post_id, "reaction": emoji, "at": _date(created_at)}


def _saved(user: User) -> Iterator[dict[str, Any]]:
    """The posts one saved (their ids: the posts are their authors'), the last saved first."""
    rows = Bookmark.objects.filter(user=user).order_by("-id").values_list("post_id", "created_at")
    for post_id, created_at in rows.iterator(chunk_size=CHUNK):
        yield {"post": post_id, "saved_at": _date(created_at)}


def _following(user: User) -> dict[str, Any]:
    people = Follow.objects.filter(follower=user).order_by("created_at").values_list("followed__handle", "created_at")
    tags = TagFollow.objects.filter(user=user).order_by("created_at").values_list("tag__name", "created_at")
    return {
        "people": [{"handle": handle, "since": _date(since)} for handle, since in people],
        "tags": [{"tag": name, "since": _date(since)} for name, since in tags],
    }


def _spaces(user: User) -> Iterator[dict[str, Any]]:
    rows = (
        Membership.objects.filter(user=user)
        .order_by("created_at")
        .values_list("space__slug", "space__name", "role", "created_at")
    )
    for slug, name, role, since in rows:
        yield {"space": slug, "name": name, "role": role, "since": _date(since)}


def _charters(user: User) -> Iterator[dict[str, Any]]:
    rows = CharterAcceptance.objects.filter(user=user).select_related("charter__space").order_by("accepted_at")
    for acceptance in rows:
        charter = acceptance.charter
        yield {
            "charter": charter.space.slug if charter.space else "network",
            "version": charter.version,
            "accepted_at": _date(acceptance.accepted_at),
        }


def _reports(user: User) -> Iterator[dict[str, Any]]:
    for report in Report.objects.filter(reporter=user).order_by("created_at"):
        yield {
            "about": report.target_kind,
            "reason": report.reason,
            "details": report.details,
            "status": report.status,
            "created_at": _date(report.created_at),
        }


def _warnings(user: User) -> Iterator[dict[str, Any]]:
    for warning in ModerationWarning.objects.filter(user=user).order_by("created_at"):
        yield {"message": warning.message, "reason": warning.reason, "created_at": _date(warning.created_at)}


def _files(user: User) -> Iterator[tuple[str, FieldFile]]:
    """The files they attached (to posts and comments) and their photo, as named in the JSON files."""
    theirs = Q(post__author=user, comment__isnull=True) | Q(comment__author=user)
    for attachment in Attachment.objects.filter(theirs).order_by("pk").iterator(chunk_size=CHUNK):
        yield _attachment_name(attachment), attachment.file
    profile = Profile.objects.filter(user=user).first()
    if profile is not None and profile.photo:
        yield _photo_name(profile), profile.photo
