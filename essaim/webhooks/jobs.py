"""The webhooks' periodic jobs: the retries that came due, and the log's pruning."""

from __future__ import annotations

from datetime import timedelta

from essaim.core.schedule import periodic
from essaim.webhooks import deliveries, tasks


@periodic("webhooks.retries", every=timedelta(seconds=30))
def retry_due() -> int:
    """Ask a sender for each endpoint with deliveries due again (a retry's time came, or a sender died)."""
    endpoints = deliveries.due_endpoints()
    for endpoint_id in endpoints:
        tasks.send_deliveries.enqueue(endpoint_id=endpoint_id)
    return len(endpoints)


@periodic("webhooks.prune", every=timedelta(days=1))
def prune() -> int:
    return deliveries.prune()
