"""Joining and leaving: join a public space, ask to join a private one, leave, answer invitations."""

from __future__ import annotations

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
from essaim.core.http import add_service_errors, error_response, redirect_or_htmx
from essaim.spaces import selectors, services
from essaim.spaces.forms import JoinRequestForm
from essaim.spaces.views.pages import space_context


@login_required
@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.space_get_for(actor=request.user, slug=slug)
    try:
        services.membership_join(actor=request.user, space=space)
    except ValidationError as exc:
        return error_response(request, exc)
    messages.success(request, _("Welcome to %(name)s!") % {"name": space.name})
    return redirect_or_htmx(request, space.get_absolute_url())


@login_required
def request_join(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.space_get_for(actor=request.user, slug=slug)
    access.require(request.user, Action.REQUEST_JOIN, space)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.join_request_create(actor=request.user, space=space, message=form.cleaned_data["message"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your request is sent. The space's administrators will answer."))
            return redirect_or_htmx(request, space.get_absolute_url())
    context = {**space_context(request, space), "form": form}
    return render(request, "spaces/space_request.html", context, status=400 if form.is_bound else 200)


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.space_get_for(actor=request.user, slug=slug)
    try:
        services.membership_leave(actor=request.user, space=space)
    except ValidationError as exc:
        return error_response(request, exc)
    messages.success(request, _("You have left %(name)s.") % {"name": space.name})
    return redirect_or_htmx(request, reverse("spaces:directory"))


@login_required
@require_GET
def my_invitations(request: HttpRequest) -> HttpResponse:
    return render(
        request, "spaces/invitation_list.html", {"invitations": selectors.my_invitation_list(actor=request.user)}
    )


@login_required
@require_POST
def invitation_answer(request: HttpRequest, invitation_id: int, answer: str) -> HttpResponse:
    invitation = selectors.my_invitation_get(actor=request.user, invitation_id=invitation_id)
    try:
        if answer == "accept":
            services.invitation_accept(actor=request.user, invitation=invitation)
        else:
            services.invitation_decline(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        return error_response(request, exc)
    if answer == "accept":
        messages.success(request, _("Welcome to %(name)s!") % {"name": invitation.space.name})
        return redirect(invitation.space.get_absolute_url())
    messages.success(request, _("The invitation is declined."))
    return redirect(reverse("spaces:my-invitations"))
