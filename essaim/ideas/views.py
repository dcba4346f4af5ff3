"""Idea boxes' pages: a space's board (sorted, filtered), turning the box on or off, voting, setting a status."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.ideas import selectors, services
from essaim.ideas.forms import IdeaStatusForm
from essaim.ideas.models import IdeaStatus
from essaim.spaces import selectors as spaces_selectors
from essaim.spaces.models import Space
from essaim.spaces.views.pages import space_context


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)


def _next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def board_url(space: Space) -> str:
    return reverse("ideas:board", kwargs={"slug": space.slug})


@login_required
@require_GET
def board(request: HttpRequest, slug: str) -> HttpResponse:
    space = spaces_selectors.space_get_for(actor=_me(request), slug=slug)
    found = selectors.idea_board_for(
        actor=_me(request), space=space, sort=request.GET.get("sort", "votes"), status=request.GET.get("status", "")
    )
    box = selectors.idea_box_for(space=space)
    context = {
        **space_context(request, space),
        "board": found,
        "box": box,
        "statuses": IdeaStatus.choices,
        "sorts": [("votes", _("Most votes")), ("recent", _("Newest")), ("trending", _("Trending"))],
        "can_propose": box is not None and access.can(request.user, Action.CREATE_POST, space),
        "can_enable": access.can(request.user, Action.ENABLE_IDEAS, space),
        "can_set_status": access.can(request.user, Action.MODERATE, space),
        "status_form": IdeaStatusForm(),
    }
    return render(request, "ideas/board.html", context)


@login_required
@require_POST
def enable(request: HttpRequest, slug: str) -> HttpResponse:
    space = spaces_selectors.space_get_for(actor=_me(request), slug=slug)
    enabled = request.POST.get("enabled") != "0"
    services.idea_box_enable(actor=_me(request), space=space, enabled=enabled)
    messages.success(request, _("The idea box is open.") if enabled else _("The idea box is closed."))
    return redirect(board_url(space))


@login_required
@require_POST
def vote(request: HttpRequest, post_id: int) -> HttpResponse:
    """Vote for the idea, or take the vote back. With htmx: the vote button, redrawn."""
    idea = selectors.idea_get_for(actor=_me(request), post_id=post_id)
    voted = services.idea_vote_toggle(actor=_me(request), idea=idea)
    if getattr(request, "htmx", False):
        context = {"idea_id": idea.pk, "votes": idea.vote_count, "voted": voted, "next_url": _next(request, "")}
        return render(request, "ideas/includes/vote.html", context)
    return redirect(_next(request, idea.post.get_absolute_url()))


@login_required
@require_POST
def status(request: HttpRequest, post_id: int) -> HttpResponse:
    idea = selectors.idea_get_for(actor=_me(request), post_id=post_id)
    access.require(request.user, Action.SET_IDEA_STATUS, idea)
    form = IdeaStatusForm(request.POST)
    assert idea.post.space is not None  # an idea is always in a space
    back = _next(request, board_url(idea.post.space))
    if form.is_valid():
        try:
            services.idea_status_set(
                actor=_me(request), idea=idea, status=form.cleaned_data["status"], answer=form.cleaned_data["answer"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(back)
        messages.success(request, _("The idea's status is saved: its author and voters are told."))
        return redirect(back)
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(back)
