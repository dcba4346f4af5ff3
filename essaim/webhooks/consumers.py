"""The webhooks' durable consumer of the event pipeline: events become delivery rows, then a task sends them."""

from __future__ import annotations

from django.db import transaction

from essaim.events import consumer
from essaim.events.types import Event
from essaim.webhooks import deliveries, payloads


@consumer("webhooks.fan_out", on=payloads.DOMAIN_EVENTS, durable=True)
def fan_out(event: Event) -> None:
    from essaim.webhooks import tasks

    with transaction.atomic():
        endpoints = deliveries.fan_out(event)
    for endpoint_id in endpoints:
        tasks.send_deliveries.enqueue(endpoint_id=endpoint_id)
