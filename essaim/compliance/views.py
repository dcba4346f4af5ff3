"""/manage/retention/ (network administrators), /manage/legal-holds/ (network administrators and compliance
officers), /manage/compliance-exports/ (compliance officers): each asks its right first, as every /manage/
page does, then lists, and takes its form by POST."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.access import Action
from essaim.access.decorators import page_requires
from essaim.compliance import selectors, services
from essaim.compliance.forms import ComplianceExportForm, LegalHoldForm, RetentionPolicyForm
from essaim.core.downloads import private_file_response


def _refused(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@page_requires(Action.MANAGE_RETENTION)
@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest) -> HttpResponse:
    form = RetentionPolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.retention_policy_set(actor=request.user, space=data["space"], mode=data["mode"], days=data["days"])
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The retention policy is saved. It applies at the next hourly run."))
            return redirect("compliance:retention")
    context = {"form": form, "policies": selectors.retention_policy_list_for(actor=request.user)}
    return render(request, "compliance/retention.html", context, status=400 if form.errors else 200)


@page_requires(Action.MANAGE_RETENTION)
@require_POST
def retention_remove(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = selectors.retention_policy_get_for(actor=request.user, policy_id=policy_id)
    services.retention_policy_remove(actor=request.user, policy=policy)
    messages.success(request, _("The retention policy is removed: nothing is deleted or archived under it any more."))
    return redirect("compliance:retention")


@page_requires(Action.SET_LEGAL_HOLD)
@require_http_methods(["GET", "POST"])
def holds(request: HttpRequest) -> HttpResponse:
    form = LegalHoldForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.legal_hold_place(
                actor=request.user, user=data["person"], space=data["space"], reason=data["reason"]
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The legal hold is placed: what it covers is kept from now on."))
            return redirect("compliance:holds")
    context = {
        "form": form,
        "active": selectors.legal_hold_list_for(actor=request.user, active=True),
        "released": selectors.legal_hold_list_for(actor=request.user, active=False)[:50],
    }
    return render(request, "compliance/holds.html", context, status=400 if form.errors else 200)


@page_requires(Action.SET_LEGAL_HOLD)
@require_POST
def hold_release(request: HttpRequest, hold_id: int) -> HttpResponse:
    hold = selectors.legal_hold_get_for(actor=request.user, hold_id=hold_id)
    try:
        services.legal_hold_release(actor=request.user, hold=hold)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The legal hold is released."))
    return redirect("compliance:holds")


@page_requires(Action.EXPORT_COMPLIANCE)
@require_http_methods(["GET", "POST"])
def exports(request: HttpRequest) -> HttpResponse:
    form = ComplianceExportForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.compliance_export_request(
                actor=request.user, user=data["person"], space=data["space"], since=data["since"], until=data["until"]
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The export is being prepared. It appears below when it is ready."))
            return redirect("compliance:exports")
    context = {
        "form": form,
        "exports": services.compliance_exports_for(actor=request.user),
        "keep_days": services.KEEP.days,
    }
    return render(request, "compliance/exports.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def export_download(request: HttpRequest, export_id: int) -> HttpResponseBase:
    export = services.compliance_export_download(actor=request.user, export_id=export_id)
    name = (export.file.name or "").rsplit("/", 1)[-1]
    return private_file_response(export.file, filename=name, content_type="application/zip", as_attachment=True)
