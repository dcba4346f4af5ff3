"""Reads about people. Every one starts from ``access.visible``."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.formats import date_format

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.accounts.models import User
from essaim.core.ids import parse_id
from essaim.core.text import fold
from essaim.people.models import Department, Follow, Profile, ProfileField, Site, Skill

DIRECTORY_PAGE_SIZE = 24
FOLLOWS_PAGE_SIZE = 30
MAX_CHAIN = 20
MAX_QUERY_WORDS = 4

PERSON_RELATED = ("profile", "profile__department", "profile__site")


def person_get_for(*, actor: Actor, handle: str) -> User:
    """The person with ``handle``, or 404 when missing or not visible."""
    queryset = access.visible(actor, User.objects.select_related(*PERSON_RELATED, "profile__manager__profile"))
    try:
        return queryset.get(handle=handle)
    except User.DoesNotExist:
        raise Http404 from None


def person_list_for(*, actor: Actor) -> QuerySet[User]:
    return access.visible(actor, User.objects.select_related("profile"))


def profile_get_for(*, actor: Actor, user: User) -> Profile:
    """A visible person's profile, or 404."""
    queryset = access.visible(actor, Profile.objects.select_related("user", "department", "site"))
    try:
        return queryset.get(user=user)
    except Profile.DoesNotExist:
        raise Http404 from None


def manager_for(*, actor: Actor, profile: Profile) -> User | None:
    """The profile's manager if ``actor`` may see that person, else ``None``: to the reader, a
    manager they may not see (a guest's non-co-member, a deactivated person) is no manager at all."""
    manager = profile.manager
    return manager if manager is not None and access.can(actor, Action.VIEW, manager) else None


# --- Directory --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Keyset position in the directory: the last row's ``sort_key`` and id."""

    sort_key: str
    id: int

    def encode(self) -> str:
        return f"{self.id}:{self.sort_key}"

    @classmethod
    def decode(cls, raw: str | None) -> Cursor | None:
        if not raw:
            return None
        pk, _sep, key = raw.partition(":")
        identifier = parse_id(pk)
        if identifier is None or len(key) > 310:
            return None
        return cls(sort_key=key, id=identifier)


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    department: int | None = None
    site: int | None = None
    skill: str = ""

    @property
    def active(self) -> bool:
        return bool(self.q or self.department or self.site or self.skill)


@dataclass(frozen=True)
class Page[T]:
    items: list[T]
    next_cursor: str | None


def _query_words(q: str) -> list[str]:
    """The folded words of a search, without the ``@`` people type before a handle."""
    words = (word.lstrip("@") for word in fold(q).split()[:MAX_QUERY_WORDS])
    return [word for word in words if word]


def _search_filter(q: str) -> Q:
    """Each word of ``q`` must start a word of the name or the handle ("dup" finds "Dupré", "@lea.m"
    finds ``@lea.martin``)."""
    condition = Q()
    for word in _query_words(q):
        condition &= Q(search_key__startswith=word) | Q(search_key__contains=f" {word}")
    return condition


def directory_profiles_for(*, actor: Actor, filters: DirectoryFilters, cursor: Cursor | None = None) -> Page[Profile]:
    """One page of the directory, sorted by last then first name, in a single query."""
    queryset = access.visible(actor, Profile.objects.all())
    if filters.q:
        queryset = queryset.filter(_search_filter(filters.q))
    if filters.department:
        queryset = queryset.filter(department_id=filters.department)
    if filters.site:
        queryset = queryset.filter(site_id=filters.site)
    if filters.skill:
        queryset = queryset.filter(skills__folded=fold(filters.skill))
    if cursor is not None:
        queryset = queryset.filter(Q(sort_key__gt=cursor.sort_key) | Q(sort_key=cursor.sort_key, id__gt=cursor.id))
    rows = list(
        queryset.select_related("user", "department", "site").order_by("sort_key", "id")[: DIRECTORY_PAGE_SIZE + 1]
    )
    next_cursor = None
    if len(rows) > DIRECTORY_PAGE_SIZE:
        rows = rows[:DIRECTORY_PAGE_SIZE]
        next_cursor = Cursor(sort_key=rows[-1].sort_key, id=rows[-1].pk).encode()
    return Page(items=rows, next_cursor=next_cursor)


# --- People suggestions (mentions, people pickers) ------------------------------------------------

SUGGESTIONS_LIMIT = 8


def person_suggestions_for(*, actor: Actor, query: str, limit: int = SUGGESTIONS_LIMIT) -> list[Profile]:
    """Active people ``actor`` may see whose name or handle starts with the words of ``query``, or
    whose e-mail address starts with it, closest first, in one query:

    1. the person whose handle is exactly the query;
    2. people whose name (first name, or "first last") or handle starts with it;
    3. then, within each of these groups, colleagues ``actor`` follows or shares a space with (not
       counting company-wide spaces), before the rest; then by last and first name.
    """
    from essaim.spaces.selectors import co_member_ids

    words = _query_words(query)
    if not words:
        return []
    phrase = " ".join(words)
    address = query.strip().lstrip("@").lower()
    matches = _search_filter(query)
    if "@" in address or len(words) == 1:
        matches |= Q(user__email__istartswith=address)
    profiles = access.visible(actor, Profile.objects.filter(user__is_active=True).filter(matches))
    followed = Follow.objects.filter(follower_id=actor.pk).values("followed_id")
    ranked = profiles.annotate(
        exact=Case(When(user__handle=phrase, then=Value(0)), default=Value(1)),
        starts=Case(
            When(Q(search_key__startswith=phrase) | Q(user__handle__startswith=phrase), then=Value(0)), default=Value(1)
        ),
        close=Case(
            When(Q(user_id__in=followed) | Q(user_id__in=co_member_ids(actor=actor)), then=Value(0)), default=Value(1)
        ),
    )
    order = ("exact", "starts", "close", "sort_key", "id")
    return list(ranked.select_related("user").order_by(*order)[:limit])


