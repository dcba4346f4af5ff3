"""Every index pays for itself: no column gets an index of its own when another already starts with it.

Django gives each foreign key (and each ``db_index`` field) a one-column index. Where a composite
index or unique constraint starts with the same column, it serves the same lookups and cascades,
and the one-column index only costs every new row one more page to write: a post wrote about 8 of
its 120 pages on SQLite for such indexes (bench/README.md).
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, models

pytestmark = pytest.mark.django_db

ESSAIM_MODELS = [
    model
    for model in apps.get_models()
    if model.__module__.startswith("essaim.") and not model._meta.auto_created and model._meta.managed
]


def _full_indexes(model: type[models.Model]) -> list[list[str]]:
    """The column lists of the model's indexes that cover every row (not partial), composite ones first."""
    meta = model._meta
    declared: list[list[str]] = [
        [meta.get_field(name.lstrip("-")).column for name in index.fields]
        for index in meta.indexes
        if index.condition is None and index.fields
    ]
    declared += [
        [meta.get_field(name).column for name in constraint.fields]
        for constraint in meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
        and constraint.condition is None
        and constraint.fields
        and constraint.nulls_distinct is not False  # SQLite cannot create these (settings: models.W047)
    ]
    declared += [[meta.get_field(name).column for name in fields] for fields in meta.unique_together]
    return declared


def _own_index_columns(model: type[models.Model]) -> list[str]:
    """Columns that Django indexes on their own (``db_index``, a foreign key's default), unique ones aside."""
    return [
        field.column
        for field in model._meta.concrete_fields
        if field.db_index and not field.unique and not field.primary_key
    ]


@pytest.mark.parametrize("model", ESSAIM_MODELS, ids=lambda model: model._meta.label)
def test_no_column_has_an_index_of_its_own_that_a_wider_index_starts_with(model: type[models.Model]) -> None:
    wider = _full_indexes(model)
    covered = [column for column in _own_index_columns(model) if any(c[0] == column and len(c) > 1 for c in wider)]
    assert covered == [], f"{model._meta.label}: {covered} are indexed by a wider index already; set db_index=False"


@pytest.mark.parametrize("model", ESSAIM_MODELS, ids=lambda model: model._meta.label)
def test_the_database_has_only_the_one_column_indexes_the_model_declares(model: type[models.Model]) -> None:
    """The migrations dropped the indexes the models no longer declare (by name, on SQLite and PostgreSQL)."""
    meta = model._meta
    declared = {index.name for index in meta.indexes} | {constraint.name for constraint in meta.constraints}
    # PostgreSQL adds a second index (``…_like``, for LIKE) to an indexed or unique text column.
    own = set(_own_index_columns(model)) | {field.column for field in meta.concrete_fields if field.unique}
    # A column the model does not map (search's ``vector``, added on PostgreSQL by its migration) has the
    # index its engine needs: it is that migration's, not a field's the model forgot.
    mapped = {field.column for field in meta.concrete_fields}
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, meta.db_table)
    strays = [
        name
        for name, info in constraints.items()
        if info["index"]
        and not info["unique"]
        and not info["primary_key"]
        and len(info["columns"]) == 1
        and info["columns"][0] in mapped
        and info["columns"][0] not in own
        and name not in declared
    ]
    assert strays == [], f"{meta.db_table}: indexes no model declares: {strays}"
