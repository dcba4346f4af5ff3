"""Domain events from services to consumers: ``emit`` in the write's transaction, consumers after it.

Services, and only services, ``emit`` events (``events.types``) in the transaction of the write
they describe. A consumer is a function registered with ``@consumer`` for some kinds of event, in
the module its app loads in ``AppConfig.ready()`` (``stream/consumers.py``…): adding one is a
one-module change. There are two sorts:

- **immediate** consumers run in the emitting process once the transaction has committed (and
  never if it rolled back), each on its own: one that fails is logged and the others still run.
  For what may be lost with the process (a page to refresh live).
- **durable** consumers get one ``OutboxItem`` row per event, written in the write's own
  transaction; the task worker's outbox loop (``events.outbox``) runs them, again after a worker
  dies and with a growing pause after a failure. For what must not be lost (timelines, e-mail,
  later search indexing and webhooks). They must be idempotent: work done just before a worker
  died is done again.

A consumer reads what it needs by the event's ids when it runs, and asks ``access`` what its
reader may see then: an event never carries HTML or a copy of what it is about.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction

from essaim.events.types import Event

logger = logging.getLogger(__name__)

E = TypeVar("E", bound=Event)
Handler = Callable[[Any], None]


@dataclass(frozen=True)
class Consumer:
    name: str
    handle: Handler
    kinds: frozenset[str]
    durable: bool
    when: Callable[[Any], bool] | None = None

    def wants(self, event: Event) -> bool:
        return event.kind in self.kinds and (self.when is None or self.when(event))


_consumers: dict[str, Consumer] = {}
_captured: list[list[Event]] = []  # the lists of ``capture`` blocks open (tests)


def consumer(
    name: str, *, on: Iterable[type[Event]], durable: bool, when: Callable[[Any], bool] | None = None
) -> Callable[[Handler], Handler]:
    """``@consumer("stream.timelines", on=[PostCreated], durable=True)``: run the function for those
    events (``when``: only those it says yes to). ``name`` is what the outbox stores: keep it."""

    def register(handle: Handler) -> Handler:
        if name in _consumers and _consumers[name].handle is not handle:
            raise ValueError(f"Two consumers are named {name!r}.")
        _consumers[name] = Consumer(name, handle, frozenset(cls.kind for cls in on), durable, when)
        return handle

    return register


def consumers() -> dict[str, Consumer]:
    return dict(_consumers)


def emit(*events: Event) -> None:
    """Record ``events`` as part of the current transaction (services only).

    The durable consumers' outbox rows are written now, with the write; the immediate consumers run
    once it commits. Several events of one write go in one call (one statement for their rows).
    """
    from essaim.events.models import OutboxItem

    for captured in _captured:
        captured.extend(events)
    rows = [
        OutboxItem(consumer=c.name, kind=event.kind, payload=event.payload())
        for event in events
        for c in _consumers.values()
        if c.durable and c.wants(event)
    ]
    if rows:
        OutboxItem.objects.bulk_create(rows)
    immediate = [(c, event) for event in events for c in _consumers.values() if not c.durable and c.wants(event)]
    if immediate:
        transaction.on_commit(lambda: _dispatch(immediate))


def _dispatch(calls: list[tuple[Consumer, Event]]) -> None:
    for c, event in calls:
        try:
            c.handle(event)
        except Exception:
            logger.exception("The consumer %s failed on %s", c.name, event)


def run_durable(name: str, event: Event) -> None:
    """Run the durable consumer ``name`` on ``event`` (the outbox's worker loop)."""
    _consumers[name].handle(event)


@contextmanager
def capture() -> Iterator[list[Event]]:
    """``with capture() as events:`` every event emitted inside, in order, committed or not (tests:
    the ``capture_events`` fixture)."""
    events: list[Event] = []
    _captured.append(events)
    try:
        yield events
    finally:
        _captured.remove(events)
