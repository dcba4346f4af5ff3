"""Mastodon's Account and Relationship entities, and Essaim's directory entry.

Ids are strings, as in Mastodon. ``acct`` is the bare handle (everyone is local).
Profile details a Mastodon client knows nothing about are also given as Mastodon
``fields`` (job title, department, site), so any client shows them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Schema

from essaim.accounts.models import User
from essaim.core.http import absolute_url


class AccountField(Schema):
    name: str
    value: str
    verified_at: datetime | None = None


class EssaimAccountExtra(Schema):
    job_title: str
    department: str | None
    site: str | None
    kind: str


class Account(Schema):
    id: str
    username: str
    acct: str
    display_name: str
    locked: bool
    bot: bool
    discoverable: bool
    group: bool
    indexable: bool
    created_at: datetime
    note: str
    url: str
    uri: str
    avatar: str
    avatar_static: str
    header: str
    header_static: str
    followers_count: int
    following_count: int
    statuses_count: int
    last_status_at: str | None
    emojis: list[Any]
    fields: list[AccountField]
    essaim: EssaimAccountExtra


class CredentialAccount(Account):
    source: dict[str, Any]


class Relationship(Schema):
    id: str
    following: bool
    showing_reblogs: bool
    notifying: bool
    languages: list[str] | None
    followed_by: bool
    blocking: bool
    blocked_by: bool
    muting: bool
    muting_notifications: bool
    requested: bool
    requested_by: bool
    domain_blocking: bool
    endorsed: bool
    note: str


class DirectoryPage(Schema):
    items: list[Account]
    next_cursor: str | None


# An account's profile fields, translated only when the profile has them: accounts are built for
# every author of a timeline page.
JOB_TITLE = gettext_noop("Job title")
DEPARTMENT = gettext_noop("Department")
SITE = gettext_noop("Site")


def _missing_avatar(request: HttpRequest) -> str:
    """The placeholder's absolute URL, looked up once per request (a static-files manifest lookup)."""
    url: str | None = request.__dict__.get("_essaim_missing_avatar")
    if url is None:
        url = request.__dict__["_essaim_missing_avatar"] = absolute_url(request, static("api/missing-avatar.png"))
    return url


def account_data(
    request: HttpRequest,
    user: User,
    *,
    followers: int = 0,
    following: int = 0,
    statuses: int = 0,
    with_org: bool = True,
) -> dict[str, Any]:
    """A user as Mastodon's Account entity.

    With ``with_org`` the profile's department and site are included (load them with
    ``select_related("profile__department", "profile__site")``); accounts embedded in statuses
    leave them out so a timeline needs no extra query.
    """
    profile = getattr(user, "profile", None)
    url = absolute_url(request, user.get_absolute_url())
    avatar = (
        absolute_url(request, profile.photo.url) if profile is not None and profile.photo else _missing_avatar(request)
    )
    job_title = profile.job_title if profile is not None else ""
    department = profile.department.name if with_org and profile is not None and profile.department else None
    site = profile.site.name if with_org and profile is not None and profile.site else None
    fields = [
        {"name": _(label), "value": escape(value), "verified_at": None}
        for label, value in ((JOB_TITLE, job_title), (DEPARTMENT, department), (SITE, site))
        if value
    ]
    bio = profile.bio if profile is not None else ""
    return {
        "id": str(user.pk),
        "username": user.handle,
        "acct": user.handle,
        "display_name": user.get_full_name(),
        "locked": False,
        "bot": user.kind in ("feed", "bot"),  # a feed's identity (essaim/feeds), an integration's (essaim/webhooks)
        "discoverable": True,
        "group": False,
        "indexable": False,
        "created_at": user.date_joined,
        "note": linebreaks(escape(bio)) if bio else "",
        "url": url,
        "uri": url,
        "avatar": avatar,
        "avatar_static": avatar,
        "header": "",
        "header_static": "",
        "followers_count": followers,
        "following_count": following,
        "statuses_count": statuses,
        "last_status_at": None,
        "emojis": [],
        "fields": fields,
        "essaim": {"job_title": job_title, "department": department, "site": site, "kind": user.kind},
    }


def accounts_data(request: HttpRequest, users: Iterable[User]) -> list[dict[str, Any]]:
    """Several accounts; counts come from ``followers_total``/``following_total`` annotations when present."""
    return [
        account_data(
            request,
            user,
            followers=getattr(user, "followers_total", 0),
            following=getattr(user, "following_total", 0),
        )
        for user in users
    ]


def relationship_data(user: User, *, following: bool, followed_by: bool) -> dict[str, Any]:
    return {
        "id": str(user.pk),
        "following": following,
        "showing_reblogs": following,
        "notifying": False,
        "languages": None,
        "followed_by": followed_by,
        "blocking": False,
        "blocked_by": False,
        "muting": False,
        "muting_notifications": False,
        "requested": False,
        "requested_by": False,
        "domain_blocking": False,
        "endorsed": False,
        "note": "",
    }
