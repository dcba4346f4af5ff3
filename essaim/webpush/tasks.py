"""Web Push's task (``django.tasks``: the database worker, or RQ with ``ESSAIM_TASKS=rq``)."""

from __future__ import annotations

from django.tasks import task

from essaim.webpush import delivery


@task()
def send_push(*, notification_id: int, subscription_id: int | None = None, attempt: int = 1) -> list[str]:
    """Push one notification to its recipient's apps (one subscription, for a retry); each outcome."""
    results = delivery.deliver(notification_id=notification_id, subscription_id=subscription_id, attempt=attempt)
    return [f"{r.subscription_id}:{r.outcome}" for r in results]
