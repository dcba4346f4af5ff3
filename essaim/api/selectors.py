"""Reads for personal API tokens."""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.http import Http404

from essaim import access
from essaim.access.roles import Actor
from essaim.accounts.models import User
from essaim.api.models import PersonalToken
from essaim.api.services import TOKEN_PREFIX, hash_token
from essaim.core.rows import ModelColumns, attach, database, fetch, statement
from essaim.people.models import Profile


def personal_token_list_for(*, actor: Actor) -> QuerySet[PersonalToken]:
    return access.visible(actor, PersonalToken.objects.all())


def personal_token_get_for(*, actor: Actor, token_id: int) -> PersonalToken:
    try:
        return personal_token_list_for(actor=actor).get(pk=token_id)
    except PersonalToken.DoesNotExist:
        raise Http404 from None


def personal_token_authenticate(*, raw: str) -> PersonalToken | None:
    """The active token whose secret is ``raw`` (its owner active too), with its owner and the
    owner's profile, or ``None``.

    Every API request asks: the statement (by the token's unique hash) is written once rather than
    built by the ORM each time (``core.rows``). The profile comes in the same row: an answer that
    shows its caller (a new status, ``verify_credentials``) would otherwise read it with a query.
    """
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    db = database()
    rows = fetch(_token_sql(), [hash_token(raw), True])
    if not rows:
        return None
    token, user = _TOKEN.build(rows[0], 0, db), _OWNER.build(rows[0], _TOKEN.width, db)
    assert token is not None  # inner joins: never null
    assert user is not None
    attach(user, "profile", _PROFILE.build(rows[0], _TOKEN.width + _OWNER.width, db))
    attach(token, "user", user)
    return token


_TOKEN = ModelColumns(PersonalToken, "t")
_OWNER = ModelColumns(User, "u")
_PROFILE = ModelColumns(Profile, "pr")


@statement
def _token_sql(db: BaseDatabaseWrapper) -> str:
    return (
        f"SELECT {_TOKEN.select(db)}, {_OWNER.select(db)}, {_PROFILE.select(db)} "  # noqa: S608 - names from the models' meta
        f"FROM {PersonalToken._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id "
        f"LEFT JOIN {Profile._meta.db_table} pr ON pr.user_id = u.id "
        "WHERE t.token_hash = %s AND t.revoked_at IS NULL AND u.is_active = %s"
    )
