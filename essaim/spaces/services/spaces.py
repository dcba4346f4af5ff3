"""Create, edit, archive and delete spaces."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.compliance import holds
from essaim.core.text import fold
from essaim.core.uploads import clean_image
from essaim.spaces.models import Membership, Space
from essaim.spaces.services.memberships import member_add

Role = Membership.Role
Visibility = Space.Visibility
# How narrow a visibility is: a sub-space may be as narrow as its parent or narrower, never wider.
NARROWNESS = {Visibility.PUBLIC.value: 0, Visibility.PRIVATE.value: 1, Visibility.SECRET.value: 2}
AVATAR_SIDE = 256
# Addresses the spaces app uses for its own pages (``/spaces/new/``, ``/spaces/invitations/``).
RESERVED_SLUGS = {"new", "invitations"}
BANNER_SIDE = 1600


# What a change of a space's settings records, from and to.
AUDITED_FIELDS = ("name", "visibility", "description", "welcome", "include_subspace_posts", "post_approval")


def _unique_slug(name: str) -> str:
    base = slugify(fold(name))[:120].strip("-") or "space"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Space.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_name(name: str, *, exclude_pk: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the space a name.")})
    duplicates = Space.objects.filter(search_key=fold(name))
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    if duplicates.exists():
        raise ValidationError({"name": _("A space with this name already exists. Choose another name.")})
    return name


def _check_visibility_under(parent: Space | None, visibility: str) -> None:
    if parent is not None and NARROWNESS[visibility] < NARROWNESS[parent.visibility]:
        raise ValidationError(
            {
                "visibility": _("A sub-space cannot be more open than its parent space (%(parent)s).")
                % {"parent": parent.get_visibility_display()}
            }
        )


def _check_subspace_posts(parent: Space | None, include_subspace_posts: bool) -> None:
    if parent is not None and include_subspace_posts:
        raise ValidationError(
            {"include_subspace_posts": _("A sub-space has no sub-spaces: only a parent space can show their posts.")}
        )


@transaction.atomic
def space_create(
    *,
    actor: Actor,
    name: str,
    visibility: str = Visibility.PUBLIC,
    description: str = "",
    welcome: str = "",
    parent: Space | None = None,
    include_subspace_posts: bool = False,
    post_approval: str | None = None,
) -> Space:
    """Create a space (or a sub-space of ``parent``); its creator becomes its owner."""
    if parent is None:
        access.require(actor, Action.CREATE_SPACE, Space)
    else:
        access.require(actor, Action.EDIT_SETTINGS, parent)
        if parent.parent_id is not None:
            raise ValidationError({"parent": _("A sub-space cannot have sub-spaces of its own.")})
    name = _check_name(name)
    if visibility not in NARROWNESS:
        raise ValidationError({"visibility": _("Choose public, private or secret.")})
    _check_visibility_under(parent, visibility)
    _check_subspace_posts(parent, include_subspace_posts)
    space = Space(
        name=name,
        slug=_unique_slug(name),
        description=description.strip(),
        welcome=welcome.strip(),
        visibility=visibility,
        parent=parent,
        created_by=actor,
        search_key=fold(name),
        include_subspace_posts=include_subspace_posts,
        post_approval=post_approval or Space.PostApproval.NONE,
    )
    space.full_clean()
    space.save()
    member_add(space=space, user=actor, role=Role.OWNER, actor_id=actor.pk)
    return space


@transaction.atomic
def space_update(
    *,
    actor: Actor,
    space: Space,
    name: str,
    visibility: str,
    description: str = "",
    welcome: str = "",
    include_subspace_posts: bool | None = None,
    post_approval: str | None = None,
) -> Space:
    """Change the space's name, visibility, texts, stream option and pre-approval; sub-spaces are narrowed to
    stay within it.

    ``include_subspace_posts=None`` and ``post_approval=None`` keep the current setting. Posts already
    waiting keep waiting when approval is turned off: a moderator still decides them.
    """
    access.require(actor, Action.EDIT_SETTINGS, space)
    before = {field: getattr(space, field) for field in AUDITED_FIELDS}
    space.name = _check_name(name, exclude_pk=space.pk)
    if visibility not in NARROWNESS:
        raise ValidationError({"visibility": _("Choose public, private or secret.")})
    _check_visibility_under(space.parent, visibility)
    if include_subspace_posts is not None:
        _check_subspace_posts(space.parent, include_subspace_posts)
        space.include_subspace_posts = include_subspace_posts
    if post_approval is not None:
        space.post_approval = post_approval
    space.visibility = visibility
    space.description = description.strip()
    space.welcome = welcome.strip()
    space.search_key = fold(space.name)
    space.full_clean()
    space.save()
    narrower = [v for v, n in NARROWNESS.items() if n < NARROWNESS[visibility]]
    space.children.filter(visibility__in=narrower).update(visibility=visibility, updated_at=timezone.now())
    changed = {f: [before[f], getattr(space, f)] for f in AUDITED_FIELDS if before[f] != getattr(space, f)}
    if changed:
        record(AuditAction.SPACE_SETTINGS_CHANGED, actor=actor, target=space, space_id=space.pk, changed=changed)
    return space


@transaction.atomic
def space_image_set(*, actor: Actor, space: Space, field: str, upload: UploadedFile) -> Space:
    """Replace the avatar (square) or the banner: decoded, metadata stripped, resized."""
    access.require(actor, Action.EDIT_SETTINGS, space)
    if field not in {"avatar", "banner"}:
        raise ValidationError(_("Unknown image."))
    try:
        image = clean_image(
            upload, max_side=AVATAR_SIDE if field == "avatar" else BANNER_SIDE, square=field == "avatar"
        )
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    file = getattr(space, field)
    old_name = file.name or ""
    extension = (image.content.name or "image.jpg").rsplit(".", 1)[-1]
    file.save(f"{field}-{secrets.token_hex(8)}.{extension}", image.content, save=False)
    space.save(update_fields=[field, "updated_at"])
    if old_name:
        storage = file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return space


@transaction.atomic
def space_archive(*, actor: Actor, space: Space) -> Space:
    """Make the space (and its sub-spaces) read-only. Archiving twice changes nothing."""
    access.require(actor, Action.ARCHIVE, space)
    if space.archived_at is None:
        now = timezone.now()
        space.archived_at = now
        space.save(update_fields=["archived_at", "updated_at"])
        space.children.filter(archived_at=None).update(archived_at=now, updated_at=now)
        record(AuditAction.SPACE_ARCHIVED, actor=actor, target=space, space_id=space.pk)
    return space


@transaction.atomic
def space_unarchive(*, actor: Actor, space: Space) -> Space:
    access.require(actor, Action.ARCHIVE, space)
    if space.parent is not None and space.parent.archived_at is not None:
        raise ValidationError(_("Restore the parent space first."))
    if space.archived_at is not None:
        archived_at = space.archived_at
        space.archived_at = None
        space.save(update_fields=["archived_at", "updated_at"])
        space.children.filter(archived_at=archived_at).update(archived_at=None, updated_at=timezone.now())
        record(AuditAction.SPACE_UNARCHIVED, actor=actor, target=space, space_id=space.pk)
    return space


@transaction.atomic
def space_delete(*, actor: Actor, space: Space) -> None:
    """Delete the space with its sub-spaces, memberships, requests and invitations (the database cascades).

    Refused while a legal hold covers it or one of its sub-spaces (``compliance.holds``): archive it instead."""
    access.require(actor, Action.DELETE, space)
    if any(holds.space_is_held(pk) for pk in [space.pk, *space.children.values_list("pk", flat=True)]):
        raise ValidationError(_("This space is under legal hold: it cannot be deleted until the hold is released."))
    names = [n for n in (space.avatar.name, space.banner.name) if n]
    storage = space.avatar.storage
    record(AuditAction.SPACE_DELETED, actor=actor, target=space, space_id=space.pk)
    space.delete()

    def delete_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)
