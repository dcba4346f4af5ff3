"""The event kind, registered with the stream (``stream.kinds``): the composer's "Event" fields, the event's row
written with its post, the card's date block and answers."""

from __future__ import annotations

from essaim.calendar import selectors, services
from essaim.calendar.forms import ComposerEventForm
from essaim.stream.kinds import KindSpec, register_kind
from essaim.stream.models import PostKind

register_kind(
    KindSpec(
        kind=PostKind.EVENT,
        icon="calendar",
        composer_template="calendar/includes/composer_event.html",
        form=ComposerEventForm,
        card_template="calendar/includes/event_kind_card.html",
        prepare=services.event_prepare,
        write=services.event_write,
        hydrate=selectors.attach_to_posts,
    )
)
