"""Reads of the LDAP directory's settings."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from essaim.access import visible
from essaim.access.roles import Actor
from essaim.ldap.models import LdapDirectory


def directory_get_for(*, actor: Actor) -> LdapDirectory:
    """The network's directory, for whoever may manage it (404 for anyone else)."""
    LdapDirectory.get()
    directory = visible(actor, LdapDirectory.objects.filter(pk=1)).first()
    if directory is None:
        raise Http404
    return directory


def directory_enabled() -> LdapDirectory | None:
    """The directory people sign in against, if it is enabled (no permission: anyone may sign in)."""
    return LdapDirectory.objects.filter(pk=1, enabled=True).first()


def directory_sync_due() -> bool:
    """Whether the enabled directory's sync is due (the periodic job's question: one query a minute)."""
    due = Q(next_sync_at=None) | Q(next_sync_at__lte=timezone.now())
    return LdapDirectory.objects.filter(due, pk=1, enabled=True).exists()
