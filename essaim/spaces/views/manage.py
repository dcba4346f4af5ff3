"""Running a space: settings, archiving, deletion, roles, join requests, invitations, automatic rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.core.http import add_service_errors, error_response, redirect_or_htmx
from essaim.people import selectors as people_selectors
from essaim.spaces import selectors, services
from essaim.spaces.forms import DecisionForm, InvitationForm, RoleForm, RuleForm, SpaceForm, SpaceImageForm
from essaim.spaces.models import AutoMembershipRule, Space
from essaim.spaces.views.pages import space_context
from essaim.stream import selectors as stream_selectors


def _settings_page(request: HttpRequest, space: Space, **forms: Any) -> HttpResponse:
    access.require(request.user, Action.EDIT_SETTINGS, space)
    context = space_context(request, space)
    departments = people_selectors.departments_list()
    context.update(
        form=forms.get("form")
        or SpaceForm(
            initial={
                "name": space.name,
                "description": space.description,
                "visibility": space.visibility,
                "welcome": space.welcome,
                "include_subspace_posts": space.include_subspace_posts,
                "post_approval": space.post_approval,
            },
            subspace=space.parent_id is not None,
        ),
        image_form=forms.get("image_form") or SpaceImageForm(),
        rule_form=forms.get("rule_form") or RuleForm(departments=departments),
        rules=list(space.auto_rules.select_related("department").order_by("department__name")),
    )
    status = 400 if any(f.is_bound for f in forms.values()) else 200
    return render(request, "spaces/space_settings.html", context, status=status)


@login_required
def space_settings(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.space_get_for(actor=request.user, slug=slug)
    if request.method != "POST":
        return _settings_page(request, space)
    access.require(request.user, Action.EDIT_SETTINGS, space)
    form = SpaceForm(request.POST, subspace=space.parent_id is not None)
    if form.is_valid():
        try:
            services.space_update(actor=request.user, space=space, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            space.refresh_from_db()
        else:
            messages.success(request, _("The space's settings are saved."))
            return redirect(reverse("spaces:space-settings", kwargs={"slug": space.slug}))
    return _settings_page(request, space, form=form)


@login_required
@require_POST
def space_images(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.space_get_for(actor=request.user, slug=slug)
    access.require(request.user, Action.EDIT_SETTINGS, space)
    form = SpaceImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            for field in ("avatar", "banner"):
                if form.cleaned_data.get(field):
                    services.space_image_set(
                        actor=request.user, space=space, field=field, upload=form.cleaned_data[field]
                    )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The pictures are saved."))
            return redirect(reverse("spaces:space-settings", kwargs={"slug": space.slug}))
    return _settings_page(request, space, image_form=form)


@login_required
@require_POST
def rule_create(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.space_get_for(actor=request.user, slug=slug)
    access.require(request.user, Action.EDIT_SETTINGS, space)
    form = RuleForm(request.POST, departments=people_selectors.departments_list())
    if form.is_valid():
        try:
            services.rule_create(actor=request.user, space=space, department_id=form.cleaned_data["department"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The rule is saved; the people it covers are now members."))
            return redirect(reverse("spaces:space-settings", kwargs={"slug": space.slug}))
    return _settings_page(request, space, rule_form=form)


@login_required
@require_POST
def rule_delete(request: HttpRequest, slug: str, rule_id: int) -> HttpResponse:
    space = selectors.space_get_for(actor=request.user, slug=slug)
    access.require(request.user, Action.EDIT_SETTINGS, space)
    rule = AutoMembershipRule.objects.filter(space=space, pk=rule_id).first()
    if rule is None:
        raise Http404
    services.rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("The rule is removed. The people it added stay members."))
    return redirect(reverse("spaces:space-settings", kwargs={"slug": space.slug}))


@login_required
@require_POST
def space_archive(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.space_get_for(actor=request.user, slug=slug)
    try:
        if request.POST.get("restore"):
            services.space_unarchive(actor=request.user, space=space)
            messages.success(request, _("The space is active again."))
        else:
            services.space_archive(actor=request.user, space=space)
            messages.success(request, _("The space is archived: it stays readable, nothing can change in it."))
    except ValidationError as exc:
        return error_response(request, exc)
    return redirect_or_htmx(request, space.get_absolute_url())


@login_required
def space_delete(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.space_get_for(actor=request.user, slug=slug)
    access.require(request.user, Action.DELETE, space)
    if request.method == "POST":
        if request.POST.get("confirm_name", "").strip() != space.name:
            context = {**space_context(request, space), "confirm_error": True}
            return render(request, "spaces/space_delete.html", context, status=400)
        services.space_delete(actor=request.user, space=space)
        messages.success(request, _("The space %(name)s is deleted.") % {"name": space.name})
        return redirect_or_htmx(request, reverse("spaces:directory"))
    return render(request, "spaces/space_delete.html", space_context(request, space))


# --- Members


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    space = selectors.space_get_for(actor=request.user, slug=slug)
    membership = selectors.membership_get_for(actor=request.user, space=space, membership_id=membership_id)
    form = RoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a role from the list."))
        services.membership_role_change(actor=request.user, membership=membership, role=form.cleaned_data["role"])
    except ValidationError as exc:
        return error_response(request, exc)
    messages.success(request, _("%(name)s's role is changed.") % {"name": membership.user.get_full_name()})
    return redirect_or_htmx(request, reverse("spaces:space-members", kwargs={"slug": space.slug}))


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    space = selectors.space_get_for(actor=request.user, slug=slug)
    membership = selectors.membership_get_for(actor=request.user, space=space, membership_id=membership_id)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ValidationError as exc:
        return error_response(request, exc)
    messages.success(request, _("%(name)s is no longer a member.") % {"name": membership.user.get_full_name()})
    return redirect_or_htmx(request, reverse("spaces:space-members", kwargs={"slug": space.slug}))


# --- Join requests


@login_required
def join_requests(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.space_get_for(actor=request.user, slug=slug)
    context = space_context(request, space)
    context.update(requests=selectors.join_request_list_for(actor=request.user, space=space), form=DecisionForm())
    return render(request, "spaces/space_requests.html", context)


@login_required
@require_POST
def join_request_decide(request: HttpRequest, slug: str, request_id: int, decision: str) -> HttpResponse:
    space = selectors.space_get_for(actor=request.user, slug=slug)
    join_request = selectors.join_request_get_for(actor=request.user, space=space, request_id=request_id)
    form = DecisionForm(request.POST)
    response = form.cleaned_data["response"] if form.is_valid() else ""
    decide = services.join_request_approve if decision == "approve" else services.join_request_refuse
    try:
        decide(actor=request.user, join_request=join_request, response=response)
    except ValidationError as exc:
        return error_response(request, exc)
    messages.success(request, _("Your answer is recorded."))
    return redirect_or_htmx(request, reverse("spaces:space-requests", kwargs={"slug": space.slug}))


# --- Invitations


@login_required
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.space_get_for(actor=request.user, slug=slug)
    access.require(request.user, Action.INVITE_MEMBERS, space)
    form = InvitationForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            count = _invite(request, space, form.cleaned_data["who"], role=form.cleaned_data["role"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            several = ngettext("%(count)d invitation is sent.", "The %(count)d invitations are sent.", count)
            sent = several % {"count": count} if count > 1 else _("The invitation is sent.")
            messages.success(request, sent)
            return redirect(reverse("spaces:space-invitations", kwargs={"slug": space.slug}))
    context = space_context(request, space)
    context.update(form=form, invitations=selectors.space_invitation_list_for(actor=request.user, space=space))
    return render(request, "spaces/space_invitations.html", context, status=400 if form.is_bound else 200)


def _invite(request: HttpRequest, space: Space, people: list[User | str], *, role: str) -> int:
    """Invite each colleague (a ``User``) or address, all or none: a refusal names whom it is about."""
    with transaction.atomic():
        for person in people:
            user, email = (person, "") if isinstance(person, User) else (None, person)
            try:
                services.invitation_create(actor=request.user, space=space, user=user, email=email, role=role)
            except ValidationError as exc:
                if len(people) == 1:
                    raise
                name = user.get_full_name() if user is not None else email
                messages_about = [
                    m if name in m else _("%(name)s: %(message)s") % {"name": name, "message": m} for m in exc.messages
                ]
                raise ValidationError({"who": messages_about}) from exc
    return len(people)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    space = selectors.space_get_for(actor=request.user, slug=slug)
    invitation = selectors.space_invitation_get_for(actor=request.user, space=space, invitation_id=invitation_id)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        return error_response(request, exc)
    messages.success(request, _("The invitation is withdrawn."))
    return redirect_or_htmx(request, reverse("spaces:space-invitations", kwargs={"slug": space.slug}))


# --- Pinned posts


@login_required
@require_POST
def post_pin(request: HttpRequest, slug: str, post_id: int, pin: bool) -> HttpResponse:
    """Pin (or unpin) one of the space's posts on top of its stream: moderators, admins and owners."""
    space = selectors.space_get_for(actor=request.user, slug=slug)
    post = stream_selectors.post_get_for(actor=request.user, post_id=post_id)
    try:
        if pin:
            services.space_pin_add(actor=request.user, space=space, post=post)
            messages.success(request, _("The post is pinned on top of the space."))
        else:
            services.space_pin_remove(actor=request.user, space=space, post=post)
            messages.success(request, _("The post is no longer pinned."))
    except ValidationError as exc:
        return error_response(request, exc)
    return redirect_or_htmx(request, space.get_absolute_url())