def departments_list() -> list[Department]:
    return list(Department.objects.order_by("name"))


def sites_list() -> list[Site]:
    return list(Site.objects.order_by("name"))


def skills_in_use() -> list[Skill]:
    return list(Skill.objects.filter(profiles__isnull=False).distinct().order_by("name"))


# --- Profile page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldDisplay:
    label: str
    value: str


def profile_fields_for(*, profile: Profile) -> list[FieldDisplay]:
    """The extra fields a person filled in, labelled in the active language, in the admin's order."""
    values = profile.field_values.select_related("field").order_by("field__position", "field_id")
    shown: list[FieldDisplay] = []
    for item in values:
        value = item.value
        if item.field.kind == ProfileField.Kind.DATE:
            with contextlib.suppress(ValueError):
                value = date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
        shown.append(FieldDisplay(label=item.field.label, value=value))
    return shown


def profile_field_values(*, profile: Profile) -> dict[int, str]:
    return dict(profile.field_values.values_list("field_id", "value"))


def profile_fields_list() -> list[ProfileField]:
    return list(ProfileField.objects.order_by("position", "pk"))


def profile_field_get(*, field_id: int) -> ProfileField:
    try:
        return ProfileField.objects.get(pk=field_id)
    except ProfileField.DoesNotExist:
        raise Http404 from None


def direct_reports_for(*, actor: Actor, user: User) -> list[User]:
    queryset = User.objects.filter(profile__manager=user).select_related(*PERSON_RELATED)
    return list(access.visible(actor, queryset).order_by("profile__sort_key", "id"))


def manager_chain_for(*, actor: Actor, user: User) -> list[User]:
    """The managers above ``user``, nearest first, up to the top: one query per level, at most 20 levels."""
    chain: list[User] = []
    seen = {user.pk}
    manager_id = user.profile.manager_id if hasattr(user, "profile") else None
    visible_people = access.visible(actor, User.objects.select_related(*PERSON_RELATED))
    while manager_id is not None and manager_id not in seen and len(chain) < MAX_CHAIN:
        manager = visible_people.filter(pk=manager_id).first()
        if manager is None or not hasattr(manager, "profile"):
            break
        chain.append(manager)
        seen.add(manager.pk)
        manager_id = manager.profile.manager_id
    return chain


@dataclass(frozen=True)
class FollowCounts:
    followers: int
    following: int


def follow_counts_for(*, actor: Actor, user: User) -> FollowCounts:
    """How many visible people follow ``user`` and how many ``user`` follows, in one query."""
    visible_ids = access.visible(actor, User.objects.all()).values("pk")
    counts = Follow.objects.filter(Q(followed=user) | Q(follower=user)).aggregate(
        followers=Count("pk", filter=Q(followed=user, follower__in=visible_ids)),
        following=Count("pk", filter=Q(follower=user, followed__in=visible_ids)),
    )
    return FollowCounts(followers=counts["followers"] or 0, following=counts["following"] or 0)


def is_following(*, actor: Actor, user: Actor) -> bool:
    """Whether ``actor`` follows ``user`` (either may be anonymous: then no)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(follower_id=actor.pk, followed_id=user.pk).exists()


def followers_for(*, actor: Actor, user: User, before: int | None = None) -> Page[User]:
    """People who follow ``user``, most recent first, keyset-paginated by follow id."""
    return _follow_page(actor, Follow.objects.filter(followed=user), "follower", before)


def following_for(*, actor: Actor, user: User, before: int | None = None) -> Page[User]:
    """People ``user`` follows, most recent first, keyset-paginated by follow id."""
    return _follow_page(actor, Follow.objects.filter(follower=user), "followed", before)


def _follow_page(actor: Actor, follows: QuerySet[Follow], side: str, before: int | None) -> Page[User]:
    visible_ids = access.visible(actor, User.objects.all()).values("pk")
    follows = follows.filter(**{f"{side}__in": visible_ids})
    if before is not None:
        follows = follows.filter(pk__lt=before)
    related = [side, *(f"{side}__{name}" for name in PERSON_RELATED)]
    rows = list(follows.select_related(*related).order_by("-pk")[: FOLLOWS_PAGE_SIZE + 1])
    next_cursor = None
    if len(rows) > FOLLOWS_PAGE_SIZE:
        rows = rows[:FOLLOWS_PAGE_SIZE]
        next_cursor = str(rows[-1].pk)
    return Page(items=[getattr(row, side) for row in rows], next_cursor=next_cursor)
