"""Writes of SCIM provisioning: the directory's tokens (network administrators) and what the directory
provisions (the directory itself, as ``actors.DirectoryActor``).

People are created through ``accounts.user_create``, renamed through ``accounts.user_directory_update``,
deactivated and reactivated through ``accounts.user_deactivate``/``user_reactivate`` (which revoke every
session and token), and their profile written through ``people.profile_update``: the same services as the
pages, with the directory as the actor ``access`` decides for. Every write is audited with the token as actor.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from essaim.access import Action, require, visible
from essaim.access.roles import Actor
from essaim.accounts import services as accounts_services
from essaim.accounts.models import User
from essaim.api.services import hash_token
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.core.text import fold
from essaim.people import services as people_services
from essaim.people.models import Department, Profile
from essaim.scim.errors import invalid_value, uniqueness
from essaim.scim.models import ScimGroup, ScimIdentity, ScimToken
from essaim.scim.resources import PLACEHOLDER_DOMAIN, GroupFields, UserFields

TOKEN_PREFIX = "scim_"  # noqa: S105 - a prefix that tells a SCIM token at a glance, not a secret
TOUCH_EVERY = timedelta(minutes=1)


# --- Tokens (network administrators)


@transaction.atomic
def scim_token_create(*, actor: Actor, name: str) -> tuple[ScimToken, str]:
    """A new token for the company's directory; the raw token is returned once and only its hash is kept."""
    require(actor, Action.MANAGE_SCIM_TOKENS)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ScimToken(name=name.strip(), token_hash=hash_token(raw), prefix=raw[:12], created_by=actor)
    token.full_clean()
    token.save()
    record(AuditAction.SCIM_TOKEN_CREATED, actor=actor, target=token)
    return token, raw


