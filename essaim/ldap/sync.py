"""The directory's people, groups and managers into Essaim, as its own actor (``actors.LdapDirectoryActor``),
through the same services as SCIM and single sign-on.

- ``person_from_entry``: an entry's mapped attributes (``LdapDirectory.attributes``) and the names of its
  groups, read the same way by the sync and by a sign-in.
- ``person_link``: the account of an entry, found by its DN, else by its e-mail address, else created
  (``accounts.user_create``); renamed through ``accounts.user_directory_update``; reactivated if the sync had
  deactivated it and it is back.
- ``profile_apply``: job title, department (the first of its groups that names a department, else its
  department attribute, through ``scim.services``: the automatic membership rules follow), site (an
  existing one, by name), phone, manager (by DN, among the people the directory links), photo (jpegPhoto or
  thumbnailPhoto, only when it changed).
- ``run``: all of it for everyone the people's filter finds, managers in a second pass (a manager may come
  after the people they manage), then deactivation (``accounts.user_deactivate``: sessions and tokens revoked,
  content kept) of those the directory linked and no longer has.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from ldap import dn as ldap_dn
from ldap.ldapobject import LDAPObject

from essaim.access import roles
from essaim.accounts import services as accounts_services
from essaim.accounts.models import User
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.ldap import client
from essaim.ldap.actors import LdapDirectoryActor
from essaim.ldap.models import LdapDirectory, LdapIdentity

logger = logging.getLogger(__name__)
TEXT_FIELDS = ("email", "given_name", "family_name", "job_title", "department", "site", "phone", "manager")
GROUP_ATTRIBUTES = ["cn", "member", "uniqueMember"]
MAX_GROUPS = 200


def fold(dn: str) -> str:
    """A DN as it is compared: without the spaces around its separators, lowercased (DNs are case-insensitive)."""
    try:
        return ",".join("+".join(f"{t.lower()}={v.lower()}" for t, v, _flag in rdn) for rdn in ldap_dn.str2dn(dn))
    except ldap_dn.DECODING_ERROR:
        return dn.strip().lower()


@dataclass
class Person:
    dn: str
    values: dict[str, str | None]  # per field of ``TEXT_FIELDS``: the text, or ``None`` when the entry has none
    photo: bytes | None = None
    groups: list[str] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    @property
    def email(self) -> str:
        return User.objects.normalize_email(self.values.get("email") or "").strip().lower()


def attributes_read(directory: LdapDirectory) -> list[str]:
    names = [name for field_name in (*TEXT_FIELDS, "photo") for name in directory.attribute(field_name)]
    return sorted(set(names))


def _first(attrs: dict[str, list[bytes]], names: list[str]) -> bytes | None:
    folded = {key.lower(): values for key, values in attrs.items()}
    for name in names:
        values = folded.get(name.lower())
        if values:
            return values[0]
    return None


def person_from_entry(directory: LdapDirectory, entry: client.Entry, groups: list[str]) -> Person:
    dn, attrs = entry
    values: dict[str, str | None] = {}
    for name in TEXT_FIELDS:
        raw = _first(attrs, directory.attribute(name))
        values[name] = raw.decode("utf-8", "replace").strip() if raw is not None else None
    return Person(dn=dn, values=values, photo=_first(attrs, directory.attribute("photo")), groups=groups[:MAX_GROUPS])


def groups_by_member(connection: LDAPObject, directory: LdapDirectory) -> dict[str, list[str]]:
    """Each member's (folded DN's) group names, in the directory's order; none without a groups' base."""
    found: dict[str, list[str]] = {}
    if not directory.group_base:
        return found
    entries = client.search(
        connection, directory, base=directory.group_base, filterstr=directory.group_filter, attributes=GROUP_ATTRIBUTES
    )
    for dn, attrs in entries:
        name = _first(attrs, ["cn"])
        label = name.decode("utf-8", "replace") if name else dn.split(",", 1)[0].partition("=")[2]
        members = [*attrs.get("member", []), *attrs.get("uniqueMember", [])]
        for member in members:
            found.setdefault(fold(member.decode("utf-8", "replace")), []).append(label)
    return found


# --- One person


def _names(user: User | None, person: Person) -> tuple[str, str]:
    first, last = person.get("given_name"), person.get("family_name")
    return (
        (first if first else (user.first_name if user else ""))[:150],
        (last if last else (user.last_name if user else ""))[:150],
    )


def _identity_save(user: User, person: Person, identity: LdapIdentity | None) -> LdapIdentity:
    """The link of ``user`` to ``person``'s entry, written when new or changed (``run`` notes when all were seen)."""
    if identity is not None and identity.dn == person.dn and identity.user_id == user.pk:
        return identity
    identity = identity or LdapIdentity(user=user)
    identity.user = user
    identity.dn, identity.dn_folded, identity.seen_at = person.dn, fold(person.dn), timezone.now()
    identity.save()
    return identity


