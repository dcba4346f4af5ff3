"""Writes for accounts. Keyword-only, typed, atomic; permission first.

``user_create`` is the one way a person's account comes to exist (self sign-up through the
allauth adapter, invitation acceptance, the raw data admin): it also creates their profile.
Its callers are the gates: the sign-up policy and the invitation token.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone as dj_timezone
from django.utils import translation
from django.utils.translation import gettext as _

from essaim.access import Action, require, roles
from essaim.access.roles import Actor
from essaim.accounts import invitation_files
from essaim.accounts.models import Invitation, InvitationBatch, User, handle_from_name
from essaim.api import services as api_services
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.core.ratelimits import take
from essaim.network import site
from essaim.network.selectors import network_settings
from essaim.people import services as people_services
from essaim.spaces.services import memberships_sync_for_user


@transaction.atomic
def user_preferences_update(
    *, actor: Actor, user: User, language: str, timezone: str, theme: str | None = None
) -> User:
    """Language, time zone and (when given) the theme: light, dark or automatic (``User.Theme``)."""
    require(actor, Action.EDIT, user)
    user.language = language
    user.timezone = timezone
    if theme is not None:
        user.theme = theme
    user.full_clean(exclude=["password"])
    user.save(update_fields=["language", "timezone", "theme"])
    return user


# --- Creating people


def password_check(*, password: str, email: str, first_name: str = "", last_name: str = "") -> None:
    """Raise ``ValidationError`` when ``password`` is too weak (``AUTH_PASSWORD_VALIDATORS``)."""
    password_validation.validate_password(password, user=User(email=email, first_name=first_name, last_name=last_name))


def email_taken(email: str) -> bool:
    email = email.strip().lower()
    return (
        User.objects.filter(email__iexact=email).exists() or EmailAddress.objects.filter(email__iexact=email).exists()
    )


@transaction.atomic
def user_create(
    *,
    email: str,
    first_name: str,
    last_name: str,
    password: str | None,
    kind: str = User.Kind.EMPLOYEE,
    email_verified: bool = False,
    email_address: bool = True,
    language: str = "",
) -> User:
    """Create a person with a unique handle and their profile.

    With ``email_address`` (the default) their allauth e-mail address is recorded too; allauth's
    own sign-up flow records it itself.
    """
    email = User.objects.normalize_email(email).strip().lower()
    if email_taken(email):
        raise ValidationError({"email": _("An account already uses this e-mail address.")})
    user = User(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        kind=kind,
        language=language,
        handle=User.objects.unique_handle(handle_from_name(first_name, last_name, email)),
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    people_services.profile_ensure(user=user, first_steps=True)
    if email_address:
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=email_verified)
    memberships_sync_for_user(user=user)  # automatic membership rules apply to newcomers too
    return user


# --- Managing people (network administrators, and the company's directory through SCIM)


def _require_manages(actor: Actor, user: User) -> None:
    """Network administrators manage everyone; the company's directory (a SCIM token) the people it provisions."""
    if roles.is_directory(actor):
        require(actor, Action.PROVISION_PEOPLE)
        require(actor, Action.EDIT, user)
    else:
        require(actor, Action.MANAGE_PEOPLE)


@transaction.atomic
def user_directory_update(*, actor: Actor, user: User, email: str, first_name: str, last_name: str) -> User:
    """The company's directory renames a person or changes their address (the e-mail they sign in with).

    Their allauth address follows, verified: the directory vouches for it.
    """
    require(actor, Action.PROVISION_PEOPLE)
    require(actor, Action.EDIT, user)
    email = User.objects.normalize_email(email).strip().lower()
    if email != user.email and (
        User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
        or EmailAddress.objects.filter(email__iexact=email).exclude(user=user).exists()
    ):
        raise ValidationError({"email": _("An account already uses this e-mail address.")})
    renamed = (user.first_name, user.last_name) != (first_name.strip(), last_name.strip())
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    if email != user.email:
        EmailAddress.objects.filter(user=user).delete()
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        user.email = email
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name", "email"])
    if renamed:
        people_services.profile_refresh_keys(user=user)
    return user