@transaction.atomic
def scim_token_revoke(*, actor: Actor, token: ScimToken) -> ScimToken:
    require(actor, Action.DELETE, token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(AuditAction.SCIM_TOKEN_REVOKED, actor=actor, target=token)
    return token


def scim_token_touch(*, token: ScimToken) -> None:
    """Note that the token was used, at most once a minute (no write on every request of a burst)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# --- People


def _check_user_name(user_name: str, *, user: User | None) -> None:
    taken = ScimIdentity.objects.filter(user_name_folded=fold(user_name), retired_at=None)
    unlinked = User.objects.filter(email__iexact=user_name, scim_identity__isnull=True)
    if user is not None:
        taken, unlinked = taken.exclude(user=user), unlinked.exclude(pk=user.pk)
    if taken.exists() or unlinked.exists():
        raise uniqueness(f"userName {user_name!r} is already used.")


def _email_for(fields: UserFields) -> str:
    return fields.email or f"{secrets.token_hex(8)}@{PLACEHOLDER_DOMAIN}"


def _manager(actor: Actor, fields: UserFields, user: User | None) -> User | None:
    if not fields.manager_id:
        return None
    from essaim.scim import selectors

    manager = selectors.user_get(actor=actor, user_id=fields.manager_id)
    if manager is None:
        raise invalid_value(f"The manager {fields.manager_id!r} is not a known user.")
    if user is not None and manager.pk == user.pk:
        raise invalid_value("A person cannot be their own manager.")
    return manager


def department_for_name(*, actor: Actor, name: str) -> Department | None:
    """The department a directory names (case-insensitive), created if new; ``None`` for no name. Also what
    the single sign-on's department claim goes through (``oidc.signin``)."""
    if not name:
        return None
    department = Department.objects.filter(name__iexact=name).first()
    return department or people_services.department_provision(actor=actor, name=name)


def department_among(names: list[str]) -> Department | None:
    """The first of ``names`` (a person's groups, in the directory's order) that names a department, whatever
    its case; ``None`` when none does. How single sign-on's groups claim (``oidc.signin``) and the LDAP
    directory's groups (``ldap.sync``) put a person in a department."""
    matches = Q()
    for name in names:
        matches |= Q(name__iexact=name)
    found = {d.name.lower(): d for d in Department.objects.filter(matches)} if names else {}
    return next((found[name.lower()] for name in names if name.lower() in found), None)


def _write_profile(actor: Actor, user: User, fields: UserFields, manager: User | None) -> None:
    profile = Profile.objects.get(user=user)
    people_services.profile_update(
        actor=actor,
        profile=profile,
        job_title=fields.title,
        department=department_for_name(actor=actor, name=fields.department),
        site=profile.site,
        phone=fields.phone,
        manager=manager,
        languages=profile.languages,
        bio=profile.bio,
    )


def _write_identity(user: User, fields: UserFields) -> ScimIdentity:
    identity, _created = ScimIdentity.objects.update_or_create(
        user=user,
        defaults={
            "user_name": fields.user_name,
            "user_name_folded": fold(fields.user_name),
            "external_id": fields.external_id,
            "employee_number": fields.employee_number,
            "preferred_language": fields.preferred_language,
            "display_name": fields.display_name,
            "name": fields.name,
            "emails": fields.emails,
            "phone_numbers": fields.phone_numbers,
        },
    )
    return identity


def _validation(error: ValidationError) -> Exception:
    """A service's refusal as SCIM says it: an address already used is a 409, anything else a 400."""
    messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    text = " ".join(f"{key}: {' '.join(value)}" if key else " ".join(value) for key, value in messages.items())
    if "email" in messages:
        return uniqueness(text)
    return invalid_value(text)


@transaction.atomic
def user_provision(*, actor: Actor, fields: UserFields) -> User:
    """A person the directory creates (``POST /Users``); inactive at once if it says ``active: false``.

    Someone the directory deleted before (``user_retire``) under the same userName or address comes back:
    the same account, reactivated, with what they wrote."""
    require(actor, Action.PROVISION_PEOPLE)
    from essaim.scim import selectors

    retired = selectors.user_retired(actor=actor, user_name=fields.user_name, email=fields.email)
    if retired is not None:
        ScimIdentity.objects.filter(user=retired).update(retired_at=None, user_name_folded=fold(fields.user_name))
        return user_replace(actor=actor, user=retired, fields=fields)
    _check_user_name(fields.user_name, user=None)
    manager = _manager(actor, fields, None)
    first_name, last_name = fields.names()
    try:
        with transaction.atomic():
            user = accounts_services.user_create(
                email=_email_for(fields),
                first_name=first_name,
                last_name=last_name,
                password=None,
                email_verified=True,
                language=fields.language,
            )
    except ValidationError as error:
        raise _validation(error) from None
    _write_profile(actor, user, fields, manager)
    _write_identity(user, fields)
    record(AuditAction.USER_PROVISIONED, actor=actor, target=user, user_name=fields.user_name)
    if not fields.active:
        accounts_services.user_deactivate(actor=actor, user=user)
    return user


@transaction.atomic
def user_replace(*, actor: Actor, user: User, fields: UserFields) -> User:
    """The directory's whole view of a person (``PUT``, and ``PATCH`` once applied): what it leaves out is
    cleared. Deactivation revokes every session and token (``accounts.user_deactivate``)."""
    require(actor, Action.PROVISION_PEOPLE)
    require(actor, Action.EDIT, user)
    _check_user_name(fields.user_name, user=user)
    manager = _manager(actor, fields, user)
    first_name, last_name = fields.names()
    email = fields.email or (user.email if user.email.endswith("@" + PLACEHOLDER_DOMAIN) else _email_for(fields))
    try:
        with transaction.atomic():
            accounts_services.user_directory_update(
                actor=actor, user=user, email=email, first_name=first_name, last_name=last_name
            )
    except ValidationError as error:
        raise _validation(error) from None
    if fields.language and fields.language != user.language:
        User.objects.filter(pk=user.pk).update(language=fields.language)
        user.language = fields.language
    _write_profile(actor, user, fields, manager)
    _write_identity(user, fields)
    record(AuditAction.USER_DIRECTORY_UPDATED, actor=actor, target=user, user_name=fields.user_name)
    if fields.active != user.is_active:
        if fields.active:
            accounts_services.user_reactivate(actor=actor, user=user)
        else:
            accounts_services.user_deactivate(actor=actor, user=user)
    return user


@transaction.atomic
def user_retire(*, actor: Actor, user: User) -> User:
    """``DELETE /Users/{id}``: the person is deactivated (sessions and tokens revoked), never erased: what
    they wrote stays. The directory no longer finds them (404); provisioning them again brings them back."""
    require(actor, Action.PROVISION_PEOPLE)
    require(actor, Action.EDIT, user)
    if user.is_active:
        accounts_services.user_deactivate(actor=actor, user=user)
    identity = ScimIdentity.objects.filter(user=user).first()
    if identity is None:  # a person Essaim knew before the directory: their identity starts retired
        identity = ScimIdentity(user=user, user_name=user.email, user_name_folded=fold(user.email))
    identity.retired_at = timezone.now()
    identity.save()
    return user


# --- Groups: departments


def _members(actor: Actor, member_ids: list[str]) -> list[User]:
    from essaim.scim import selectors

    people = selectors.users_by_ids(actor=actor, ids=member_ids)
    if len(people) != len(set(member_ids)):
        missing = sorted(set(member_ids) - {str(user.pk) for user in people})
        raise invalid_value(f"Unknown members: {', '.join(missing)}.")
    return people


def _set_members(actor: Actor, department: Department, people: list[User]) -> None:
    wanted = {user.pk for user in people}
    leaving = visible(actor, User.objects.filter(profile__department=department).exclude(pk__in=wanted))
    for user in leaving:
        people_services.profile_department_set(actor=actor, user=user, department=None)
    for user in people:
        people_services.profile_department_set(actor=actor, user=user, department=department)


def _name_free(name: str, department: Department | None) -> None:
    taken = Department.objects.filter(name__iexact=name)
    if department is not None:
        taken = taken.exclude(pk=department.pk)
    if taken.exists():
        raise uniqueness(f"A group named {name!r} already exists.")


@transaction.atomic
def group_provision(*, actor: Actor, fields: GroupFields) -> Department:
    """``POST /Groups``: a department, whose members move into it (a person is in one department: joining a
    second one leaves the first), and the automatic membership rules give them its spaces."""
    require(actor, Action.PROVISION_PEOPLE)
    _name_free(fields.display_name, None)
    people = _members(actor, fields.member_ids)
    try:
        with transaction.atomic():
            department = people_services.department_provision(actor=actor, name=fields.display_name)
    except (ValidationError, IntegrityError):
        raise uniqueness(f"A group named {fields.display_name!r} already exists.") from None
    ScimGroup.objects.create(department=department, external_id=fields.external_id)
    _set_members(actor, department, people)
    return department


@transaction.atomic
def group_replace(*, actor: Actor, department: Department, fields: GroupFields) -> Department:
    require(actor, Action.PROVISION_PEOPLE)
    _name_free(fields.display_name, department)
    people = _members(actor, fields.member_ids)
    people_services.department_rename(actor=actor, department=department, name=fields.display_name)
    ScimGroup.objects.update_or_create(department=department, defaults={"external_id": fields.external_id})
    _set_members(actor, department, people)
    return department


@transaction.atomic
def group_delete(*, actor: Actor, department: Department) -> None:
    require(actor, Action.PROVISION_PEOPLE)
    people_services.department_delete(actor=actor, department=department)
