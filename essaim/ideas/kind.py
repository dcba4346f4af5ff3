"""The idea kind, registered with the stream (``stream.kinds``): a post of a space's idea box. Its card's rows
(status, votes) are loaded by ``ideas.cards`` (``stream.kind_rows``)."""

from __future__ import annotations

from essaim.ideas import services
from essaim.stream.kinds import KindSpec, register_kind
from essaim.stream.models import PostKind

register_kind(
    KindSpec(
        kind=PostKind.IDEA,
        icon="lightbulb",
        composer_template="ideas/includes/composer_fields.html",
        card_template="ideas/includes/card.html",
        write=services.idea_write,
    )
)
