"""Erasing an account (the GDPR's right to erasure), in the two ways a company's policy may choose.

- ``erase``: the person and everything they wrote go. Their posts (with their comments and files),
  their comments and reactions under other people's posts (the counts there recounted), their
  follows, memberships, notifications, tokens and archives; then the account row itself. Each post
  deleted is said by a ``PostDeleted`` event, so live pages drop its card and the durable consumers
  (timelines, search) forget it, as for a post deleted by its author.
- ``anonymise``: what they wrote stays where it is (a discussion keeps its answers) under a name that
  no longer says who: "Former member", in the network's language, with a new handle. Everything that
  says who they were goes: e-mail, names, photo, profile, follows, memberships, notifications,
  sessions, tokens, archives; the account can never sign in again.

Neither touches the audit log, which keeps the name the person had when they acted: it is the record a
company keeps under a legal obligation (docs/governance.md). Nor does either rewrite what others wrote
(a post that named them keeps its words).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext

from essaim.accounts.models import Invitation, User
from essaim.accounts.services import user_credentials_revoke
from essaim.api.models import PersonalToken
from essaim.emails.models import DigestDelivery
from essaim.events.pipeline import emit
from essaim.events.types import AccountErased, PostDeleted
from essaim.notifications.models import (
    EmailPreferences,
    Marker,
    Notification,
    NotificationSetting,
    PendingEmail,
    SpaceNotificationLevel,
    ThreadMute,
)
from essaim.people.models import Follow, Profile
from essaim.people.services import profile_refresh_keys
from essaim.privacy.models import DataExport
from essaim.spaces.models import JoinRequest, Membership, SpaceInvitation
from essaim.stream import attachments as attachment_files
from essaim.stream.models import Attachment, Bookmark, Comment, Post, Reaction, TagFollow, attachment_storage

ERASED_DOMAIN = "erased.invalid"  # RFC 2606: never a real mailbox


def erase(user: User, *, actor_id: int | None) -> None:
    """Delete ``user`` and everything they wrote, in the caller's transaction."""
    files = _files_of(user)
    _forget_photo(Profile.objects.filter(user=user).first())
    for post_id, space_id in Post.objects.filter(author=user).values_list("pk", "space_id").iterator():
        emit(PostDeleted(actor_id=actor_id, post_id=post_id, author_id=user.pk, space_id=space_id))
    commented = _others_posts(Comment.objects.filter(author=user).exclude(post__author=user).values_list("post_id"))
    reacted = _others_posts(Reaction.objects.filter(user=user).exclude(post__author=user).values_list("post_id"))
    Comment.objects.filter(author=user).exclude(post__author=user).delete()
    Reaction.objects.filter(user=user).delete()
    Post.objects.filter(author=user).delete()
    _recount_comments(commented)
    _recount_reactions(reacted)
    _forget_saved(user)
    _forget_archives(user)
    emit(AccountErased(actor_id=actor_id, user_id=user.pk, content_kept=False))
    user.delete()
    transaction.on_commit(lambda: attachment_files.delete_files(files))


def anonymise(user: User, *, actor_id: int | None) -> None:
    """Keep what ``user`` wrote under a name that no longer says who they were, in the caller's transaction."""
    profile = Profile.objects.filter(user=user).first()
    _forget_photo(profile)
    with translation.override(settings.LANGUAGE_CODE):
        user.first_name, user.last_name = gettext("Former member"), ""
    user.handle = User.objects.unique_handle(f"former-{secrets.token_hex(4)}")
    user.email = f"{secrets.token_hex(12)}@{ERASED_DOMAIN}"
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.is_network_admin = user.is_communication_team = user.is_compliance_officer = False
    user.language = ""
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    user_credentials_revoke(user=user)
    PersonalToken.objects.filter(user=user).delete()
    if profile is not None:
        _blank_profile(profile)
    profile_refresh_keys(user=user)
    Follow.objects.filter(follower=user).delete()
    Follow.objects.filter(followed=user).delete()
    TagFollow.objects.filter(user=user).delete()
    _forget_saved(user)
    Membership.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user).delete()
    SpaceInvitation.objects.filter(user=user).delete()
    Invitation.objects.filter(user=user).update(email=user.email, first_name="", last_name="")
    PendingEmail.objects.filter(recipient=user).delete()
    Notification.objects.filter(recipient=user).delete()
    for model in (NotificationSetting, SpaceNotificationLevel, ThreadMute, Marker, EmailPreferences, DigestDelivery):
        model.objects.filter(user=user).delete()
    _forget_archives(user)
    emit(AccountErased(actor_id=actor_id, user_id=user.pk, content_kept=True))


def _forget_saved(user: User) -> None:
    """Their saved posts go (private to them, not something they wrote), and the posts' counts with them."""
    post_ids = list(Bookmark.objects.filter(user=user).values_list("post_id", flat=True))
    Bookmark.objects.filter(user=user).delete()
    for post_id in post_ids:
        Post.objects.filter(pk=post_id).update(bookmark_count=Bookmark.objects.filter(post_id=post_id).count())


def _blank_profile(profile: Profile) -> None:
    profile.photo = ""
    profile.job_title = profile.phone = profile.languages = profile.bio = ""
    profile.department = profile.site = profile.manager = None
    profile.first_steps_open = False
    profile.save()
    profile.skills.clear()
    profile.field_values.all().delete()


def _files_of(user: User) -> list[tuple[str, str]]:
    """The stored files that go with ``user``'s posts and comments, and the uploads still waiting for a post."""
    files = [
        (file or "", thumbnail or "")
        for file, thumbnail in Attachment.objects.filter(post__author=user).values_list("file", "thumbnail")
    ]
    files += [
        (file or "", thumbnail or "")
        for file, thumbnail in Attachment.objects.filter(comment__author=user)
        .exclude(post__author=user)
        .values_list("file", "thumbnail")
    ]
    files += [
        (file or "", thumbnail or "")
        for file, thumbnail in Attachment.objects.filter(uploaded_by=user, post__isnull=True).values_list(
            "file", "thumbnail"
        )
    ]
    return files


def _forget_photo(profile: Profile | None) -> None:
    name = (profile.photo.name or "") if profile is not None else ""
    if profile is not None and name:
        storage = profile.photo.storage
        transaction.on_commit(lambda: storage.delete(name))


def _others_posts(post_ids: Iterable[tuple[int]]) -> set[int]:
    return {post_id for (post_id,) in post_ids}


def _recount_comments(post_ids: set[int]) -> None:
    counts = dict(
        Comment.objects.filter(post_id__in=post_ids).values_list("post_id").annotate(n=Count("pk")).order_by()
    )
    for post_id in post_ids:
        Post.objects.filter(pk=post_id).update(comment_count=counts.get(post_id, 0))


def _recount_reactions(post_ids: set[int]) -> None:
    for post_id in post_ids:
        rows = Reaction.objects.filter(post_id=post_id).values_list("emoji").annotate(n=Count("pk")).order_by()
        Post.objects.filter(pk=post_id).update(reaction_counts=dict(rows))


def _forget_archives(user: User) -> None:
    names = [name for name in DataExport.objects.filter(user=user).values_list("file", flat=True) if name]
    DataExport.objects.filter(user=user).delete()
    if names:
        storage = attachment_storage()

        def delete() -> None:
            for name in names:
                storage.delete(name)

        transaction.on_commit(delete)
