"""The praise kind, registered with the stream (``stream.kinds``): the colleagues praised and the badge, chosen in
the composer. Its card's rows are loaded by ``praise.cards`` (``stream.kind_rows``)."""

from __future__ import annotations

from essaim.praise import services
from essaim.praise.forms import PraiseFields
from essaim.stream.kinds import KindSpec, register_kind
from essaim.stream.models import PostKind

register_kind(
    KindSpec(
        kind=PostKind.PRAISE,
        icon="award",
        composer_template="praise/includes/composer_fields.html",
        form=PraiseFields,
        card_template="praise/includes/card.html",
        prepare=services.praise_prepare,
        write=services.praise_write,
    )
)
