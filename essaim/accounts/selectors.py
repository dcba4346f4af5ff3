"""Reads about accounts that leave this app. Every one starts from ``access.visible``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from essaim import access
from essaim.access.roles import Actor
from essaim.accounts import invitation_files
from essaim.accounts.models import Invitation, InvitationBatch, User
from essaim.accounts.services import token_hash
from essaim.core.text import fold
from essaim.network.selectors import network_settings

SEARCH_WORDS = 4


def invitation_list_for(*, actor: Actor) -> QuerySet[Invitation]:
    return access.visible(actor, Invitation.objects.select_related("invited_by", "user"))


def invitation_get_for(*, actor: Actor, invitation_id: int) -> Invitation:
    try:
        return invitation_list_for(actor=actor).get(pk=invitation_id)
    except Invitation.DoesNotExist:
        raise Http404 from None


def invitation_get_by_token(*, token: str) -> Invitation | None:
    """The invitation a link's token opens (whatever its state), or ``None``."""
    return Invitation.objects.filter(token_hash=token_hash(token)).first()


def _user_search(query: str) -> Q:
    """Each word starts a word of the name or the handle, as in the directory ("dup" finds "Dupré",
    "@lea" finds "lea.martin"), or is part of the e-mail address."""
    condition = Q()
    for word in fold(query).split()[:SEARCH_WORDS]:
        bare = word.lstrip("@") or word
        condition &= (
            Q(profile__search_key__startswith=bare)
            | Q(profile__search_key__contains=f" {bare}")
            | Q(email__icontains=word)
        )
    return condition


def user_list_for(*, actor: Actor, query: str = "") -> QuerySet[User]:
    """People the actor may see, searched by name, handle or e-mail (accents ignored)."""
    queryset = access.visible(actor, User.objects.select_related("profile"))
    if query.strip():
        queryset = queryset.filter(_user_search(query))
    return queryset.order_by("last_name", "first_name", "pk")


def user_get_for(*, actor: Actor, user_id: int) -> User:
    try:
        return access.visible(actor, User.objects.all()).get(pk=user_id)
    except User.DoesNotExist:
        raise Http404 from None


# --- Invitations from a file


@dataclass(frozen=True)
class BatchPreview:
    """What sending an invitation file would do: each line, with its errors (none: it is sent)."""

    batch: InvitationBatch
    lines: list[invitation_files.Line]

    @property
    def ready(self) -> list[invitation_files.Line]:
        return [line for line in self.lines if line.ok]

    @property
    def wrong(self) -> list[invitation_files.Line]:
        return [line for line in self.lines if not line.ok]


def invitation_batch_get_for(*, actor: Actor, batch_id: int) -> InvitationBatch:
    """One of the actor's own invitation files, or 404."""
    try:
        return access.visible(actor, InvitationBatch.objects.all()).get(pk=batch_id)
    except InvitationBatch.DoesNotExist:
        raise Http404 from None


def invitation_batch_preview(*, batch: InvitationBatch) -> BatchPreview:
    """Every line of ``batch`` checked as ``services.invitation_batch_send`` will check it (three queries)."""
    lines = invitation_files.check(invitation_files.read(batch.text), guests_allowed=network_settings().guests_allowed)
    return BatchPreview(batch=batch, lines=lines)
