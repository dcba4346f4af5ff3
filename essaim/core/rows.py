"""Model instances from hand-written SQL, built the way the ORM's own iterator builds them.

A feed page reads twenty-odd posts with their authors, profiles and spaces. The ORM took longer
to build that ``select_related`` query (three joins, sixty columns) than the database took to
answer it, at every request, for a query whose shape never changes (bench/README.md). A module
that needs such a query writes its SQL once; :class:`ModelColumns` gives it the select list of
one model's concrete columns under a table alias and turns the matching slice of each row back
into an instance with the ORM's own pieces: the database backend's converters and the field's
(``from_db_value``), then ``Model.from_db``. The instances are the ORM's: a related object can be
attached with :func:`attach`, and everything downstream (templates, serializers, the permission
rules) sees no difference — ``tests/core/test_rows.py`` compares them with the ORM's field by field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.db.models.base import ModelState
from django.db.models.expressions import Col
from django.db.models.signals import post_init, pre_init

type Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


class ModelColumns[M: Model]:
    """The concrete columns of ``model`` under the SQL alias ``alias``, and the way back to an instance.

    ``only`` names the fields to read (the primary key always is); the others are deferred, as
    with ``QuerySet.only``: reading one later costs a query.
    """

    def __init__(self, model: type[M], alias: str, *, only: Sequence[str] = ()) -> None:
        self.model = model
        self.alias = alias
        pk = model._meta.pk
        self.fields: list[Field[Any, Any]] = [
            f for f in model._meta.concrete_fields if not only or f is pk or f.name in only or f.attname in only
        ]
        self.attnames = [field.attname for field in self.fields]
        self.width = len(self.fields)
        self._pk_index = self.fields.index(model._meta.pk)
        self._converters: dict[str, list[tuple[int, list[Converter], Col]]] = {}
        # ``Model.from_db`` calls ``__init__``, which sets each field through ``setattr`` and sends
        # ``pre_init``/``post_init``: a third of building a feed page's seventy-odd instances. For a
        # model that changes neither, ``build`` fills the instance's ``__dict__`` at once, as those
        # ``setattr`` calls do (a field's descriptor reads its value from there), while no
        # receiver listens to either signal; when one does, it goes through ``from_db``.
        self._plain = model.__init__ is Model.__init__ and model.from_db.__func__ is Model.from_db.__func__  # type: ignore[attr-defined]

    def select(self, connection: BaseDatabaseWrapper) -> str:
        """``alias."column", …`` in the model's field order: the slice :meth:`build` reads back."""
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(cast(str, field.column))}" for field in self.fields)

    def build(self, row: Sequence[Any], start: int, connection: BaseDatabaseWrapper) -> M | None:
        """The instance in ``row[start:start + width]``; ``None`` when its key is null (an outer join's miss)."""
        values = list(row[start : start + self.width])
        if values[self._pk_index] is None:
            return None
        for index, converters, expression in self._converters_for(connection):
            value = values[index]
            for converter in converters:
                value = converter(value, expression, connection)
            values[index] = value
        if not self._plain or pre_init.receivers or post_init.receivers:
            return self.model.from_db(connection.alias, self.attnames, values)
        instance = self.model.__new__(self.model)
        state = ModelState()
        state.adding, state.db = False, connection.alias
        instance.__dict__["_state"] = state
        instance.__dict__.update(zip(self.attnames, values, strict=True))
        return instance

    def _converters_for(self, connection: BaseDatabaseWrapper) -> list[tuple[int, list[Converter], Col]]:
        """The converters ``SQLCompiler.get_converters`` would apply to these columns, worked out once per database."""
        found = self._converters.get(connection.alias)
        if found is None:
            found = []
            for index, field in enumerate(self.fields):
                expression = field.get_col(self.alias)
                converters = [*connection.ops.get_db_converters(expression), *expression.get_db_converters(connection)]
                if converters:
                    found.append((index, converters, expression))
            self._converters[connection.alias] = found
        return found


def attach(instance: Model, field_name: str, related: Model | None) -> None:
    """Cache ``related`` as ``instance.<field_name>``, forward or reverse, as ``select_related`` does.

    A reverse one-to-one left ``None`` raises ``RelatedObjectDoesNotExist`` on access, like the ORM's.
    """
    field: Any = instance._meta.get_field(field_name)
    field.set_cached_value(instance, related)
    if related is None:
        return
    if field.auto_created:  # a reverse one-to-one (``user.profile``): its field caches the way back
        field.field.set_cached_value(related, instance)
    elif field.one_to_one:
        field.remote_field.set_cached_value(related, instance)


def database() -> BaseDatabaseWrapper:
    """This thread's default database connection itself: the ``django.db.connection`` proxy looks it
    up again at every attribute, which building a page of instances did a few hundred times."""
    return connections[DEFAULT_DB_ALIAS]


def statement(build: Callable[[BaseDatabaseWrapper], str]) -> Callable[[], str]:
    """``@statement``: ``build(connection)``'s SQL, built once per database vendor and then reused.

    For the statements whose text never changes (their values go as parameters): the select
    lists of :class:`ModelColumns` quote names the way the connection's backend does.
    """
    built: dict[str, str] = {}

    def sql() -> str:
        db = database()
        text = built.get(db.vendor)
        if text is None:
            text = built[db.vendor] = build(db)
        return text

    return sql


def fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Every row of ``sql`` run with ``params`` on the default database."""
    with database().cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def placeholders(count: int) -> str:
    """``%s, %s, …``: the parameter markers of an ``IN (…)`` list (the values go as parameters, never in the text)."""
    return ", ".join(["%s"] * count)
