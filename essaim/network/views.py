"""The administration pages under /manage/: invitations, people, the network's settings.

Every view asks ``access.require(actor, Action.ADMINISTER_NETWORK)`` first: anonymous visitors
are sent to sign in, everyone else without the role gets 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from essaim import access
from essaim.access import Action
from essaim.access.decorators import page_requires
from essaim.accounts import selectors as account_selectors
from essaim.accounts import services as account_services
from essaim.accounts.invitation_files import ENCODING_LABELS
from essaim.accounts.models import InvitationBatch, User
from essaim.mailbox.backends import outbox_enabled
from essaim.network import services
from essaim.network.forms import (
    ROLES,
    InvitationFileForm,
    InvitationForm,
    NetworkSettingsForm,
    PeopleSearchForm,
    RoleForm,
    apply_service_errors,
)
from essaim.network.selectors import network_settings

PEOPLE_PER_PAGE = 50


admin_page = page_requires(Action.ADMINISTER_NETWORK)  # sign-in, then the network administrator role


@admin_page
def home(request: HttpRequest) -> HttpResponse:
    pending = account_selectors.invitation_list_for(actor=request.user).filter(accepted_at=None, revoked_at=None)
    context = {"pending_invitations": pending.count(), "outbox_enabled": outbox_enabled()}
    return render(request, "network/home.html", context)


# --- Invitations


def _invitations_page(request: HttpRequest, form: InvitationForm, *, status: int = 200) -> HttpResponse:
    invitations = account_selectors.invitation_list_for(actor=request.user)[:200]
    return render(request, "network/invitations.html", {"form": form, "invitations": invitations}, status=status)


@admin_page
def invitations(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _invitations_page(request, InvitationForm())
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _invitations_page(request, form, status=400)
    try:
        invitation = account_services.invitation_send(actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        apply_service_errors(form, error)
        return _invitations_page(request, form, status=400)
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    return HttpResponseRedirect(reverse("network:invitations"))


@admin_page
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = account_selectors.invitation_get_for(actor=request.user, invitation_id=invitation_id)
    try:
        account_services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email})
    return HttpResponseRedirect(reverse("network:invitations"))


@admin_page
@require_POST
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = account_selectors.invitation_get_for(actor=request.user, invitation_id=invitation_id)
    try:
        account_services.invitation_resend(actor=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A new invitation link was sent to %(email)s.") % {"email": invitation.email})
    return HttpResponseRedirect(reverse("network:invitations"))


# --- Invitations from a file


@admin_page
def invitation_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV file of people to invite; it is kept on the server and previewed before anything is sent."""
    if request.method != "POST":
        return render(request, "network/invitation_import.html", {"form": InvitationFileForm()})
    form = InvitationFileForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = account_services.invitation_batch_create(
                actor=request.user, filename=upload.name or "", data=upload.read()
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return HttpResponseRedirect(reverse("network:invitation-import-preview", kwargs={"batch_id": batch.pk}))
    return render(request, "network/invitation_import.html", {"form": form}, status=400)


@admin_page
def invitation_import_preview(request: HttpRequest, batch_id: int) -> HttpResponse:
    """GET: each line of the file and its errors; POST: send the invitations of the right lines."""
    batch = account_selectors.invitation_batch_get_for(actor=request.user, batch_id=batch_id)
    if batch.sent_at is not None:
        messages.info(request, _("This file was already sent."))
        return HttpResponseRedirect(reverse("network:invitations"))
    if request.method == "POST":
        return _invitation_import_send(request, batch)
    preview = account_selectors.invitation_batch_preview(batch=batch)
    context = {"preview": preview, "encoding": ENCODING_LABELS.get(batch.encoding, batch.encoding)}
    return render(request, "network/invitation_import_preview.html", context)


def _invitation_import_send(request: HttpRequest, batch: InvitationBatch) -> HttpResponse:
    try:
        sent, left_out = account_services.invitation_batch_send(actor=request.user, batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(reverse("network:invitations"))
    said = ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", len(sent)) % {"count": len(sent)}
    if left_out:
        said += " " + ngettext(
            "%(count)d line left out: fix it in the file and upload it again.",
            "%(count)d lines left out: fix them in the file and upload it again.",
            left_out,
        ) % {"count": left_out}
    messages.success(request, said)
    return HttpResponseRedirect(reverse("network:invitations"))


# --- People


@admin_page
def people(request: HttpRequest) -> HttpResponse:
    """Everyone, searched by name, handle or e-mail and paged; each role a toggle showing its state."""
    form = PeopleSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    users = account_selectors.user_list_for(actor=request.user, query=query)
    page = Paginator(users, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(person, _role_list(person)) for person in page.object_list]
    context = {
        "form": form,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "rows": rows,
        "query": query,
    }
    return render(request, "network/people.html", context)


def _role_list(person: User) -> list[tuple[str, str, str, bool]]:
    """``(role, label, what it allows, held)`` for each network role, from the flags loaded with the person."""
    return [
        (role, str(ROLES[role][0]), str(ROLES[role][1]), bool(getattr(person, field)))
        for role, field in account_services.ROLE_FIELDS.items()
    ]


@admin_page
def person_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    """GET asks for confirmation; POST deactivates."""
    person = account_selectors.user_get_for(actor=request.user, user_id=user_id)
    if request.method != "POST":
        return render(request, "network/person_deactivate.html", {"person": person})
    try:
        account_services.user_deactivate(actor=request.user, user=person)
    except ValidationError as error:
        return render(
            request, "network/person_deactivate.html", {"person": person, "errors": error.messages}, status=400
        )
    messages.success(request, _("%(name)s can no longer sign in.") % {"name": person})
    return HttpResponseRedirect(reverse("network:people"))


@admin_page
@require_POST
def person_reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    person = account_selectors.user_get_for(actor=request.user, user_id=user_id)
    account_services.user_reactivate(actor=request.user, user=person)
    messages.success(request, _("%(name)s can sign in again.") % {"name": person})
    return HttpResponseRedirect(reverse("network:people"))


@admin_page
@require_POST
def person_role(request: HttpRequest, user_id: int) -> HttpResponse:
    """Grant or remove a role. A grant is confirmed first: in a dialog when scripts run, else on a page
    of its own (a grant posted without ``confirmed`` answers that page and changes nothing)."""
    person = account_selectors.user_get_for(actor=request.user, user_id=user_id)
    form = RoleForm(request.POST)
    back = _people_return(request)
    if not form.is_valid():
        messages.error(request, _("Choose a role to change."))
        return HttpResponseRedirect(back)
    role, enabled = form.cleaned_data["role"], form.cleaned_data["enabled"]
    if enabled and not form.cleaned_data["confirmed"]:
        access.require(request.user, Action.MANAGE_PEOPLE)
        label, about = ROLES[role]
        context = {"person": person, "role": role, "label": label, "about": about, "back": back}
        return render(request, "network/person_role_confirm.html", context)
    try:
        account_services.user_role_set(actor=request.user, user=person, role=role, enabled=enabled)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        said = (
            _("%(name)s now has the role “%(role)s”.") if enabled else _("%(name)s no longer has the role “%(role)s”.")
        ) % {
            "name": person,
            "role": ROLES[role][0],
        }
        messages.success(request, said)
    return HttpResponseRedirect(back)


def _people_return(request: HttpRequest) -> str:
    """The people page the form came from (its search and page kept), else the first one."""
    people_url = reverse("network:people")
    back = request.POST.get("next", "")
    return back if back.startswith(people_url + "?") or back == people_url else people_url


# --- The network's settings


@admin_page
def network_edit(request: HttpRequest) -> HttpResponse:
    current = network_settings()
    form = NetworkSettingsForm(request.POST or None, request.FILES or None, instance=current)
    if request.method != "POST":
        return render(request, "network/network_edit.html", {"form": form})
    if form.is_valid():
        try:
            services.network_settings_update(
                actor=request.user,
                name=form.cleaned_data["name"],
                accent_color=form.cleaned_data["accent_color"],
                signup_open=form.cleaned_data["signup_open"],
                signup_domains=form.cleaned_data["signup_domains"],
                guests_allowed=form.cleaned_data["guests_allowed"],
                two_factor_required=form.cleaned_data["two_factor_required"] or None,
                logo=form.cleaned_logo.content if form.cleaned_logo else None,
                remove_logo=form.cleaned_data.get("remove_logo", False),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The network's settings are saved."))
            return HttpResponseRedirect(reverse("network:settings"))
    return render(request, "network/network_edit.html", {"form": form}, status=400)
