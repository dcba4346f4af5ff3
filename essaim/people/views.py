from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.core.ids import parse_id
from essaim.people import selectors, services
from essaim.people.forms import ProfileFieldForm, ProfileForm
from essaim.people.models import Profile


def _person(request: HttpRequest, handle: str) -> tuple[User, Profile]:
    """The visible person (404 otherwise) and their profile, created if an account has none yet."""
    person = selectors.person_get_for(actor=request.user, handle=handle)
    if not hasattr(person, "profile"):
        person.profile = services.profile_ensure(user=person)
    return person, person.profile


def _follow_context(request: HttpRequest, person: User) -> dict[str, Any]:
    return {
        "person": person,
        "can_follow": access.can(request.user, Action.FOLLOW, person),
        "is_following": selectors.is_following(actor=request.user, user=person),
    }


@login_required
def profile(request: HttpRequest, handle: str) -> HttpResponse:
    person, profile = _person(request, handle)
    context = {
        **_follow_context(request, person),
        "profile": profile,
        "manager": selectors.manager_for(actor=request.user, profile=profile),
        "skills": list(profile.skills.order_by("name")),
        "extra_fields": selectors.profile_fields_for(profile=profile),
        "reports": selectors.direct_reports_for(actor=request.user, user=person),
        "counts": selectors.follow_counts_for(actor=request.user, user=person),
        "can_edit": access.can(request.user, Action.EDIT, person),
        "can_view_follows": access.can(request.user, Action.VIEW_FOLLOWS, person),
        "can_view_directory": access.can(request.user, Action.VIEW_DIRECTORY),
    }
    return render(request, "people/profile_detail.html", context)


def _follow_response(request: HttpRequest, person: User) -> HttpResponse:
    """htmx gets the new button plus the follower counts swapped out of band; others a redirect."""
    if request.htmx:  # type: ignore[attr-defined]  # set by django-htmx's middleware
        context = {
            **_follow_context(request, person),
            "counts": selectors.follow_counts_for(actor=request.user, user=person),
            "can_view_follows": access.can(request.user, Action.VIEW_FOLLOWS, person),
            "oob": True,
        }
        button = render_to_string("people/profile_detail.html#follow-button", context, request=request)
        counts = render_to_string("people/profile_detail.html#follow-counts", context, request=request)
        return HttpResponse(button + counts)
    return HttpResponseRedirect(person.get_absolute_url())


@login_required
@require_POST
def follow(request: HttpRequest, handle: str) -> HttpResponse:
    person = selectors.person_get_for(actor=request.user, handle=handle)
    services.follow_create(actor=request.user, user=person)
    if not request.htmx:  # type: ignore[attr-defined]  # set by django-htmx
        messages.success(request, _("You now follow %(name)s.") % {"name": person.get_full_name()})
    return _follow_response(request, person)


@login_required
@require_POST
def unfollow(request: HttpRequest, handle: str) -> HttpResponse:
    person = selectors.person_get_for(actor=request.user, handle=handle)
    services.follow_delete(actor=request.user, user=person)
    if not request.htmx:  # type: ignore[attr-defined]  # set by django-htmx
        messages.success(request, _("You no longer follow %(name)s.") % {"name": person.get_full_name()})
    return _follow_response(request, person)


@login_required
@require_POST
def first_steps_dismiss(request: HttpRequest) -> HttpResponse:
    """Hide the newcomer's checklist on the home page; htmx gets a line saying so in its place."""
    user = cast(User, request.user)
    services.first_steps_close(actor=user, user=user)
    said = _("The first steps are hidden. Your profile and the directory stay a click away.")
    if request.htmx:  # type: ignore[attr-defined]  # set by django-htmx's middleware
        return HttpResponse(format_html('<p class="message message--success" role="status">{}</p>', said))
    messages.success(request, said)
    return HttpResponseRedirect("/")


