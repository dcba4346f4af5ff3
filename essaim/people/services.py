"""Writes about people: profiles, photos, skills, follows and extra profile fields.

Keyword-only, typed, atomic; the permission check comes first; side effects run on commit.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.accounts.models import User
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.core.ratelimits import take
from essaim.core.text import fold
from essaim.core.uploads import clean_image
from essaim.events import emit
from essaim.events.types import Followed, Unfollowed
from essaim.people.models import Department, Follow, Profile, ProfileField, ProfileFieldValue, Site, Skill
from essaim.spaces.services import memberships_sync_for_user

PHOTO_SIDE = 512
MAX_CHAIN = 20
SKILL_MAX_LENGTH = 60


# --- Profiles ---------------------------------------------------------------------------------------


@transaction.atomic
def profile_ensure(*, user: User, first_steps: bool = False) -> Profile:
    """The user's profile, created (with its search keys) if missing. Accounts call this on sign-up,
    with ``first_steps``: a new profile then shows the newcomer's checklist on the home page."""
    try:
        return Profile.objects.get(user=user)
    except Profile.DoesNotExist:
        profile = Profile(user=user, first_steps_open=first_steps)
        profile.refresh_keys()
        profile.full_clean()
        profile.save()
        return profile


@transaction.atomic
def first_steps_close(*, actor: Actor, user: User) -> None:
    """Hide the newcomer's checklist for good: dismissed, or every step done (``people.first_steps``)."""
    access.require(actor, Action.EDIT, user)
    profile = profile_ensure(user=user) if not hasattr(user, "profile") else user.profile
    if profile.first_steps_open:
        profile.first_steps_open = False
        profile.save(update_fields=["first_steps_open", "updated_at"])


@transaction.atomic
def profile_refresh_keys(*, user: User) -> Profile:
    """Recompute the search and sort keys after a name or handle change (called by accounts)."""
    profile = profile_ensure(user=user)
    profile.user = user
    profile.refresh_keys()
    profile.save(update_fields=["search_key", "sort_key", "updated_at"])
    return profile


def _check_manager(profile: Profile, manager: User | None) -> None:
    if manager is None:
        return
    if manager.pk == profile.user_id:
        raise ValidationError({"manager": _("A person cannot be their own manager.")})
    # Walk up from the new manager: finding the person again would close a loop.
    seen: set[int] = set()
    current: int | None = manager.pk
    for _level in range(MAX_CHAIN * 5):
        if current is None or current in seen:
            return
        if current == profile.user_id:
            raise ValidationError({"manager": _("This would make a loop in the org chart: choose someone else.")})
        seen.add(current)
        current = Profile.objects.filter(user_id=current).values_list("manager_id", flat=True).first()


def parse_skills(text: str) -> list[str]:
    """``"Python, python , Gestion de projet"`` → ``["Python", "Gestion de projet"]`` (folded duplicates dropped)."""
    names: dict[str, str] = {}
    for raw in text.split(","):
        name = " ".join(raw.split())
        if not name:
            continue
        if len(name) > SKILL_MAX_LENGTH:
            raise ValidationError(
                _("A skill is at most %(limit)d characters: “%(skill)s”.") % {"limit": SKILL_MAX_LENGTH, "skill": name}
            )
        names.setdefault(fold(name), name)
    return list(names.values())


def skills_get_or_create(*, names: Iterable[str]) -> list[Skill]:
    """Skills by name, created on the fly; "python" reuses an existing "Python"."""
    wanted: dict[str, str] = {}
    for name in names:
        wanted.setdefault(fold(name), name)
    if not wanted:
        return []
    existing = {s.folded: s for s in Skill.objects.filter(folded__in=wanted.keys())}
    skills: list[Skill] = []
    for folded, name in wanted.items():
        skill = existing.get(folded)
        if skill is None:
            skill = Skill(name=name, folded=folded)
            skill.full_clean()
            skill.save()
        skills.append(skill)
    return skills


