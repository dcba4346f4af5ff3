"""The poll kind, registered with the stream (``stream.kinds``)."""

from __future__ import annotations

from essaim.polls import selectors, services
from essaim.polls.forms import PollFields
from essaim.polls.schemas import poll_data
from essaim.stream.kinds import KindSpec, register_kind
from essaim.stream.models import PostKind

register_kind(
    KindSpec(
        kind=PostKind.POLL,
        icon="chart-bar",
        composer_template="polls/composer_fields.html",
        form=PollFields,
        card_template="polls/card.html",
        prepare=services.poll_prepare,
        write=services.poll_write,
        hydrate=selectors.hydrate_polls,
        status_fields=lambda post: {"poll": poll_data(post.poll_view) if post.poll_view is not None else None},
    )
)
