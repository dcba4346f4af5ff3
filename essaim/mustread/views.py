"""Must-read announcements' pages: ask for confirmations, confirm ("I have read it"), follow who confirmed and
who has not, remind them, export the list as CSV."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.mustread import exports, selectors, services
from essaim.people.models import Department
from essaim.stream import selectors as stream_selectors


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)


def _next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@login_required
@require_POST
def require(request: HttpRequest, post_id: int) -> HttpResponse:
    """Ask for confirmations (``department``: only that department's people), or stop asking (``drop``)."""
    post = stream_selectors.post_get_for(actor=_me(request), post_id=post_id)
    if request.POST.get("drop"):
        services.must_read_drop(actor=_me(request), post=post)
        messages.success(request, _("This announcement no longer asks for a read confirmation."))
        return redirect(post.get_absolute_url())
    access.require(request.user, Action.REQUIRE_READ, post)
    department = None
    if raw := request.POST.get("department", "").strip():
        department = Department.objects.filter(pk=int(raw) if raw.isdigit() else 0).first()
        if department is None:
            messages.error(request, _("This department does not exist any more: choose another."))
            return redirect(post.get_absolute_url())
    services.must_read_require(actor=_me(request), post=post, department=department)
    messages.success(request, _("The people it targets now see it pinned until they confirm they have read it."))
    return redirect(reverse("mustread:confirmations", kwargs={"post_id": post.pk}))


@login_required
@require_POST
def confirm(request: HttpRequest, post_id: int) -> HttpResponse:
    must_read = selectors.must_read_get_for(actor=_me(request), post_id=post_id)
    services.read_confirm(actor=_me(request), must_read=must_read)
    messages.success(request, _("Thank you: your confirmation is recorded."))
    return redirect(_next(request, must_read.post.get_absolute_url()))


@login_required
@require_GET
def confirmations(request: HttpRequest, post_id: int) -> HttpResponse:
    must_read = selectors.must_read_get_for(actor=_me(request), post_id=post_id)
    found = selectors.confirmations_for(actor=_me(request), must_read=must_read)
    context = {
        "must_read": must_read,
        "post": must_read.post,
        "found": found,
        "can_remind": access.can(request.user, Action.REMIND_UNCONFIRMED, must_read),
    }
    return render(request, "mustread/confirmations.html", context)


@login_required
@require_POST
def remind(request: HttpRequest, post_id: int) -> HttpResponse:
    must_read = selectors.must_read_get_for(actor=_me(request), post_id=post_id)
    services.read_remind(actor=_me(request), must_read=must_read)
    messages.success(request, _("A reminder is on its way to everyone who has not confirmed yet."))
    return redirect(reverse("mustread:confirmations", kwargs={"post_id": post_id}))


@login_required
@require_GET
def export(request: HttpRequest, post_id: int) -> StreamingHttpResponse:
    must_read = selectors.must_read_get_for(actor=_me(request), post_id=post_id)
    rows = selectors.confirmation_rows_for(actor=_me(request), must_read=must_read)
    response = StreamingHttpResponse(exports.csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="read-confirmations-{post_id}.csv"'
    return response
