"""The notifications page, the bell's latest few, and marking read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from essaim.core.http import error_response, redirect_or_htmx
from essaim.core.pagination import Cursor, parse_cursor
from essaim.notifications import selectors, services
from essaim.notifications.links import target_url

MENU_SIZE = 8


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """All or only the unread ones (``?unread=1``), newest first, by cursor pages."""
    unread_only = request.GET.get("unread") == "1"
    try:
        cursor = parse_cursor(request.GET)
    except ValidationError as exc:
        return error_response(request, exc)
    page = selectors.notification_page_for(actor=request.user, cursor=cursor, unread_only=unread_only)
    context = {"page": page, "unread_only": unread_only}
    if request.htmx and cursor.max_id is not None:  # type: ignore[attr-defined]  # set by django-htmx
        return render(request, "notifications/list.html#items", context)
    return render(request, "notifications/list.html", context)


@login_required
@require_GET
def notification_menu(request: HttpRequest) -> HttpResponse:
    """The bell's panel: the latest few, loaded when it opens."""
    page = selectors.notification_page_for(actor=request.user, cursor=Cursor(limit=MENU_SIZE))
    return render(request, "notifications/menu.html", {"page": page})


@login_required
@require_GET
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notification: it is read once opened."""
    notification = selectors.notification_get_for(actor=request.user, notification_id=notification_id)
    services.notification_read(actor=request.user, notification=notification)
    return redirect(target_url(notification))


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = selectors.notification_get_for(actor=request.user, notification_id=notification_id)
    services.notification_read(actor=request.user, notification=notification)
    return redirect_or_htmx(request, _back_to_list(request))


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_read_all(actor=request.user)
    return redirect_or_htmx(request, _back_to_list(request))


def _back_to_list(request: HttpRequest) -> str:
    """The list the form was on (all, or the unread ones)."""
    url = reverse("notifications:list")
    return f"{url}?unread=1" if request.POST.get("unread") == "1" else url
