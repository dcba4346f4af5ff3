"""/manage/ldap/: the company's LDAP directory (network administrators only, ``Action.MANAGE_SSO``).

Its settings (the bind password never shown back), "Test the connection" (said in words), "Sync now" (a
task), and what the last sync did or why it failed, in the reader's language."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from essaim.access import Action
from essaim.access.decorators import page_requires
from essaim.core.connection_report import Report
from essaim.ldap import client, selectors, services
from essaim.ldap.connection import connection_test
from essaim.ldap.forms import DirectoryForm
from essaim.ldap.models import LdapDirectory


def _last_sync(directory: LdapDirectory) -> dict[str, Any] | None:
    if directory.last_sync_at is None:
        return None
    summary = directory.last_sync_summary or {}
    error = summary.get("error")
    return {
        "at": directory.last_sync_at,
        "ok": directory.last_sync_ok,
        "summary": summary,
        "error": client.describe(error, summary.get("params") or {}) if error else "",
    }


def _page(
    request: HttpRequest, directory: LdapDirectory, form: DirectoryForm, report: Report | None = None, status: int = 200
) -> HttpResponse:
    context = {"directory": directory, "form": form, "report": report, "last_sync": _last_sync(directory)}
    return render(request, "ldap/directory.html", context, status=status)


@page_requires(Action.MANAGE_SSO)
@require_http_methods(["GET", "POST"])
def directory_edit(request: HttpRequest) -> HttpResponse:
    directory = selectors.directory_get_for(actor=request.user)
    if request.method == "GET":
        return _page(request, directory, DirectoryForm(directory=directory))
    form = DirectoryForm(request.POST, directory=directory)
    if not form.is_valid():
        return _page(request, directory, form, status=400)
    services.directory_update(
        actor=request.user, directory=directory, password=form.cleaned_data["password"], **form.values()
    )
    messages.success(request, _("The directory’s settings are saved."))
    return redirect("ldap:directory")


@page_requires(Action.MANAGE_SSO)
@require_POST
def directory_test(request: HttpRequest) -> HttpResponse:
    directory = selectors.directory_get_for(actor=request.user)
    return _page(request, directory, DirectoryForm(directory=directory), report=connection_test(directory=directory))


@page_requires(Action.MANAGE_SSO)
@require_POST
def directory_sync(request: HttpRequest) -> HttpResponse:
    directory = selectors.directory_get_for(actor=request.user)
    if not directory.enabled:
        messages.error(request, _("Enable the directory first: a disabled directory is not synced."))
        return redirect("ldap:directory")
    services.directory_sync_request(actor=request.user, directory=directory)
    messages.success(request, _("The sync has started; its outcome shows below when it ends (reload the page)."))
    return redirect("ldap:directory")
