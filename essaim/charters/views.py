"""The network's usage charter: /charter/ to read and accept it, /manage/charter/ to publish a version, and the
acceptances exported as CSV (a privileged action: logged before the file is sent).

Spaces' charters are read, accepted and edited from the space's own pages (``essaim.spaces.views.charter``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaim import access
from essaim.access import Action
from essaim.access.decorators import page_requires
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.charters import exports, selectors, services
from essaim.charters.forms import CharterForm
from essaim.charters.models import Charter
from essaim.core.http import add_service_errors
from essaim.core.markdown import render_markdown


def body_html(charter: Charter | None) -> str:
    """The charter's text in the reader's language (or the other), rendered and sanitised."""
    return mark_safe(render_markdown(charter.body())) if charter is not None else ""  # noqa: S308 - sanitised


def safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@login_required
def charter_page(request: HttpRequest) -> HttpResponse:
    """The charter to read; with the version to accept, "I accept" (or sign out). POST: accept it."""
    charter = selectors.charter_current()
    if request.method == "POST":
        if charter is None or str(charter.pk) != request.POST.get("charter"):
            messages.error(request, _("A newer version of the charter was published: read it, then accept it."))
            return HttpResponseRedirect(request.get_full_path())
        try:
            services.charter_accept(actor=request.user, charter=charter)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.get_full_path())
        messages.success(request, _("Thank you: you accepted the usage charter."))
        return HttpResponseRedirect(safe_next(request))
    context = {
        "charter": charter,
        "body_html": body_html(charter),
        "pending": selectors.pending_for(request.user),
        "acceptance": selectors.acceptance_of(user=request.user, charter=charter) if charter else None,
        "next": safe_next(request),
        "may_export": access.can(request.user, Action.EXPORT_CHARTER_ACCEPTANCES),
        "may_manage": access.can(request.user, Action.MANAGE_CHARTER),
    }
    return render(request, "charters/charter_page.html", context)


def editor_context(request: HttpRequest, *, space_id: int | None, form: CharterForm | None) -> dict[str, Any]:
    """What the network's and a space's charter editors show: the current version, the history, the form."""
    history = selectors.charter_history(space_id=space_id)
    current = history[0] if history else None
    if form is None:
        initial = {"body_fr": current.body_fr, "body_en": current.body_en} if current else {}
        form = CharterForm(initial=initial, first=current is None)
    preview = None
    if form.is_bound and form.is_valid() and "preview" in request.POST:
        preview = Charter(body_fr=form.cleaned_data["body_fr"], body_en=form.cleaned_data["body_en"])
    return {"current": current, "history": history, "form": form, "preview_html": body_html(preview)}


def publish_from(request: HttpRequest, *, space: Any = None) -> tuple[CharterForm, Charter | None]:
    """The editor's POST: a preview (nothing published) or a new version, through the service."""
    first = selectors.charter_current(space_id=space.pk if space is not None else None) is None
    form = CharterForm(request.POST, first=first)
    if not form.is_valid() or "preview" in request.POST:
        return form, None
    try:
        charter = services.charter_publish(
            actor=request.user,
            space=space,
            body_fr=form.cleaned_data["body_fr"],
            body_en=form.cleaned_data["body_en"],
            requires_acceptance=form.cleaned_data.get("requires_acceptance", True),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return form, None
    return form, charter


def published_message(charter: Charter) -> str:
    if charter.requires_acceptance:
        return _("Version %(version)s is published: everyone accepts it at their next page.") % {
            "version": charter.version
        }
    return _("Version %(version)s is published; nobody is asked to accept it again.") % {"version": charter.version}


@page_requires(Action.MANAGE_CHARTER)
def manage(request: HttpRequest) -> HttpResponse:
    form = None
    if request.method == "POST":
        form, charter = publish_from(request)
        if charter is not None:
            messages.success(request, published_message(charter))
            return HttpResponseRedirect(reverse("charters:manage"))
    context = editor_context(request, space_id=None, form=form)
    status = 400 if form is not None and not form.is_valid() else 200
    return render(request, "charters/manage.html", context, status=status)


@page_requires(Action.EXPORT_CHARTER_ACCEPTANCES)
@require_POST
def acceptances_export(request: HttpRequest) -> HttpResponseBase:
    with transaction.atomic():
        record(AuditAction.CHARTER_ACCEPTANCES_EXPORTED, actor=request.user, format="csv")
    rows = selectors.acceptances_to_export(actor=request.user)
    response = StreamingHttpResponse(exports.csv_lines(rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="essaim-charter-acceptances-{stamp}.csv"'
    return response