@login_required
def my_profile_edit(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(reverse("people:profile-edit", kwargs={"handle": cast(User, request.user).handle}))


@login_required
def profile_edit(request: HttpRequest, handle: str) -> HttpResponse:
    person, profile = _person(request, handle)
    access.require(request.user, Action.EDIT, person)
    fields = selectors.profile_fields_list()
    form_kwargs: dict[str, Any] = {"actor": request.user, "profile": profile, "fields": fields}
    if request.method != "POST":
        initial = ProfileForm.initial_for(
            profile,
            selectors.profile_field_values(profile=profile),
            [s.name for s in profile.skills.order_by("name")],
            actor=request.user,
        )
        form = ProfileForm(initial=initial, **form_kwargs)
        return render(request, "people/profile_edit.html", {"form": form, "person": person})
    form = ProfileForm(request.POST, request.FILES, **form_kwargs)
    if form.is_valid() and _save_profile(request, form, profile):
        messages.success(request, _("Your changes are saved."))
        return HttpResponseRedirect(person.get_absolute_url())
    return render(request, "people/profile_edit.html", {"form": form, "person": person}, status=400)


def _save_profile(request: HttpRequest, form: ProfileForm, profile: Profile) -> bool:
    data = form.cleaned_data
    try:
        with transaction.atomic():
            services.profile_update(
                actor=request.user,
                profile=profile,
                job_title=data["job_title"],
                phone=data["phone"],
                **form.org_values(),
                languages=data["languages"],
                bio=data["bio"],
                skills=data["skills"],
                field_values=form.field_values(),
            )
            if data.get("photo"):
                services.profile_photo_set(actor=request.user, profile=profile, upload=data["photo"])
            elif data.get("remove_photo"):
                services.profile_photo_remove(actor=request.user, profile=profile)
    except ValidationError as exc:
        _add_errors(form, exc)
        return False
    return True


def _add_errors(form: ProfileForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    access.require(request.user, Action.VIEW_DIRECTORY)
    filters = selectors.DirectoryFilters(
        q=request.GET.get("q", "").strip()[:100],
        department=_int(request.GET.get("department")),
        site=_int(request.GET.get("site")),
        skill=request.GET.get("skill", "").strip()[:60],
    )
    cursor = selectors.Cursor.decode(request.GET.get("after"))
    page = selectors.directory_profiles_for(actor=request.user, filters=filters, cursor=cursor)
    params: dict[str, str] = {k: str(v) for k, v in request.GET.items() if k != "after" and v}
    next_url = f"{request.path}?{urlencode({**params, 'after': page.next_cursor})}" if page.next_cursor else None
    first_url = f"{request.path}?{urlencode(params)}" if params else request.path
    context = {
        "page": page,
        "filters": filters,
        "next_url": next_url,
        "first_url": first_url,
        "is_first_page": cursor is None,
    }
    if request.htmx and cursor is not None:  # type: ignore[attr-defined]  # set by django-htmx
        return render(request, "people/directory.html#results", context)
    context.update(
        departments=selectors.departments_list(),
        sites=selectors.sites_list(),
        skills=selectors.skills_in_use(),
    )
    return render(request, "people/directory.html", context)


@login_required
@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    """The people a picker or a mention suggests for ``q`` (name, handle or e-mail), only those the reader may see."""
    profiles = selectors.person_suggestions_for(actor=request.user, query=request.GET.get("q", "")[:100])
    return render(request, "people/includes/person_options.html", {"profiles": profiles})


def _int(raw: str | None) -> int | None:
    return parse_id(raw)


@login_required
def org_chart(request: HttpRequest, handle: str) -> HttpResponse:
    person, _profile = _person(request, handle)
    chain = selectors.manager_chain_for(actor=request.user, user=person)
    context = {
        "person": person,
        "chain": list(reversed(chain)),
        "reports": selectors.direct_reports_for(actor=request.user, user=person),
    }
    return render(request, "people/org_chart.html", context)


def _follow_list(request: HttpRequest, handle: str, *, followers: bool) -> HttpResponse:
    person, _profile = _person(request, handle)
    access.require(request.user, Action.VIEW_FOLLOWS, person)
    before = _int(request.GET.get("before"))
    select = selectors.followers_for if followers else selectors.following_for
    page = select(actor=request.user, user=person, before=before)
    next_url = f"{request.path}?{urlencode({'before': page.next_cursor})}" if page.next_cursor else None
    context = {"person": person, "page": page, "next_url": next_url, "followers": followers}
    if request.htmx and before is not None:  # type: ignore[attr-defined]  # set by django-htmx
        return render(request, "people/follow_list.html#results", context)
    return render(request, "people/follow_list.html", context)


@login_required
def followers(request: HttpRequest, handle: str) -> HttpResponse:
    return _follow_list(request, handle, followers=True)


@login_required
def following(request: HttpRequest, handle: str) -> HttpResponse:
    return _follow_list(request, handle, followers=False)


# --- Administration of extra profile fields ---------------------------------------------------------


@login_required
def field_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, Action.ADMINISTER_NETWORK)
    form = ProfileFieldForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.profile_field_create(actor=request.user, **form.cleaned_data)
            messages.success(request, _("The field is added to every profile."))
            return HttpResponseRedirect(reverse("people:field-list"))
        status = 400
    else:
        status = 200
    context = {"form": form, "fields": selectors.profile_fields_list()}
    return render(request, "people/field_list.html", context, status=status)


@login_required
def field_edit(request: HttpRequest, field_id: int) -> HttpResponse:
    access.require(request.user, Action.ADMINISTER_NETWORK)
    field = selectors.profile_field_get(field_id=field_id)
    form = ProfileFieldForm(request.POST or None, instance=field)
    if request.method == "POST":
        if form.is_valid():
            services.profile_field_update(actor=request.user, field=field, **form.cleaned_data)
            messages.success(request, _("The field is saved."))
            return HttpResponseRedirect(reverse("people:field-list"))
        return render(request, "people/field_edit.html", {"form": form, "field": field}, status=400)
    return render(request, "people/field_edit.html", {"form": form, "field": field})


@login_required
@require_POST
def field_delete(request: HttpRequest, field_id: int) -> HttpResponse:
    access.require(request.user, Action.ADMINISTER_NETWORK)
    field = selectors.profile_field_get(field_id=field_id)
    services.profile_field_delete(actor=request.user, field=field)
    messages.success(request, _("The field and its values are deleted."))
    return HttpResponseRedirect(reverse("people:field-list"))
