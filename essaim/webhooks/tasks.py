"""The webhooks' tasks (``django.tasks``: the database worker, or RQ with ``ESSAIM_TASKS=rq``)."""

from __future__ import annotations

from django.tasks import task

from essaim.webhooks import deliveries


@task()
def send_deliveries(*, endpoint_id: int) -> int:
    """Send what is due for one endpoint; returns how many deliveries were tried."""
    return deliveries.send_due(endpoint_id)
