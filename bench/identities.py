"""Who the load driver is: signed-in sessions and personal API tokens for dataset people.

Sessions are made with Django's own ``SessionStore`` (what a login stores), tokens with the
API's own ``personal_token_create`` service, so the server authenticates them exactly as it
would a person's browser or script. Nothing here talks HTTP.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

CSRF_TOKEN = "benchcsrftoken0123456789abcdefgh"  # noqa: S105  # 32 characters: Django accepts it unmasked


@dataclass(frozen=True)
class Identity:
    user_id: int
    handle: str
    session_key: str
    token: str

    def session_headers(self, *, csrf: bool = False) -> dict[str, str]:
        """A signed-in browser's cookies, the CSRF cookie among them: a browser has it from its first
        page on. (Without it every page made a new CSRF secret and set it: 0.6 ms a page under
        cProfile.) ``csrf`` adds the header that an htmx or form POST sends."""
        cookies = {"Cookie": f"sessionid={self.session_key}; csrftoken={CSRF_TOKEN}"}
        return {**cookies, "X-CSRFToken": CSRF_TOKEN} if csrf else cookies

    def bearer_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def identity_for(user_id: int) -> Identity:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from essaim.accounts.models import User
    from essaim.api.services import personal_token_create

    user = User.objects.get(pk=user_id)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "essaim.accounts.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    _token, raw = personal_token_create(actor=user, name="bench")
    assert session.session_key is not None
    return Identity(user.pk, user.handle, session.session_key, raw)


def sample_people(count: int, *, seed: int) -> list[int]:
    """``count`` people drawn reproducibly from everyone (not only the popular ones)."""
    from essaim.accounts.models import User

    ids = sorted(User.objects.filter(is_active=True).values_list("pk", flat=True))
    return random.Random(seed).sample(ids, min(count, len(ids)))


def visibility_pair() -> tuple[int, int, int]:
    """An author with about 50 followers, their last follower (highest id) and the follower count."""
    from django.db.models import Count

    from essaim.people.models import Follow

    counts = Follow.objects.values("followed").annotate(n=Count("pk")).order_by("followed")
    author, followers = min(((row["followed"], row["n"]) for row in counts), key=lambda r: (abs(r[1] - 50), r[0]))
    last = Follow.objects.filter(followed_id=author).order_by("-follower_id").values_list("follower_id", flat=True)[0]
    return author, last, followers


def space_reader_ids(count: int, *, seed: int) -> list[tuple[int, int, str]]:
    """``count`` (member id, space id, address): a space drawn among those with posts, then one of its members."""
    from essaim.spaces.models import Membership, Space
    from essaim.stream.models import Post

    with_posts = sorted(set(Post.objects.filter(space__isnull=False).values_list("space_id", flat=True)))
    if not with_posts:
        return []
    rng = random.Random(seed)
    slugs = dict(Space.objects.filter(pk__in=with_posts).values_list("pk", "slug"))
    members: dict[int, list[int]] = {}
    picks = []
    for _ in range(count):
        space_id = rng.choice(with_posts)
        if space_id not in members:
            members[space_id] = sorted(Membership.objects.filter(space_id=space_id).values_list("user_id", flat=True))
        picks.append((rng.choice(members[space_id]), space_id, slugs[space_id]))
    return picks


def directory_names() -> list[str]:
    """The names of the spaces an employee finds in the directory (listed and active: no secret or archived)."""
    from essaim.spaces.models import Space

    listed = Space.objects.exclude(visibility=Space.Visibility.SECRET).filter(archived_at__isnull=True)
    return list(listed.order_by("pk").values_list("name", flat=True))


def space_visibility_target() -> dict[str, int]:
    """The largest space that is not an all-company one, a plain member who posts there, and the person
    whose home entry ``timelines._insert`` writes last (owners are inserted by ascending id): the highest
    id of the post's audience (its members; with the author's followers when the space is public)."""
    from django.db.models import Count

    from essaim.people.models import Follow
    from essaim.spaces.models import AutoMembershipRule, Membership, Space

    company = AutoMembershipRule.objects.filter(department__isnull=True).values("space_id")
    sizes = (
        Membership.objects.exclude(space_id__in=company)
        .filter(space__archived_at__isnull=True)
        .values("space_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "space_id")
    )
    space_id = sizes[0]["space_id"]
    space = Space.objects.get(pk=space_id)
    members = sorted(Membership.objects.filter(space_id=space_id).values_list("user_id", flat=True))
    writers = sorted(Membership.objects.filter(space_id=space_id, role="member").values_list("user_id", flat=True))
    author = random.Random(4).choice([pk for pk in writers if pk != members[-1]])
    audience = set(members)
    if space.visibility == Space.Visibility.PUBLIC:
        audience.update(Follow.objects.filter(followed_id=author).values_list("follower_id", flat=True))
    return {
        "space_id": space_id,
        "author": author,
        "last": max(audience),
        "members": len(members),
        "audience": len(audience),
    }
