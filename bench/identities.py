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
        cookie = f"sessionid={self.session_key}"
        if not csrf:
            return {"Cookie": cookie}
        return {"Cookie": f"{cookie}; csrftoken={CSRF_TOKEN}", "X-CSRFToken": CSRF_TOKEN}

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
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
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
