"""The space's feeds (in its settings) and every feed of the network (/manage/feeds/)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from essaim import access
from essaim.access import Action
from essaim.access.decorators import page_requires
from essaim.core.http import add_service_errors
from essaim.feeds import selectors, services
from essaim.feeds.forms import FeedEditForm, FeedForm
from essaim.feeds.models import Feed
from essaim.spaces import selectors as space_selectors
from essaim.spaces.models import Space
from essaim.spaces.views.pages import space_context


def _feeds_url(space: Space) -> str:
    return reverse("feeds:space-feeds", kwargs={"slug": space.slug})


def _page(request: HttpRequest, space: Space, *, form: FeedForm | None = None, status: int = 200) -> HttpResponse:
    context: dict[str, Any] = space_context(request, space)
    context["feeds"] = list(selectors.feeds_of_space_for(actor=request.user, space=space))
    context["form"] = form or FeedForm()
    return render(request, "feeds/space_feeds.html", context, status=status)


@login_required
def space_feeds(request: HttpRequest, slug: str) -> HttpResponse:
    """A space's feeds with their health, and the form that subscribes the space to one more."""
    space = space_selectors.space_get_for(actor=request.user, slug=slug)
    access.require(request.user, Action.MANAGE_FEEDS, space)
    if request.method != "POST":
        return _page(request, space)
    form = FeedForm(request.POST)
    if form.is_valid():
        try:
            services.feed_subscribe(actor=request.user, space=space, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The space follows this feed: its new items will appear as posts."))
            return redirect(_feeds_url(space))
    return _page(request, space, form=form, status=400)


def _feed(request: HttpRequest, slug: str, feed_id: int) -> tuple[Space, Feed]:
    space = space_selectors.space_get_for(actor=request.user, slug=slug)
    return space, selectors.feed_get_for(actor=request.user, space=space, feed_id=feed_id)


@login_required
def feed_edit(request: HttpRequest, slug: str, feed_id: int) -> HttpResponse:
    space, feed = _feed(request, slug, feed_id)
    access.require(request.user, Action.EDIT, feed)
    initial = {"title": feed.title, "keywords": feed.keywords, "every": feed.every, "show": feed.show}
    form = FeedEditForm(request.POST or None, initial={**initial, "paused": feed.paused})
    if request.method == "POST" and form.is_valid():
        try:
            services.feed_edit(actor=request.user, feed=feed, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The feed's settings are saved."))
            return redirect(_feeds_url(space))
    context = space_context(request, space) | {"feed": feed, "form": form}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "feeds/feed_edit.html", context, status=status)


@login_required
@require_POST
def feed_fetch(request: HttpRequest, slug: str, feed_id: int) -> HttpResponse:
    space, feed = _feed(request, slug, feed_id)
    try:
        started = services.feed_fetch_now(actor=request.user, feed=feed)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if started:
            messages.success(request, _("The feed is being fetched: its new items will appear in a moment."))
        else:
            messages.info(request, _("The feed is already being fetched."))
    return redirect(_feeds_url(space))


@login_required
@require_POST
def feed_remove(request: HttpRequest, slug: str, feed_id: int) -> HttpResponse:
    space, feed = _feed(request, slug, feed_id)
    services.feed_remove(actor=request.user, feed=feed)
    messages.success(request, _("The space no longer follows this feed. The posts it brought stay."))
    return redirect(_feeds_url(space))


@page_requires(Action.VIEW_ALL_FEEDS)
@require_GET
def manage_feeds(request: HttpRequest) -> HttpResponse:
    """Every feed of the network, with its space and health, for the network administrators."""
    return render(request, "feeds/manage_feeds.html", {"feeds": list(selectors.feeds_all_for(actor=request.user))})
