"""``spaces.space_rows``: the directory's page in SQL is the ORM's form of the same query.

The reference below is the query the directory ran through the ORM before: visible spaces
(``access.visible``) with the reader's role, the member count and the pending request, filtered
and ordered the same way. Every filter, the cursor and the awkward searches (LIKE's wildcards,
accents) are compared row by row and on every attribute the directory shows.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from essaim import access
from essaim.access.rules.spaces import with_viewer_role
from essaim.accounts.models import User
from essaim.core.text import fold
from essaim.spaces.models import JoinRequest, Membership, Space, SpaceInvitation
from essaim.spaces.space_rows import directory_rows, space_row
from tests.access.test_visible_among import ACTORS, MEMBERSHIPS, _actors, _spaces
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory
from tests.spaces.factories import MembershipFactory, SpaceFactory

NAMES = [
    "Café philo", "Cafétéria", "Équipe Été", "Projet Atlas", "Projet 100% vert", "Projet_x",
    "Atelier vélo", "Vélo club", "Direction", "Comité secret", "Ancien projet", "Sous-projet atlas",
]  # fmt: skip


def _reference(actor: User, q: str, scope: str, after: tuple[str, int] | None) -> QuerySet[Space]:
    queryset = with_viewer_role(actor, access.visible(actor, Space.objects.select_related("parent")))
    if q := fold(q):
        queryset = queryset.filter(Q(search_key__startswith=q) | Q(search_key__contains=f" {q}"))
    queryset = queryset.filter(archived_at__isnull=scope != "archived")
    if scope == "mine":
        queryset = queryset.filter(Exists(Membership.objects.filter(space_id=OuterRef("pk"), user_id=actor.pk)))
    elif scope in {"public", "private"}:
        queryset = queryset.filter(visibility=scope)
    if after is not None:
        queryset = queryset.filter(Q(search_key__gt=after[0]) | Q(search_key=after[0], pk__gt=after[1]))
    members = Membership.objects.filter(space_id=OuterRef("pk")).order_by().values("space_id").annotate(n=Count("pk"))
    pending = JoinRequest.objects.filter(space_id=OuterRef("pk"), user_id=actor.pk, status=JoinRequest.Status.PENDING)
    mine = Q(user_id=actor.pk) | Q(user__isnull=True, email__iexact=actor.email)  # my_invitation_list's
    invitations = SpaceInvitation.objects.filter(mine, space_id=OuterRef("pk"), status=SpaceInvitation.Status.PENDING)
    newest = invitations.order_by().values("space_id").annotate(newest=Max("pk")).values("newest")[:1]
    return queryset.annotate(
        member_count=Coalesce(Subquery(members.values("n")[:1]), 0),
        viewer_has_pending_request=Exists(pending),
        viewer_invitation_id=Subquery(newest),
    ).order_by("search_key", "pk")


def _shown(space: Space) -> tuple[Any, ...]:
    parent = space.parent
    return (
        *(getattr(space, field.attname) for field in Space._meta.concrete_fields),
        parent.pk if parent else None,
        parent.name if parent else None,
        space.viewer_role,  # type: ignore[attr-defined]
        space.member_count,  # type: ignore[attr-defined]
        space.viewer_has_pending_request,  # type: ignore[attr-defined]
        space.viewer_invitation_id,  # type: ignore[attr-defined]
    )


@pytest.fixture
def readers(db: None) -> dict[str, User]:
    employee = UserFactory()
    guest = GuestFactory()
    spaces = {}
    for n, name in enumerate(NAMES):
        spaces[name] = SpaceFactory(
            name=name,
            visibility=[Space.Visibility.PUBLIC, Space.Visibility.PRIVATE, Space.Visibility.SECRET][n % 3],
            archived_at=timezone.now() if name.startswith("Ancien") else None,
            parent=spaces.get("Projet Atlas") if name.startswith("Sous") else None,
        )
        for _ in range(n % 4):
            MembershipFactory(space=spaces[name])
    for name in ("Café philo", "Comité secret", "Ancien projet"):
        MembershipFactory(space=spaces[name], user=employee, role=Membership.Role.ADMIN)
    MembershipFactory(space=spaces["Projet Atlas"], user=guest)
    JoinRequest.objects.create(space=spaces["Cafétéria"], user=employee)
    JoinRequest.objects.create(space=spaces["Direction"], user=employee, status=JoinRequest.Status.REFUSED)
    # Invitations: two waiting in one space (the newest counts), one answered, one to the employee's address
    # (kept in lower case, as the service writes it), someone else's.
    for space, status in (("Vélo club", "pending"), ("Vélo club", "pending"), ("Direction", "declined")):
        SpaceInvitation.objects.create(space=spaces[space], user=employee, status=status)
    SpaceInvitation.objects.create(space=spaces["Atelier vélo"], email=employee.email.lower())
    SpaceInvitation.objects.create(space=spaces["Projet Atlas"], user=UserFactory())
    return {"employee": employee, "guest": guest, "admin": AdminFactory()}


@pytest.mark.parametrize("reader", ["employee", "guest", "admin"])
@pytest.mark.parametrize("scope", ["", "mine", "public", "private", "archived"])
@pytest.mark.parametrize("q", ["", "caf", "CAFE", "projet", "100%", "projet_", "_", "%", "e", "velo c", "zz"])
def test_each_page_is_the_orms(readers, reader: str, scope: str, q: str) -> None:
    actor = readers[reader]
    expected = list(_reference(actor, q, scope, None))
    assert [_shown(s) for s in directory_rows(actor=actor, q=fold(q), scope=scope, after=None, limit=50)] == [
        _shown(s) for s in expected
    ]


def test_the_cursor_and_the_limit_page_through_the_same_rows(readers) -> None:
    actor = readers["admin"]
    expected = [s.pk for s in _reference(actor, "", "", None)]
    seen: list[int] = []
    after = None
    while page := directory_rows(actor=actor, q="", scope="", after=after, limit=2):
        seen += [s.pk for s in page]
        after = (page[-1].search_key, page[-1].pk)
    assert seen == expected
    assert len(seen) > 4


def test_wildcards_are_taken_literally(readers) -> None:
    found = directory_rows(actor=readers["admin"], q="100%", scope="", after=None, limit=50)
    assert [s.name for s in found] == ["Projet 100% vert"]
    assert directory_rows(actor=readers["admin"], q="_", scope="", after=None, limit=50) == []


class TestOneSpace:
    @pytest.fixture
    def world(self, db: None) -> tuple[dict[str, Any], dict[str, Space]]:
        actors, spaces = _actors(), _spaces()
        for actor, space, role in MEMBERSHIPS:
            Membership.objects.create(user=actors[actor], space=spaces[space], role=role)
        return actors, spaces

    @pytest.mark.parametrize("name", ACTORS)
    def test_each_space_by_id_and_by_address_is_the_orms_or_none(self, world, name: str) -> None:
        actors, spaces = world
        actor = actors[name]
        reference = with_viewer_role(actor, access.visible(actor, Space.objects.select_related("parent")))
        for space in spaces.values():
            expected = reference.filter(pk=space.pk).first()
            for found in (space_row(actor=actor, pk=space.pk), space_row(actor=actor, slug=space.slug)):
                if expected is None:
                    assert found is None
                else:
                    assert found is not None
                    assert _shown_alone(found) == _shown_alone(expected)

    def test_a_missing_space_is_none(self, world) -> None:
        actors, _spaces = world
        assert space_row(actor=actors["network_admin"], pk=10**12) is None
        assert space_row(actor=actors["network_admin"], slug="nulle-part") is None


def _shown_alone(space: Space) -> tuple[Any, ...]:
    parent = space.parent
    return (
        *(getattr(space, field.attname) for field in Space._meta.concrete_fields),
        parent.pk if parent else None,
        getattr(space, "viewer_role", None),
        getattr(space, "viewer_role_for", None),
    )