def _clean_field_value(field: ProfileField, value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if field.kind == ProfileField.Kind.CHOICE and value not in field.choice_list:
        raise ValidationError({f"field_{field.pk}": _("Choose one of the proposed values.")})
    if field.kind == ProfileField.Kind.DATE:
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValidationError({f"field_{field.pk}": _("Enter a valid date.")}) from None
    if len(value) > 500:
        raise ValidationError({f"field_{field.pk}": _("At most 500 characters.")})
    return value


def _set_field_values(profile: Profile, values: Mapping[int, str]) -> None:
    fields = {f.pk: f for f in ProfileField.objects.filter(pk__in=values.keys())}
    for field_id, raw in values.items():
        field = fields.get(field_id)
        if field is None:
            continue
        value = _clean_field_value(field, raw)
        if value:
            ProfileFieldValue.objects.update_or_create(profile=profile, field=field, defaults={"value": value})
        else:
            ProfileFieldValue.objects.filter(profile=profile, field=field).delete()


@transaction.atomic
def profile_update(
    *,
    actor: Actor,
    profile: Profile,
    job_title: str,
    department: Department | None,
    site: Site | None,
    phone: str,
    manager: User | None,
    languages: str,
    bio: str,
    skills: Iterable[str] | None = None,
    field_values: Mapping[int, str] | None = None,
) -> Profile:
    """Update a profile. ``skills`` and ``field_values`` (field id → raw value) are left alone when ``None``."""
    access.require(actor, Action.EDIT, profile.user)
    _check_manager(profile, manager)
    department_changed = profile.department_id != (department.pk if department else None)
    profile.job_title = job_title.strip()
    profile.department = department
    profile.site = site
    profile.phone = phone.strip()
    profile.manager = manager
    profile.languages = languages.strip()
    profile.bio = bio.strip()
    profile.full_clean(exclude=["photo"])
    profile.save()
    if skills is not None:
        profile.skills.set(skills_get_or_create(names=skills))
    if field_values is not None:
        _set_field_values(profile, field_values)
    if department_changed:  # automatic membership rules follow the department
        memberships_sync_for_user(user=profile.user)
    return profile


def profile_directory_write(*, actor: Actor, profile: Profile, fields: Mapping[str, object]) -> bool:
    """What the company's directory says of a profile (``job_title``, ``department``, ``site``, ``phone``,
    ``manager``), written when it differs, through ``profile_update``: the single sign-on's claims
    (``oidc.signin``) and the LDAP sync (``ldap.sync``). A manager that would make a loop (the directory's data
    says so at times) is left as it was and the rest written. Whether anything changed."""
    if all(getattr(profile, name) == value for name, value in fields.items()):
        return False
    write: dict[str, object] = {
        "job_title": profile.job_title,
        "department": profile.department,
        "site": profile.site,
        "phone": profile.phone,
        "manager": profile.manager,
        "languages": profile.languages,
        "bio": profile.bio,
        **fields,
    }
    try:
        with transaction.atomic():
            profile_update(actor=actor, profile=profile, **write)  # type: ignore[arg-type]  # the names above
    except ValidationError:
        profile.refresh_from_db()
        profile_update(actor=actor, profile=profile, **{**write, "manager": profile.manager})  # type: ignore[arg-type]
    return True


def _delete_file_on_commit(profile: Profile, name: str) -> None:
    if name:
        storage = profile.photo.storage
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def profile_photo_set(*, actor: Actor, profile: Profile, upload: UploadedFile) -> Profile:
    """Replace the photo: decoded, EXIF stripped, cropped square and resized; fakes are refused."""
    access.require(actor, Action.EDIT, profile.user)
    try:
        image = clean_image(upload, max_side=PHOTO_SIDE, square=True)
    except ValidationError as exc:
        raise ValidationError({"photo": exc.messages}) from exc
    old_name = profile.photo.name or ""
    extension = (image.content.name or "image.jpg").rsplit(".", 1)[-1]
    profile.photo.save(f"{secrets.token_hex(8)}.{extension}", image.content, save=False)
    profile.save(update_fields=["photo", "updated_at"])
    _delete_file_on_commit(profile, old_name)
    return profile


@transaction.atomic
def profile_photo_remove(*, actor: Actor, profile: Profile) -> Profile:
    access.require(actor, Action.EDIT, profile.user)
    old_name = profile.photo.name or ""
    profile.photo = ""
    profile.save(update_fields=["photo", "updated_at"])
    _delete_file_on_commit(profile, old_name)
    return profile


# --- Follows ----------------------------------------------------------------------------------------


@transaction.atomic
def follow_create(*, actor: Actor, user: User) -> Follow:
    """``actor`` follows ``user``. Following twice is harmless; following oneself is refused."""
    access.require(actor, Action.FOLLOW, user)
    existing = Follow.objects.filter(follower=actor, followed=user).first()
    if existing is not None:
        return existing
    take("follow", actor.pk)
    follow = Follow(follower=actor, followed=user)
    follow.full_clean()
    try:
        with transaction.atomic():
            follow.save()
    except IntegrityError:  # a concurrent request followed first
        return Follow.objects.get(follower=actor, followed=user)
    emit(Followed(actor_id=actor.pk, followed_id=user.pk))
    return follow


@transaction.atomic
def follow_delete(*, actor: Actor, user: User) -> None:
    """``actor`` stops following ``user``. Unfollowing someone not followed is harmless."""
    access.require(actor, Action.FOLLOW, user)
    deleted, _ = Follow.objects.filter(follower=actor, followed=user).delete()
    if deleted:
        emit(Unfollowed(actor_id=actor.pk, followed_id=user.pk))


# --- Extra profile fields ---------------------------------------------------------------------------


@transaction.atomic
def profile_field_create(
    *, actor: Actor, label_fr: str, label_en: str, kind: str, choices: str = "", position: int | None = None
) -> ProfileField:
    access.require(actor, Action.ADMINISTER_NETWORK)
    if position is None:
        last = ProfileField.objects.order_by("-position").values_list("position", flat=True).first()
        position = (last or 0) + 1
    field = ProfileField(
        label_fr=label_fr.strip(), label_en=label_en.strip(), kind=kind, choices=choices.strip(), position=position
    )
    field.full_clean()
    field.save()
    record(AuditAction.PROFILE_FIELD_CREATED, actor=actor, target=field, kind=kind)
    return field


@transaction.atomic
def profile_field_update(
    *, actor: Actor, field: ProfileField, label_fr: str, label_en: str, kind: str, choices: str, position: int
) -> ProfileField:
    access.require(actor, Action.ADMINISTER_NETWORK)
    field.label_fr = label_fr.strip()
    field.label_en = label_en.strip()
    field.kind = kind
    field.choices = choices.strip()
    field.position = position
    field.full_clean()
    field.save()
    record(AuditAction.PROFILE_FIELD_CHANGED, actor=actor, target=field, kind=kind, position=position)
    return field


@transaction.atomic
def profile_field_delete(*, actor: Actor, field: ProfileField) -> None:
    """Delete a field definition and every value people entered for it."""
    access.require(actor, Action.ADMINISTER_NETWORK)
    record(AuditAction.PROFILE_FIELD_DELETED, actor=actor, target=field)
    field.delete()


# --- Departments from the company's directory (essaim/scim) -----------------------------------------


@transaction.atomic
def department_provision(*, actor: Actor, name: str) -> Department:
    """A department the company's directory creates (a SCIM group)."""
    access.require(actor, Action.PROVISION_PEOPLE)
    department = Department(name=name.strip())
    department.full_clean()
    department.save()
    record(AuditAction.DEPARTMENT_PROVISIONED, actor=actor, target=department)
    return department


@transaction.atomic
def department_rename(*, actor: Actor, department: Department, name: str) -> Department:
    access.require(actor, Action.PROVISION_PEOPLE)
    name = name.strip()
    if department.name != name:
        previous = department.name
        department.name = name
        department.full_clean()
        department.save(update_fields=["name"])
        record(AuditAction.DEPARTMENT_DIRECTORY_UPDATED, actor=actor, target=department, previous=previous, name=name)
    return department


@transaction.atomic
def department_delete(*, actor: Actor, department: Department) -> None:
    """Its people keep their accounts and leave the department (and the spaces its rules gave them)."""
    access.require(actor, Action.PROVISION_PEOPLE)
    members = list(User.objects.filter(profile__department=department))
    record(AuditAction.DEPARTMENT_DIRECTORY_DELETED, actor=actor, target=department)
    department.delete()
    for user in members:
        memberships_sync_for_user(user=user)


@transaction.atomic
def profile_department_set(*, actor: Actor, user: User, department: Department | None) -> Profile:
    """Move one person into ``department`` (or out of any): the automatic membership rules follow."""
    access.require(actor, Action.EDIT, user)
    profile = profile_ensure(user=user)
    if profile.department_id != (department.pk if department else None):
        profile.department = department
        profile.save(update_fields=["department", "updated_at"])
        memberships_sync_for_user(user=user)
    return profile
