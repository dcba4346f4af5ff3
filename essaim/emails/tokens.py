"""Signed one-click unsubscribe tokens: who, and exactly which setting their e-mail's link turns off.

A token is the authority of the link in an e-mail (RFC 8058: a mail client posts to it without a
session), so it is signed with the site's secret and a salt of its own, and names one setting:
``kind:<notification kind>`` (e-mails of that kind), ``digest`` or ``all`` (every notification
e-mail, for a batch that mixed kinds). It does not expire: an old e-mail's link still works.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

from essaim.notifications.models import Notification

_SALT = "essaim.emails.unsubscribe"
DIGEST = "digest"
ALL = "all"


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    setting: str  # "kind:mention", "digest" or "all"

    @property
    def kind(self) -> str | None:
        return self.setting.removeprefix("kind:") if self.setting.startswith("kind:") else None


def for_kind(kind: str) -> str:
    return f"kind:{kind}"


def make(user_id: int, setting: str) -> str:
    return signing.dumps([user_id, setting], salt=_SALT, compress=False)


def read(token: str) -> Unsubscribe | None:
    """What ``token`` unsubscribes from, or ``None`` for a forged, damaged or unknown one."""
    try:
        user_id, setting = signing.loads(token, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    known = {DIGEST, ALL} | {for_kind(kind) for kind in Notification.Kind.values}
    if not isinstance(user_id, int) or setting not in known:
        return None
    return Unsubscribe(user_id=user_id, setting=setting)
