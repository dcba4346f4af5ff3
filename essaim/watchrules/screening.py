"""What the stream asks before it publishes: does this text match an active watch rule, and what then.

``screen`` runs before a post's or a comment's transaction, on the process's compiled ``engine.Matcher``: the
active rules compiled once, again when one changes (at once in the process that changed it; within
``CHECK_SECONDS`` in the others, which compare the shared generation token: no query on the common path).
A text with a "warn" match is refused (``WatchWarning``, a ``ValidationError``) unless the author confirmed;
"hold" and "report" matches are written by ``record`` in the write's own transaction.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from essaim.core import counters
from essaim.watchrules import engine
from essaim.watchrules.models import WatchHit, WatchRule

CHECK_SECONDS = 1.0  # how long a process trusts its compiled rules before it reads the shared generation again
GENERATION_KEY = "essaim:watchrules:generation"
WARNING_CODE = "watch_warning"
HELD_CODE = "watch_held"

_lock = threading.Lock()
_state: dict[str, Any] = {"matcher": None, "generation": None, "checked": 0.0}


def _generation() -> str | None:
    """The rules' generation, a random token every process shares (the ``ratelimit`` cache: Redis or one SQLite
    file, never a process's own memory): a new one each time a rule changes, so reading it costs no query."""
    value = caches[counters.ALIAS].get(GENERATION_KEY)
    return str(value) if value is not None else None


def matcher() -> engine.Matcher:
    """The active rules, compiled: the same object until a rule changes (one query to compile them then)."""
    current = _state["matcher"]
    if current is not None and time.monotonic() - _state["checked"] < CHECK_SECONDS:
        return cast(engine.Matcher, current)
    generation = _generation()
    with _lock:
        if _state["matcher"] is None or _state["generation"] != generation:
            specs = [rule.spec() for rule in WatchRule.objects.filter(is_active=True).order_by("id")]
            _state["matcher"], _state["generation"] = engine.Matcher(specs), generation
        _state["checked"] = time.monotonic()
        return cast(engine.Matcher, _state["matcher"])


def forget() -> None:
    """Drop this process's compiled rules: the next screening compiles them again."""
    with _lock:
        _state["matcher"] = None


def changed() -> None:
    """A rule changed and its transaction committed: every process compiles the rules again (this one at once,
    the others within ``CHECK_SECONDS``)."""
    caches[counters.ALIAS].set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    forget()


def reset_empty() -> None:
    """This process holds no rule, as of the current generation (tests start so: an empty database, no query)."""
    with _lock:
        _state.update(matcher=engine.Matcher([]), generation=_generation(), checked=time.monotonic())


class WatchWarning(ValidationError):  # noqa: N818 - a warning the author may overrule, not an error
    """The text matched a "warn" rule and the author has not confirmed: ``hits`` say which, and why."""

    def __init__(self, hits: list[engine.Hit], *, field_name: str = "body") -> None:
        self.hits = hits
        names = ", ".join(hit.name for hit in hits)
        message = _(
            "This looks confidential (%(rules)s). Check your text, or confirm to publish anyway "
            "(through the API: send confirm_watch=true)."
        ) % {"rules": names}
        super().__init__({field_name: ValidationError(message, code=WARNING_CODE)})


@dataclass
class Verdict:
    """What the rules say of a text: ``warn`` (asked and confirmed), ``hold``, ``report`` matches."""

    warn: list[engine.Hit] = field(default_factory=list)
    hold: list[engine.Hit] = field(default_factory=list)
    report: list[engine.Hit] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return bool(self.hold)

    def __bool__(self) -> bool:
        return bool(self.warn or self.hold or self.report)


def screen(*, text: str, confirmed: bool = False) -> Verdict:
    """The rules' verdict on ``text``; raises ``WatchWarning`` when a "warn" rule matched and not ``confirmed``."""
    verdict = Verdict()
    for hit in matcher().match(text):
        getattr(verdict, hit.action, verdict.report).append(hit)
    if verdict.warn and not confirmed:
        raise WatchWarning(verdict.warn)
    return verdict


def refuse_held_comment(verdict: Verdict, *, author_id: int, post_id: int) -> None:
    """A comment cannot wait hidden (comments have no such state): one that a "hold" rule matches is refused,
    and the refusal is reported to compliance, in a transaction of its own, before the author is told."""
    with transaction.atomic():
        record(verdict, author_id=author_id, source=WatchHit.Source.COMMENT, post_id=post_id, holds_as_reports=True)
    rules = ", ".join(hit.name for hit in verdict.hold)
    raise ValidationError(
        {
            "body": ValidationError(
                _(
                    "This comment cannot be published: it matches a rule of the network (%(rules)s). "
                    "Remove what it names and try again; compliance has been told."
                )
                % {"rules": rules},
                code=HELD_CODE,
            )
        }
    )


def record(
    verdict: Verdict,
    *,
    author_id: int,
    source: str,
    post_id: int | None = None,
    comment_id: int | None = None,
    attachment_id: int | None = None,
    published_before: bool = False,
    holds_as_reports: bool = False,
) -> list[WatchHit]:
    """The verdict's "hold" and "report" matches as rows of the compliance queue, in the caller's transaction.
    ``holds_as_reports``: a hold that cannot hold anything (a comment, a comment's file) is written as a report."""
    rows = []
    for action, hits in ((WatchRule.Action.HOLD, verdict.hold), (WatchRule.Action.REPORT, verdict.report)):
        kept = WatchRule.Action.REPORT if holds_as_reports else action
        rows += [
            WatchHit(
                rule_id=hit.rule_id,
                rule_name=hit.name,
                action=kept,
                source=source,
                post_id=post_id,
                comment_id=comment_id,
                attachment_id=attachment_id,
                author_id=author_id,
                excerpt=hit.excerpt,
                published_before=published_before,
            )
            for hit in hits
        ]
    return WatchHit.objects.bulk_create(rows) if rows else []


def held_post_ids() -> QuerySet[Any]:
    """The ids of the posts an open "hold" match keeps back (a subquery): the spaces' approval queues leave them
    to compliance (``moderation.approval``)."""
    return WatchHit.objects.filter(action=WatchRule.Action.HOLD, status=WatchHit.Status.OPEN).values("post_id")
