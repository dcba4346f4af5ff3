"""Writes of idea boxes: open or close a space's box, propose an idea, vote, set an idea's status.

Each checks its permission first (``access``), writes atomically and emits its event (``essaim.events``):
a status change tells the idea's author and voters (``notifications``); a vote refreshes open pages.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.core.markdown import render_markdown
from essaim.core.rows import fetch
from essaim.events import emit
from essaim.events.types import IdeaStatusChanged, IdeaVoted
from essaim.ideas.models import Idea, IdeaBox, IdeaStatus, IdeaVote
from essaim.spaces.models import Space
from essaim.stream import services as stream_services
from essaim.stream.models import Attachment, Post, PostKind, Visibility

ANSWER_MAX_CHARS = 5000


@transaction.atomic
def idea_box_enable(*, actor: User, space: Space, enabled: bool = True) -> IdeaBox | None:
    """Open (``enabled``) or close the idea box of ``space``. Closing keeps its ideas (they can be read and
    commented) but takes no new idea nor vote. Doing it twice changes nothing."""
    access.require(actor, Action.ENABLE_IDEAS, space)
    if not enabled:
        IdeaBox.objects.filter(space=space).delete()
        return None
    box, _created = IdeaBox.objects.get_or_create(space=space, defaults={"enabled_by": actor})
    return box


def idea_propose(
    *,
    actor: User,
    space: Space,
    body: str,
    attachments: Sequence[UploadedFile] = (),
    image_description: str = "",
    media: Sequence[Attachment] = (),
) -> Post:
    """Propose an idea in ``space``'s box: a post of kind ``idea`` (its text, files, mentions and delivery are
    the stream's) with its status ``new``."""
    if not IdeaBox.objects.filter(space=space).exists():
        access.require(actor, Action.VIEW, space)
        raise _no_idea_box()
    return stream_services.post_create(
        actor=actor,
        body=body,
        visibility=Visibility.COMPANY,
        attachments=attachments,
        image_description=image_description,
        media=media,
        space=space,
        kind=PostKind.IDEA,
    )


def _no_idea_box() -> ValidationError:
    return ValidationError(
        {"body": _("This space has no idea box: post your idea as a message, or ask its administrators to open one.")}
    )


def idea_write(*, actor: User, post: Post, prepared: object) -> None:
    """The idea's row, in its post's transaction (``stream.kinds``): only in a space whose idea box is open
    (the composer offers "Idea" everywhere; a post anywhere else is refused with the reason)."""
    space_id = post.space_id
    if space_id is None or not IdeaBox.objects.filter(space_id=space_id).exists():
        raise _no_idea_box()
    Idea.objects.create(post=post, space_id=space_id)


def _take_turns_on(idea: Idea) -> None:
    """Votes for one idea take turns where the database can lock its row (PostgreSQL), so that each recount
    sees the others' votes (``stream.services._take_turns_on``); SQLite's writers already take turns."""
    if connection.features.has_select_for_update:
        list(Idea.objects.select_for_update().filter(pk=idea.pk).values_list("pk", flat=True))


_VOTE_INSERT_SQL = (
    f"INSERT INTO {IdeaVote._meta.db_table} (idea_id, user_id, created_at) "  # noqa: S608 - the model's table
    "VALUES (%s, %s, %s) ON CONFLICT (idea_id, user_id) DO NOTHING"
)
_VOTE_COUNT_SQL = f"SELECT COUNT(*) FROM {IdeaVote._meta.db_table} WHERE idea_id = %s"  # noqa: S608
_IDEA_COUNT_SQL = f"UPDATE {Idea._meta.db_table} SET vote_count = %s WHERE post_id = %s"  # noqa: S608


@transaction.atomic
def idea_vote_set(*, actor: User, idea: Idea, voted: bool) -> bool:
    """Vote for ``idea`` (``voted``) or take the vote back: one vote per person, whatever the number of clicks
    or of voters at once (the unique constraint decides; the count is recounted under the idea's row lock).
    Returns whether something changed; ``idea.vote_count`` is the new count."""
    access.require(actor, Action.VOTE_IDEA, idea)
    _take_turns_on(idea)
    if voted:
        created_at = IdeaVote._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
        with connection.cursor() as cursor:
            cursor.execute(_VOTE_INSERT_SQL, [idea.pk, actor.pk, created_at])
            changed = cursor.rowcount == 1
    else:
        deleted, _detail = IdeaVote.objects.filter(idea=idea, user=actor).delete()
        changed = bool(deleted)
    if changed:
        idea.vote_count = fetch(_VOTE_COUNT_SQL, [idea.pk])[0][0]
        with connection.cursor() as cursor:
            cursor.execute(_IDEA_COUNT_SQL, [idea.vote_count, idea.pk])
        emit(IdeaVoted(actor_id=actor.pk, post_id=idea.pk, voted=voted))
    return changed


@transaction.atomic
def idea_vote_toggle(*, actor: User, idea: Idea) -> bool:
    """Vote if ``actor`` has not, else take the vote back. Returns whether ``actor`` now votes for it."""
    access.require(actor, Action.VOTE_IDEA, idea)
    _take_turns_on(idea)
    voted = not IdeaVote.objects.filter(idea=idea, user=actor).exists()
    idea_vote_set(actor=actor, idea=idea, voted=voted)
    return voted


@transaction.atomic
def idea_status_set(*, actor: User, idea: Idea, status: str, answer: str = "") -> Idea:
    """Set ``idea``'s status and its official answer (shown on the idea); its author and voters are told."""
    access.require(actor, Action.SET_IDEA_STATUS, idea)
    if status not in IdeaStatus.values:
        raise ValidationError({"status": _("Choose one of the statuses offered.")})
    answer = answer.strip()
    if len(answer) > ANSWER_MAX_CHARS:
        raise ValidationError(
            {"answer": _("The answer is too long: %(limit)d characters at most.") % {"limit": ANSWER_MAX_CHARS}}
        )
    previous = idea.status
    if previous == status and answer == idea.answer:
        return idea
    idea.status = status
    idea.answer = answer
    idea.answer_html = render_markdown(answer) if answer else ""
    idea.answered_by = actor
    idea.status_changed_at = timezone.now()
    idea.save(update_fields=["status", "answer", "answer_html", "answered_by", "status_changed_at"])
    emit(IdeaStatusChanged(actor_id=actor.pk, post_id=idea.pk, status=status, previous_status=previous))
    return idea
