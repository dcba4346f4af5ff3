"""The spaces directory, space creation, the space page and its member list."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.charters import selectors as charter_selectors
from essaim.charters.models import Charter
from essaim.charters.views import body_html
from essaim.core.http import add_service_errors, error_response
from essaim.core.markdown import render_markdown
from essaim.core.pagination import parse_cursor
from essaim.ideas.selectors import idea_box_for
from essaim.mailgate.addresses import post_address
from essaim.questions import selectors as question_selectors
from essaim.spaces import selectors, services
from essaim.spaces.forms import RoleForm, SpaceForm
from essaim.spaces.models import Space
from essaim.spaces.views.common import permissions
from essaim.stream import space_feeds
from essaim.stream.forms import PostForm
from essaim.stream.models import Post
from essaim.stream.sources import parse_source


def _next_url(request: HttpRequest, next_cursor: str | None) -> str | None:
    if next_cursor is None:
        return None
    params = {k: v for k, v in request.GET.items() if k != "after" and v}
    return f"{request.path}?{urlencode({**params, 'after': next_cursor})}"


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    scope = request.GET.get("scope", "")
    filters = selectors.DirectoryFilters(
        q=request.GET.get("q", "").strip()[:100], scope=scope if scope in selectors.DirectoryFilters.SCOPES else ""
    )
    cursor = selectors.Cursor.decode(request.GET.get("after"))
    page = selectors.space_directory_for(actor=request.user, filters=filters, cursor=cursor)
    rows = [(space, permissions(request, space, names=("join", "request"))) for space in page.items]
    partial = bool(request.htmx and cursor is not None)  # type: ignore[attr-defined]  # set by django-htmx
    pending = selectors.Pending() if partial else selectors.pending_for(actor=request.user)
    context: dict[str, Any] = {
        "rows": rows,
        "filters": filters,
        "next_url": _next_url(request, page.next_cursor),
        "is_first_page": cursor is None,
        "can_create": access.can(request.user, Action.CREATE_SPACE, Space),
        # What waits for the reader, on the first page only; the spaces menu shows the same count.
        "spaces_pending": pending,
        "waiting_spaces": selectors.spaces_with_pending_requests(actor=request.user)
        if pending.requests and cursor is None and not filters.active
        else [],
        "scopes": [
            ("", "all"),
            ("mine", "mine"),
            ("public", "public"),
            ("private", "private"),
            ("archived", "archived"),
        ],
    }
    if partial:
        return render(request, "spaces/space_directory.html#results", context)
    return render(request, "spaces/space_directory.html", context)


@login_required
def space_new(request: HttpRequest) -> HttpResponse:
    parent_slug = request.GET.get("parent") or request.POST.get("parent") or ""
    parent = selectors.space_get_for(actor=request.user, slug=parent_slug) if parent_slug else None
    access.require(request.user, Action.EDIT_SETTINGS if parent else Action.CREATE_SPACE, parent or Space)
    form = SpaceForm(
        request.POST or None,
        initial={"visibility": parent.visibility} if parent else None,
        subspace=parent is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            space = services.space_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(space.get_absolute_url())
    status = 400 if form.is_bound else 200
    return render(request, "spaces/space_new.html", {"form": form, "parent": parent}, status=status)


def space_context(request: HttpRequest, space: Space) -> dict[str, Any]:
    """What every page of a space shows in its header."""
    perms = permissions(request, space)
    member_count, has_guests = selectors.space_member_facts(space=space)
    return {
        "space": space,
        "perms": perms,
        "has_guests": has_guests,
        "member_count": member_count,
        "pending_requests": selectors.join_request_count(actor=request.user, space=space) if perms["approve"] else None,
        "sole_owner": perms["leave"] and selectors.is_sole_owner(actor=request.user, space=space),
        # Who could join or ask is offered to accept the invitation waiting for them instead.
        "invitation_id": selectors.my_pending_invitation_id(actor=request.user, space=space)
        if perms["join"] or perms["request"]
        else None,
        "ideas_open": idea_box_for(space=space) is not None,  # the "Ideas" tab (administrators see it to open the box)
    }


def charter_gate(request: HttpRequest, space: Space, charter: Charter, *, pending: bool) -> HttpResponse:
    """The space's charter in its page: to accept ("Accept and enter") when ``pending``, else to reread."""
    context = space_context(request, space)
    context.update(
        charter=charter,
        body_html=body_html(charter),
        pending=pending,
        acceptance=None if pending else charter_selectors.acceptance_of(user=request.user, charter=charter),
    )
    return render(request, "spaces/space_charter.html", context)