@transaction.atomic
def person_link(*, actor: LdapDirectoryActor, person: Person) -> tuple[User, LdapIdentity] | None:
    """The account of ``person`` (created if new), up to date with its names and address; ``None`` for an
    entry without an e-mail address or whose address belongs to an account the directory may not manage."""
    identity = LdapIdentity.objects.select_related("user").filter(dn_folded=fold(person.dn)).first()
    user = identity.user if identity else User.objects.filter(email__iexact=person.email).first()
    if identity is None and user is not None:  # an entry that moved (a new DN): its account keeps its link
        identity = LdapIdentity.objects.filter(user=user).first()
    if user is None:
        if not person.email:
            return None
        first_name, last_name = _names(None, person)
        user = accounts_services.user_create(
            email=person.email, first_name=first_name, last_name=last_name, password=None, email_verified=True
        )
        record(AuditAction.USER_PROVISIONED, actor=actor, target=user, dn=person.dn)
        return user, _identity_save(user, person, identity)
    if not roles.is_provisionable(user):
        return None
    first_name, last_name = _names(user, person)
    email = person.email or user.email
    if (first_name, last_name, email) != (user.first_name, user.last_name, user.email):
        try:
            with transaction.atomic():
                accounts_services.user_directory_update(
                    actor=actor, user=user, email=email, first_name=first_name, last_name=last_name
                )
        except ValidationError:  # the address is another account's: the rest is written, the address left
            user.refresh_from_db()
            accounts_services.user_directory_update(
                actor=actor, user=user, email=user.email, first_name=first_name, last_name=last_name
            )
        record(AuditAction.USER_DIRECTORY_UPDATED, actor=actor, target=user, dn=person.dn)
    if identity is not None and identity.deprovisioned_at is not None:
        if not user.is_active:
            accounts_services.user_reactivate(actor=actor, user=user)
        LdapIdentity.objects.filter(pk=identity.pk).update(deprovisioned_at=None)
        identity.deprovisioned_at = None
    return user, _identity_save(user, person, identity)


def _department(actor: LdapDirectoryActor, person: Person, current: Any) -> Any:
    from essaim.scim.services import department_among, department_for_name

    department = department_among(person.groups)
    if department is not None:
        return department
    wanted = person.get("department")
    return current if wanted is None else department_for_name(actor=actor, name=wanted[:120])


def _site(person: Person, current: Any, sites: dict[str, Any] | None) -> Any:
    """The existing site the entry names (``sites``: every site by lowercased name, read once per sync)."""
    from essaim.people.models import Site

    value = person.get("site")
    if value is None:
        return current
    if sites is not None:
        return sites.get(value.lower())
    return Site.objects.filter(name__iexact=value).first() if value else None


def _manager(person: Person, user: User, managers: dict[str, User] | None) -> User | None:
    """The person whose DN ``person``'s manager attribute holds, among those the directory links."""
    dn = person.get("manager")
    if not dn:
        return None
    folded = fold(dn)
    if managers is not None and folded in managers:
        manager: User | None = managers[folded]
    else:
        identity = LdapIdentity.objects.select_related("user").filter(dn_folded=folded).first()
        manager = identity.user if identity else None
    return manager if manager is not None and manager.pk != user.pk and manager.is_active else None


