"""Domain events: services ``emit`` them in their transaction; consumers act on them (``events.pipeline``)."""

from essaim.events.pipeline import consumer, emit

__all__ = ["consumer", "emit"]
