"""THE permission module: the only place that decides who may see and do what.

Use ``can(actor, action, target)``, ``require(actor, action, target)`` and
``visible(actor, queryset)`` (or ``visible_among(actor, rows)`` for rows already loaded, and
``visible_sql(actor, model, alias)`` for a query written in SQL, and ``readers(target)`` for the
reverse question: who may see this)
from :mod:`essaim.access.policy`; never test roles elsewhere.
"""

from essaim.access.actions import Action
from essaim.access.policy import can, readers, require, visible, visible_among, visible_sql

__all__ = ["Action", "can", "readers", "require", "visible", "visible_among", "visible_sql"]
