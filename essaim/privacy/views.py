"""Your data (/accounts/data/): ask for an archive, download it. Erasing an account (/manage/people/…/erase/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from essaim.access import Action
from essaim.access.decorators import page_requires
from essaim.accounts import selectors as account_selectors
from essaim.core.downloads import private_file_response
from essaim.privacy import services
from essaim.privacy.forms import EraseForm


@page_requires(Action.EXPORT_OWN_DATA)
@require_http_methods(["GET", "POST"])
def data(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        try:
            services.data_export_request(actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            status = 409
        else:
            messages.success(request, _("Your archive is being prepared. It appears below in a few minutes."))
            return redirect("privacy:data")
    context = {"exports": services.data_exports_for(actor=request.user), "keep_days": services.KEEP.days}
    return render(request, "privacy/data.html", context, status=status)


@login_required
@require_GET
def download(request: HttpRequest, export_id: int) -> HttpResponseBase:
    export = services.data_export_get_for(actor=request.user, export_id=export_id)
    name = (export.file.name or "").rsplit("/", 1)[-1]
    return private_file_response(export.file, filename=name, content_type="application/zip", as_attachment=True)


@page_requires(Action.ERASE_PEOPLE)
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest, user_id: int) -> HttpResponse:
    """GET asks what to do with what they wrote and for their address; POST erases."""
    person = account_selectors.user_get_for(actor=request.user, user_id=user_id)
    form = EraseForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        name = person.get_full_name()
        try:
            services.account_erase(actor=request.user, user=person, keep_content=form.keep_content)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            said = _("%(name)s's account was anonymised.") if form.keep_content else _("%(name)s's account was erased.")
            messages.success(request, said % {"name": name})
            return HttpResponseRedirect(reverse("network:people"))
    status = 400 if request.method == "POST" else 200
    return render(request, "privacy/erase.html", {"person": person, "form": form}, status=status)
