"""A newcomer's first steps: a short checklist on the home page, until dismissed or done.

Each step is ticked from what the person really did:

- ``photo``: their profile has a photo;
- ``profile``: a job title and at least one skill;
- ``spaces``: a space joined beyond those automatic membership rules put them in;
- ``people``: someone followed;
- ``mention``: a post or a comment of theirs mentions someone.

Joining spaces and following people are for employees (the access rules): external guests get the
other three steps and no suggestion. Suggestions go through ``access``: spaces the person may join,
people they may see.

Cost on the home page: nothing once closed (``Profile.first_steps_open`` comes with the signed-in
user, ``accounts.backends``); while open, one query for the state and one for the suggestions of the
next step, spaces first, then people. The home page closes a complete checklist
(``services.first_steps_close``), so a finished one costs nothing either.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, Exists, IntegerField, Q, Value, When

from essaim import access
from essaim.access import Action, roles
from essaim.access.roles import Actor
from essaim.accounts.models import User
from essaim.people.models import Follow, Profile
from essaim.spaces.models import Membership, Space
from essaim.spaces.selectors import space_list_for
from essaim.stream.models import Mention

SUGGESTIONS = 3
STEPS = ("photo", "profile", "spaces", "people", "mention")
EMPLOYEE_ONLY = ("spaces", "people")


@dataclass(frozen=True)
class FirstSteps:
    """Each step's key and whether it is done, in order; suggestions for the next open step."""

    steps: dict[str, bool]
    spaces: list[Space]
    people: list[User]

    @property
    def done(self) -> int:
        return sum(self.steps.values())

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def complete(self) -> bool:
        return all(self.steps.values())


def first_steps_for(*, actor: Actor) -> FirstSteps | None:
    """The actor's checklist, or ``None`` when it is closed (without a query)."""
    if not roles.is_signed_in(actor):
        return None
    profile = _cached_profile(actor)
    if profile is None or not profile.first_steps_open:
        return None
    employee = roles.is_employee(actor)
    steps = _state(actor, profile, employee=employee)
    spaces: list[Space] = []
    people: list[User] = []
    if employee and not steps["spaces"]:
        spaces = space_suggestions_for(actor=actor)
    if employee and not steps["people"] and not spaces:
        people = people_suggestions_for(actor=actor, profile=profile)
    return FirstSteps(steps=steps, spaces=spaces, people=people)


def _cached_profile(actor: Actor) -> Profile | None:
    try:
        profile: Profile = actor.profile
    except Profile.DoesNotExist:
        return None
    return profile


def _state(actor: Actor, profile: Profile, *, employee: bool) -> dict[str, bool]:
    """Every step's state in one query (a row of ``EXISTS``)."""
    checks = {
        "skills": Exists(Profile.skills.through.objects.filter(profile_id=profile.pk)),
        "mention_post": Exists(Mention.objects.filter(comment__isnull=True, post__author_id=actor.pk)),
        "mention_comment": Exists(Mention.objects.filter(comment__author_id=actor.pk)),
    }
    if employee:
        checks["joined"] = Exists(Membership.objects.filter(user_id=actor.pk, added_by_rule__isnull=True))
        checks["follows"] = Exists(Follow.objects.filter(follower_id=actor.pk))
    row = User.objects.filter(pk=actor.pk).annotate(**checks).values(*checks).get()
    steps = {
        "photo": bool(profile.photo),
        "profile": bool(profile.job_title.strip()) and row["skills"],
        "spaces": row.get("joined", False),
        "people": row.get("follows", False),
        "mention": row["mention_post"] or row["mention_comment"],
    }
    return {key: bool(steps[key]) for key in STEPS if employee or key not in EMPLOYEE_ONLY}


def space_suggestions_for(*, actor: Actor, limit: int = SUGGESTIONS) -> list[Space]:
    """Spaces the actor may join, the most joined first (one query)."""
    candidates = (
        space_list_for(actor=actor)
        .filter(visibility=Space.Visibility.PUBLIC, archived_at__isnull=True)
        .exclude(memberships__user_id=actor.pk)
        .annotate(member_count=Count("memberships"))
        .order_by("-member_count", "name", "pk")[: limit * 2]
    )
    found: list[Space] = [space for space in candidates if access.can(actor, Action.JOIN, space)]
    return found[:limit]


def people_suggestions_for(*, actor: Actor, profile: Profile, limit: int = SUGGESTIONS) -> list[User]:
    """People the actor may see and follow: their manager, their department, then the most followed (one query)."""
    close = [
        *([Q(pk=profile.manager_id)] if profile.manager_id else []),
        *([Q(profile__department_id=profile.department_id)] if profile.department_id else []),
    ]
    closeness = Case(*(When(q, then=Value(1)) for q in close), default=Value(0), output_field=IntegerField())
    candidates = (
        access.visible(actor, User.objects.select_related("profile"))
        .filter(is_active=True)
        .exclude(pk=actor.pk)
        .exclude(follower_set__follower_id=actor.pk)
        .annotate(close=closeness if close else Value(0), follower_count=Count("follower_set"))
        .order_by("-close", "-follower_count", "last_name", "first_name", "pk")[: limit * 2]
    )
    found: list[User] = [person for person in candidates if access.can(actor, Action.FOLLOW, person)]
    return found[:limit]
