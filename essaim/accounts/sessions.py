"""Django's database sessions, each request's session read with SQL written once.

Every signed-in request reads its session. The ORM built that one-row query anew each time, at a
cost several times the database's own (bench/README.md); this store runs the same statement
(the key, and not expired) written once, and returns the ORM's own ``Session`` instance
(``core.rows``). Everything else — saving, expiry, cycling the key on sign-in — is Django's.
``SESSION_ENGINE`` names this module; the table, the data and the cookies are Django's, so
switching to or from it signs nobody out. A session signed in by Django's or allauth's backend
is read as signed in by its ``accounts.backends`` counterpart, which replaced them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db as database_sessions
from django.contrib.sessions.models import Session
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from essaim.accounts.backends import RENAMED
from essaim.core.rows import ModelColumns, database, fetch, statement

_SESSION = ModelColumns(Session, "s")


@statement
def _sql(db: BaseDatabaseWrapper) -> str:
    return (
        f"SELECT {_SESSION.select(db)} FROM {Session._meta.db_table} s "  # noqa: S608 - names from the model's meta
        "WHERE s.session_key = %s AND s.expire_date > %s"
    )


class SessionStore(database_sessions.SessionStore):
    def decode(self, session_data: bytes | str) -> dict[str, Any]:
        """Django's, with a sign-in by a backend since renamed read as its new path (``accounts.backends``)."""
        data = super().decode(session_data)
        backend = data.get(BACKEND_SESSION_KEY)
        if backend in RENAMED:
            data[BACKEND_SESSION_KEY] = RENAMED[backend]
        return data

    def _get_session_from_db(self) -> Session | None:
        db = database()
        now = db.ops.adapt_datetimefield_value(timezone.now())
        rows = fetch(_sql(), [self.session_key, now])
        if not rows:
            self._session_key = None  # as Django's: a missing or expired session starts anew
            return None
        return _SESSION.build(rows[0], 0, db)