def _photo(actor: LdapDirectoryActor, identity: LdapIdentity, profile: Any, photo: bytes | None) -> None:
    """The directory's photo, written when it changed; one the directory no longer has is removed, a photo the
    person chose themselves is kept until the directory has one."""
    from essaim.people import services as people_services

    digest = hashlib.sha256(photo).hexdigest() if photo else ""
    if digest == identity.photo_digest:
        return
    try:
        with transaction.atomic():
            if photo:
                upload = SimpleUploadedFile("photo.jpg", photo, content_type="image/jpeg")
                people_services.profile_photo_set(actor=actor, profile=profile, upload=upload)
            else:
                people_services.profile_photo_remove(actor=actor, profile=profile)
    except ValidationError:
        logger.warning("ldap: the photo of %s is not an image Essaim reads", identity.dn)
    LdapIdentity.objects.filter(pk=identity.pk).update(photo_digest=digest)
    identity.photo_digest = digest


@transaction.atomic
def profile_apply(
    *,
    actor: LdapDirectoryActor,
    person: Person,
    user: User,
    identity: LdapIdentity,
    managers: dict[str, User] | None = None,
    sites: dict[str, Any] | None = None,
) -> None:
    """``user``'s profile from ``person``; ``managers`` (folded DN → account) and ``sites`` (lowercased name →
    site) spare a query per person."""
    from essaim.people import services as people_services
    from essaim.people.models import Profile

    profile = people_services.profile_ensure(user=user)
    profile = Profile.objects.select_related("department", "site", "manager").get(pk=profile.pk)
    job_title, phone = person.get("job_title"), person.get("phone")
    fields = {
        "job_title": profile.job_title if job_title is None else job_title[:120],
        "department": _department(actor, person, profile.department),
        "site": _site(person, profile.site, sites),
        "phone": profile.phone if phone is None else phone[:40],
        "manager": _manager(person, user, managers),
    }
    people_services.profile_directory_write(actor=actor, profile=profile, fields=fields)
    _photo(actor, identity, profile, person.photo)


# --- Everyone


@dataclass
class Summary:
    found: int = 0
    created: int = 0
    skipped: int = 0
    deactivated: int = 0
    error: str = ""
    params: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if value not in ("", {})}


def _deprovision(actor: LdapDirectoryActor, seen: set[int]) -> int:
    """Deactivate those the directory linked and no longer has: nothing they wrote goes."""
    gone = LdapIdentity.objects.select_related("user").filter(deprovisioned_at=None).exclude(user_id__in=seen)
    count = 0
    for identity in gone:
        with transaction.atomic():
            try:
                if identity.user.is_active:
                    accounts_services.user_deactivate(actor=actor, user=identity.user)
                    count += 1
            except PermissionDenied:  # an account the directory may not manage (made a superuser since)
                continue
            identity.deprovisioned_at = timezone.now()
            identity.save(update_fields=["deprovisioned_at"])
    return count


def run(*, directory: LdapDirectory) -> Summary:
    """One whole sync (``DirectoryError`` when the directory cannot be read: nothing is deactivated then)."""
    from essaim.people.models import Site

    actor = LdapDirectoryActor(server_uri=directory.server_uri)
    connection = client.connect(directory)
    try:
        groups = groups_by_member(connection, directory)
        entries = list(
            client.search(
                connection,
                directory,
                base=directory.user_base,
                filterstr=directory.user_filter,
                attributes=attributes_read(directory),
            )
        )
    finally:
        connection.unbind_s()
    summary = Summary(found=len(entries))
    people = [person_from_entry(directory, entry, groups.get(fold(entry[0]), [])) for entry in entries]
    linked: list[tuple[Person, User, LdapIdentity]] = []
    before = LdapIdentity.objects.count()
    for person in people:
        link = person_link(actor=actor, person=person)
        if link is None:
            summary.skipped += 1
        else:
            linked.append((person, *link))
    summary.created = LdapIdentity.objects.count() - before
    LdapIdentity.objects.filter(pk__in=[identity.pk for _p, _u, identity in linked]).update(seen_at=timezone.now())
    managers = {identity.dn_folded: user for _person, user, identity in linked}
    sites = {site.name.lower(): site for site in Site.objects.all()}
    for person, user, identity in linked:
        profile_apply(actor=actor, person=person, user=user, identity=identity, managers=managers, sites=sites)
    if not people:
        summary.error = "empty"
        summary.params = {"base": directory.user_base}
    elif directory.deprovision:
        summary.deactivated = _deprovision(actor, {user.pk for _person, user, _identity in linked})
    return summary
