"""The notifications page, the bell's latest few, marking read, and the notification settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.core.http import add_service_errors, error_response, redirect_or_htmx
from essaim.core.pagination import Cursor, parse_cursor
from essaim.notifications import selectors, services
from essaim.notifications.forms import NotificationSettingsForm
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
def notification_bell(request: HttpRequest) -> HttpResponse:
    """The bell alone, with its count: what a live page swaps in when told of a notification."""
    unread = selectors.unread_count_for(actor=request.user)
    return render(request, "notifications/includes/bell.html", {"unread": unread})


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


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """How each kind of notification reaches the person, and what each of their spaces tells them."""
    choices = selectors.notification_choices_for(actor=request.user)
    preferences = selectors.email_preferences_for(actor=request.user)
    data = request.POST if request.method == "POST" else None
    form = NotificationSettingsForm(data, choices=choices, preferences=preferences)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.notification_settings_save(
                    actor=request.user, channels=form.channels(), levels=form.levels(), **form.email()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your notification settings are saved."))
                return redirect("notifications:settings")
        return render(request, "notifications/settings.html", {"form": form}, status=400)
    return render(request, "notifications/settings.html", {"form": form})