@transaction.atomic
def user_deactivate(*, actor: Actor, user: User) -> User:
    """The person can no longer sign in and disappears from the directory; nothing is deleted.

    Every credential issued until now is revoked for good (``user_credentials_revoke``): a
    reactivation gives none back.
    """
    _require_manages(actor, user)
    if roles.is_self(actor, user):
        raise ValidationError(_("You cannot deactivate your own account."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    user_credentials_revoke(user=user)
    record(AuditAction.USER_DEACTIVATED, actor=actor, target=user, credentials_revoked=True)
    return user


@transaction.atomic
def user_credentials_revoke(*, user: User) -> None:
    """End every session of ``user`` and revoke their password-reset links and personal API tokens.

    Sessions and reset links hash ``credentials_revoked_at`` (``User._get_session_auth_hash``,
    ``accounts.tokens``), so moving it ends them all at once, wherever they are stored. No permission
    check: ``user_deactivate`` and the raw data admin's "active" box (Django staff only) call it.
    """
    user.credentials_revoked_at = dj_timezone.now()
    user.save(update_fields=["credentials_revoked_at"])
    api_services.personal_tokens_revoke_all(user=user)
    from essaim.api.oauth import oauth_tokens_revoke_all

    oauth_tokens_revoke_all(user=user)


@transaction.atomic
def user_reactivate(*, actor: Actor, user: User) -> User:
    _require_manages(actor, user)
    user.is_active = True
    user.save(update_fields=["is_active"])
    memberships_sync_for_user(user=user)
    record(AuditAction.USER_REACTIVATED, actor=actor, target=user)
    return user


ROLE_FIELDS = {
    "network_admin": "is_network_admin",
    "communication_team": "is_communication_team",
    "compliance_officer": "is_compliance_officer",
}


@transaction.atomic
def user_role_set(*, actor: Actor, user: User, role: str, enabled: bool) -> User:
    """Grant or withdraw one of the network roles (see ``ROLE_FIELDS``)."""
    require(actor, Action.MANAGE_PEOPLE)
    try:
        field = ROLE_FIELDS[role]
    except KeyError:
        raise ValidationError(_("This role does not exist.")) from None
    if enabled and roles.is_guest(user):
        raise ValidationError(_("External guests cannot hold a network role."))
    if not enabled and role == "network_admin" and roles.is_self(actor, user):
        raise ValidationError(_("You cannot remove your own administrator role; ask another administrator."))
    if getattr(user, field) != enabled:
        setattr(user, field, enabled)
        user.save(update_fields=[field])
        record(AuditAction.ROLE_GRANTED if enabled else AuditAction.ROLE_WITHDRAWN, actor=actor, target=user, role=role)
    return user


# --- Invitations


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    return site.absolute_url(reverse("accounts:invitation-accept", kwargs={"token": token}))


def _invitation_mail(invitation: Invitation, token: str, inviter_name: str) -> None:
    context: dict[str, Any] = {
        **site.mail_context(),
        "invitation": invitation,
        "url": invitation_url(token),
        "inviter_name": inviter_name,
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation_message.txt", context)
    EmailMessage(subject, body, site.sender(), [invitation.email]).send()


def _send_on_commit(invitation: Invitation, token: str, actor: Actor) -> None:
    language = invitation.language or translation.get_language()
    inviter_name = actor.get_full_name() if actor is not None else ""

    def send() -> None:
        with translation.override(language):
            _invitation_mail(invitation, token, inviter_name)

    transaction.on_commit(send)


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


@transaction.atomic
def invitation_send(
    *,
    actor: Actor,
    email: str,
    first_name: str = "",
    last_name: str = "",
    kind: str = User.Kind.EMPLOYEE,
    language: str = "",
) -> Invitation:
    """Invite someone by e-mail. Only a hash of the link's token is stored.

    ``language`` (a code of ``settings.LANGUAGES``) is the mail's and the new account's; empty, the mail
    goes in the inviter's language and the account takes the browser's.
    """
    require(actor, Action.INVITE_PEOPLE)
    take("invitation", actor.pk)
    email = User.objects.normalize_email(email).strip().lower()
    if kind == User.Kind.GUEST and not network_settings().guests_allowed:
        raise ValidationError({"kind": _("External guests are not allowed on this network.")})
    if email_taken(email):
        raise ValidationError({"email": _("This person already has an account.")})
    pending = Invitation.objects.filter(
        email__iexact=email, accepted_at=None, revoked_at=None, expires_at__gt=dj_timezone.now()
    )
    if pending.exists():
        raise ValidationError({"email": _("An invitation is already waiting for this address. Resend it instead.")})
    token, hashed = _new_token()
    invitation = Invitation(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        kind=kind,
        language=language,
        token_hash=hashed,
        invited_by=actor,
        expires_at=dj_timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    _send_on_commit(invitation, token, actor)
    record(AuditAction.INVITATION_SENT, actor=actor, target=invitation, kind=kind)
    return invitation


@transaction.atomic
def invitation_resend(*, actor: Actor, invitation: Invitation) -> Invitation:
    """A fresh link (the old one stops working) and a fresh validity period."""
    require(actor, Action.EDIT, invitation)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted."))
    if invitation.revoked_at is not None:
        raise ValidationError(_("This invitation was revoked; send a new one."))
    token, invitation.token_hash = _new_token()
    invitation.expires_at = dj_timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.full_clean()
    invitation.save(update_fields=["token_hash", "expires_at"])
    _send_on_commit(invitation, token, actor)
    record(AuditAction.INVITATION_RESENT, actor=actor, target=invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation: Invitation) -> Invitation:
    require(actor, Action.EDIT, invitation)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted."))
    if invitation.revoked_at is None:
        invitation.revoked_at = dj_timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record(AuditAction.INVITATION_REVOKED, actor=actor, target=invitation)
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, first_name: str, last_name: str, password: str, language: str = "") -> User:
    """Whoever holds a pending invitation's link creates the account it describes, in the invitation's
    language if it names one, else in ``language`` (the browser's)."""
    invitation = Invitation.objects.select_for_update().filter(token_hash=token_hash(token)).first()
    if invitation is None or not invitation.is_pending:
        raise ValidationError(_("This invitation link is no longer valid."), code="invalid_invitation")
    password_check(password=password, email=invitation.email, first_name=first_name, last_name=last_name)
    user = user_create(
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
        password=password,
        kind=invitation.kind,
        email_verified=True,
        language=invitation.language or language,
    )
    invitation.accepted_at = dj_timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    return user


# --- Invitations from a file


BATCH_KEPT = timedelta(days=1)


@transaction.atomic
def invitation_batch_create(*, actor: Actor, filename: str, data: bytes) -> InvitationBatch:
    """Keep an uploaded file of people to invite until it is confirmed (``invitation_batch_send``).

    The file is checked as a whole here (size, encoding, number of lines); its lines are checked on
    the preview. Files left unconfirmed for a day are deleted.
    """
    require(actor, Action.INVITE_PEOPLE)
    if len(data) > invitation_files.MAX_BYTES:
        raise ValidationError(
            _("This file is larger than %(size)d KB. Split it into several files.")
            % {"size": invitation_files.MAX_BYTES // 1024}
        )
    text, encoding = invitation_files.decode(data)
    if not invitation_files.read(text):
        raise ValidationError(_("This file has nobody to invite: one line per person, starting with the e-mail."))
    InvitationBatch.objects.filter(created_at__lt=dj_timezone.now() - BATCH_KEPT).delete()
    batch = InvitationBatch(created_by=actor, filename=filename[:200], text=text, encoding=encoding)
    batch.full_clean()
    batch.save()
    return batch


@transaction.atomic
def invitation_batch_send(*, actor: Actor, batch: InvitationBatch) -> tuple[list[Invitation], int]:
    """Send an invitation to every line of ``batch`` that is still right, through ``invitation_send``.

    The lines are checked again (someone may have joined since the preview); the wrong ones are
    left out. Returns the invitations sent and the number of lines left out. A file is sent once.
    """
    require(actor, Action.EDIT, batch)
    batch = InvitationBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.sent_at is not None:
        raise ValidationError(_("This file was already sent."))
    lines = invitation_files.check(invitation_files.read(batch.text), guests_allowed=network_settings().guests_allowed)
    sent: list[Invitation] = []
    for line in lines:
        if not line.ok:
            continue
        try:
            with transaction.atomic():
                invitation = invitation_send(
                    actor=actor,
                    email=line.email,
                    first_name=line.first_name,
                    last_name=line.last_name,
                    kind=line.kind,
                    language=line.language,
                )
        except ValidationError:  # changed since the check: left out like the lines found wrong
            continue
        sent.append(invitation)
    batch.sent_at = dj_timezone.now()
    batch.save(update_fields=["sent_at"])
    return sent, len(lines) - len(sent)


def feed_account_create(*, name: str) -> User:
    """The identity of a feed (essaim/feeds): a ``User`` of kind ``feed`` that never signs in (inactive, no
    usable password, an address under ``.invalid``) and that the directory never lists. Unchecked: the
    feeds service that calls it checked who subscribes."""
    token = secrets.token_hex(8)
    name = name.strip()[:150] or _("Feed")
    handle = User.objects.unique_handle(f"feed-{handle_from_name(name, '', 'feed@x')}"[:32].rstrip(".-_"))
    account = User(
        email=f"feed-{token}@feeds.invalid", handle=handle, first_name=name, last_name="", kind=User.Kind.FEED,
        is_active=False,
    )  # fmt: skip
    account.set_unusable_password()
    account.full_clean(exclude=["password", "last_name"])  # a feed has one name
    account.save(force_insert=True)
    return account


def feed_account_rename(*, account: User, name: str) -> None:
    """A feed's identity takes the feed's title (once the first fetch found it)."""
    if account.kind == User.Kind.FEED and name.strip():
        User.objects.filter(pk=account.pk).update(first_name=name.strip()[:150])
        account.first_name = name.strip()[:150]