def space_page(request: HttpRequest, space: Space, *, form: PostForm | None = None, status: int = 200) -> HttpResponse:
    """The space's page: welcome, sub-spaces, the composer, pinned posts and the stream.

    Whoever has the space's usage charter to accept sees it instead, with "Accept and enter" (no query when
    the space has no charter: ``charters.selectors.requirement`` is cached).

    The stream (through the stream app's ``space_feeds``) shows the sub-spaces' posts too when the space
    asks for it. ``stream:post-create`` renders this page again, with what was typed in ``form``, when a
    post into the space is refused. A bad cursor raises ``ValidationError``.
    """
    actor = request.user
    charter = charter_selectors.space_pending_for(actor, space.pk)
    if charter is not None:
        if request.htmx:  # type: ignore[attr-defined]  # a fragment: the whole page goes to the charter
            return HttpResponse(status=204, headers={"HX-Redirect": space.get_absolute_url()})
        return charter_gate(request, space, charter, pending=True)
    cursor = parse_cursor(request.GET)
    readable = access.can(actor, Action.READ_POSTS, space)
    unanswered = request.GET.get("filter") == "unanswered"
    source = parse_source(request.GET.get("source", ""))  # a bad one: 400 with its message (the view's caller)
    posts = (
        (
            question_selectors.unanswered_page(actor=actor, cursor=cursor, space_ids=[space.pk])
            if unanswered
            else space_feeds.feed_space(
                actor=actor, space=space, cursor=cursor, with_subspaces=space.include_subspace_posts, source=source
            )
        )
        if readable
        else None
    )
    if request.htmx and (cursor.max_id is not None or cursor.since_id is not None):  # type: ignore[attr-defined]
        return render(
            request,
            "spaces/space_detail.html#posts",
            {
                "space": space,
                "posts": posts,
                "feed_filter": "unanswered" if unanswered else "",
                "source": source,
                **_post_perms(request, space),
            },
        )
    context = space_context(request, space)
    draft = Post(author=cast(User, actor), space=space)  # the stream rules decide who may post where
    can_post = access.can(actor, Action.CREATE_POST, draft)
    context.update(
        welcome_html=mark_safe(render_markdown(space.welcome)) if space.welcome else "",  # noqa: S308 - sanitised
        subspaces=selectors.subspace_list_for(actor=actor, space=space),
        members=selectors.membership_preview_for(actor=actor, space=space, member_count=context["member_count"]),
        # Only someone who may ask to join sees whether they asked (``join_buttons.html``).
        pending_request=selectors.pending_join_request(actor=actor, space=space)
        if context["perms"]["request"]
        else None,
        posts=posts,
        pinned_posts=space_feeds.pinned_in_space_for(actor=actor, space=space)
        if readable and cursor.is_first_page
        else [],
        can_post=can_post,
        has_charter=charter_selectors.requirement(space.pk) is not None,  # cached: asked just above
        # Theirs alone (signed): mail from their address to it becomes their post here (``mailgate``).
        posting_address=post_address(user_id=draft.author_id, space_id=space.pk) if can_post else "",
        form=form,  # None: the composer's cached empty form (``stream/includes/composer.html``)
        feed_filter="unanswered" if unanswered else "",
        source=source,
        # The context column's section: the space's newest questions waiting for an answer.
        unanswered_questions=question_selectors.unanswered_in_space(actor=actor, space_id=space.pk) if readable else [],
    )
    return render(request, "spaces/space_detail.html", context, status=status)


def _post_perms(request: HttpRequest, space: Space) -> dict[str, Any]:
    return {"perms": {"moderate": access.can(request.user, Action.MODERATE, space)}}


@login_required
@require_GET
def space_detail(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.space_get_for(actor=request.user, slug=slug)
    try:
        return space_page(request, space)
    except ValidationError as exc:
        return error_response(request, exc)


@login_required
@require_GET
def members(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.space_get_for(actor=request.user, slug=slug)
    q = request.GET.get("q", "").strip()[:100]
    cursor = selectors.Cursor.decode(request.GET.get("after"))
    page = selectors.membership_page_for(actor=request.user, space=space, q=q, cursor=cursor)
    context = space_context(request, space)
    context.update(
        page=page, q=q, next_url=_next_url(request, page.next_cursor), role_form=RoleForm(), is_first_page=not cursor
    )
    if request.htmx:  # type: ignore[attr-defined]  # set by django-htmx
        return render(request, "spaces/space_members.html#member-results", context)
    return render(request, "spaces/space_members.html", context)
