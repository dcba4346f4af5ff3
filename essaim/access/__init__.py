"""THE permission module: the only place that decides who may see and do what.

Use ``can(actor, action, target)``, ``require(actor, action, target)`` and
``visible(actor, queryset)`` from :mod:`essaim.access.policy`; never test roles elsewhere.
"""

from essaim.access.actions import Action
from essaim.access.policy import can, require, visible

__all__ = ["Action", "can", "require", "visible"]
