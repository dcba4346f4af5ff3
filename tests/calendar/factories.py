"""Events for tests: ``publish_event`` goes through the service (a post of kind ``event`` and its row)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from essaim.accounts.models import User
from essaim.calendar import services
from essaim.calendar.models import Event
from essaim.calendar.services import EventDetails


def details(**overrides: Any) -> EventDetails:
    start: datetime = overrides.pop("starts_at", timezone.now() + timedelta(days=7))
    values: dict[str, Any] = {
        "title": "Atelier d'intelligence collective",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "time_zone": "Europe/Paris",
        "place": "Salle Jaurès, Lyon",
        **overrides,
    }
    return EventDetails(**values)


def publish_event(author: User, *, body: str = "Venez nombreux !", space: Any = None, **overrides: Any) -> Event:
    return services.event_publish(actor=author, details=details(**overrides), body=body, space=space)
