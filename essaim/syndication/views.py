"""Atom feeds out (``/atom/<key>/…``) and the page where a person keeps their key (``/accounts/atom/``).

A feed is read without a session: the key in its address names its person, and the stream's own selectors
answer for them — exactly the posts that person may read on the matching page (home, company, a space, a tag,
a person), never more. An unknown, changed or revoked key, a deactivated person, or a page that person may
not read all answer 404. Answers carry an ``ETag`` (a digest of the document) and ``Last-Modified`` (the newest
entry), and a conditional GET that matches gets 304.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.core.http import absolute_url, error_response
from essaim.core.pagination import Cursor
from essaim.network import site
from essaim.people.selectors import person_get_for
from essaim.spaces import selectors as spaces_selectors
from essaim.stream import selectors as stream_selectors
from essaim.stream.models import Post
from essaim.stream.space_feeds import feed_space
from essaim.syndication import atom, selectors, services

ATOM_TYPE = "application/atom+xml; charset=utf-8"
ENTRIES = 40  # posts in a feed: readers keep what they saw
type Source = tuple[str, str, str, list[Post]]  # title, the page's path, subtitle, posts


def _home(owner: User, _arg: str) -> Source:
    _pinned, page = stream_selectors.feed_home(actor=owner, cursor=Cursor(limit=ENTRIES), with_announcements=False)
    return _("Home"), reverse("stream:home"), _("%(name)s's home feed") % {"name": owner.get_full_name()}, page.items


def _company(owner: User, _arg: str) -> Source:
    if not access.can(owner, Action.VIEW_COMPANY_FEED):
        raise Http404
    page = stream_selectors.feed_company(actor=owner, cursor=Cursor(limit=ENTRIES))
    return _("Company"), reverse("stream:company"), _("Everything shared with the whole company"), page.items


def _space(owner: User, slug: str) -> Source:
    space = spaces_selectors.space_get_for(actor=owner, slug=slug)
    if not access.can(owner, Action.READ_POSTS, space):
        raise Http404
    page = feed_space(actor=owner, space=space, cursor=Cursor(limit=ENTRIES), with_comments=False)
    return space.name, space.get_absolute_url(), space.description[:200] or space.name, page.items


def _tag(owner: User, name: str) -> Source:
    tag = stream_selectors.tag_get_for(actor=owner, name=name)
    page = stream_selectors.feed_tag(actor=owner, tag=tag, cursor=Cursor(limit=ENTRIES))
    return f"#{tag.name}", tag.get_absolute_url(), _("Posts with #%(name)s") % {"name": tag.name}, page.items


def _person(owner: User, handle: str) -> Source:
    person = person_get_for(actor=owner, handle=handle)
    page = stream_selectors.feed_profile(actor=owner, person=person, cursor=Cursor(limit=ENTRIES))
    path = reverse("stream:profile-posts", kwargs={"handle": person.handle})
    return person.get_full_name(), path, _("Posts by %(name)s") % {"name": person.get_full_name()}, page.items


SOURCES: dict[str, Callable[[User, str], Source]] = {
    "home": _home,
    "company": _company,
    "space": _space,
    "tag": _tag,
    "person": _person,
}


@require_GET
def feed(request: HttpRequest, token: str, kind: str, arg: str = "") -> HttpResponse:
    """One Atom feed, read as the key's person (no session)."""
    owner = selectors.key_owner(token=token)
    if owner is None or kind not in SOURCES:
        raise Http404
    try:
        title, path, subtitle, posts = SOURCES[kind](owner, arg)
    except PermissionDenied:  # a page its person may not read is, here, a page that does not exist
        raise Http404 from None
    body = atom.document(
        title=f"{title} · {site.network_name()}",
        link=site.absolute_url(path),
        self_link=site.absolute_url(request.path),
        subtitle=subtitle,
        posts=posts,
        language=get_language() or "en",
    )
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    last_modified = max((p.edited_at or p.created_at for p in posts), default=atom.EPOCH).timestamp()
    response = get_conditional_response(request, etag=etag, last_modified=int(last_modified))
    if response is None:
        response = HttpResponse(body, content_type=ATOM_TYPE)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)


def feed_addresses(request: HttpRequest, token: str) -> list[dict[str, Any]]:
    """The addresses of the feeds a person reads most: their home, the company's (employees), their spaces'."""
    actor = _me(request)
    base = f"/atom/{token}/"
    found = [{"name": _("My home feed"), "url": absolute_url(request, base + "home.atom")}]
    if access.can(actor, Action.VIEW_COMPANY_FEED):
        found.append({"name": _("Company"), "url": absolute_url(request, base + "company.atom")})
    return found


def atom_url(request: HttpRequest, token: str, target: str) -> str:
    """The Atom address of ``target`` (``space:<slug>``, ``tag:<name>``, ``person:<handle>``), or ""."""
    kind, _sep, arg = target.partition(":")
    names = {"space": "atom:space", "tag": "atom:tag", "person": "atom:person"}
    if kind not in names or not arg or len(arg) > 150:
        return ""
    try:
        return absolute_url(request, reverse(names[kind], kwargs={"token": token, "arg": arg}))
    except ValueError:
        return ""


@login_required
@require_GET
def my_key(request: HttpRequest) -> HttpResponse:
    """My Atom key: make it, see my feeds' addresses (and, from a page's "Atom feed" link, that page's), change
    it or turn it off."""
    actor = _me(request)
    key = selectors.atom_key_of(actor=actor)
    target = request.GET.get("for", "")
    context = {
        "key": key,
        "may_keep_key": access.can(actor, Action.KEEP_ATOM_FEED),
        "addresses": feed_addresses(request, key.token) if key else [],
        "target": target[:160],
        "target_url": atom_url(request, key.token, target) if key and target else "",
    }
    return render(request, "syndication/my_key.html", context)


@login_required
@require_POST
def key_manage(request: HttpRequest) -> HttpResponse:
    """Make (``make``), change (``regenerate``) or remove (``revoke``) my Atom key."""
    match request.POST.get("do"):
        case "make":
            services.atom_key_get_or_create(actor=_me(request))
        case "regenerate":
            services.atom_key_regenerate(actor=_me(request))
        case "revoke":
            services.atom_key_revoke(actor=_me(request))
        case _:
            return error_response(request, ValidationError(_("Choose what to do with your key.")), status=400)
    target = request.POST.get("for", "")[:160]
    back = reverse("atom:mine")
    return redirect(f"{back}?{urlencode({'for': target})}" if ":" in target else back)
