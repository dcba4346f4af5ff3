"""SCIM filters (RFC 7644 §3.4.2.2) as one Django ``Q``: parsed here, never evaluated in Python.

``userName eq "lea@example.com"``, ``name.familyName co "mar" and active eq true``,
``emails[value ew "@example.com"]``, ``not (title pr)``… Each attribute a filter may name maps to one column
(``USER_COLUMNS``, ``GROUP_COLUMNS``); any other attribute, operator or syntax answers ``400 invalidFilter``.
Text is compared as SCIM says of the attribute: case-insensitively unless it is ``caseExact``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.dateparse import parse_datetime

from essaim.scim.errors import invalid_filter
from essaim.scim.resources import ENTERPRISE, GROUP_SCHEMA, USER_SCHEMA


@dataclass(frozen=True)
class Column:
    lookup: str  # the ORM path
    kind: str = "text"  # text (case-insensitive), exact (caseExact text), bool, id, datetime
    also: Callable[[str, Any], Q] | None = None  # an alternative for the same attribute, OR-ed in


def _user_name_of_unlinked(operator: str, value: Any) -> Q:
    """A person Essaim knew before the directory (no SCIM identity yet) has their e-mail as ``userName``:
    Okta and Entra look them up by it before creating them, and link them on their first write."""
    return Q(scim_identity__isnull=True) & _compare("email", "text", operator, value)


USER_COLUMNS = {
    "id": Column("pk", "id"),
    "username": Column("scim_identity__user_name", "text", _user_name_of_unlinked),
    "externalid": Column("scim_identity__external_id", "exact"),
    "name.givenname": Column("first_name"),
    "name.familyname": Column("last_name"),
    "displayname": Column("scim_identity__display_name"),
    "title": Column("profile__job_title"),
    "active": Column("is_active", "bool"),
    "emails": Column("email"),
    "emails.value": Column("email"),
    "phonenumbers": Column("profile__phone"),
    "phonenumbers.value": Column("profile__phone"),
    "preferredlanguage": Column("scim_identity__preferred_language"),
    "employeenumber": Column("scim_identity__employee_number", "exact"),
    "department": Column("profile__department__name"),
    "manager": Column("profile__manager_id", "id"),
    "manager.value": Column("profile__manager_id", "id"),
    "groups": Column("profile__department_id", "id"),
    "groups.value": Column("profile__department_id", "id"),
    "meta.created": Column("date_joined", "datetime"),
    "meta.lastmodified": Column("profile__updated_at", "datetime"),
}
GROUP_COLUMNS = {
    "id": Column("pk", "id"),
    "displayname": Column("name"),
    "externalid": Column("scim_group__external_id", "exact"),
    "members": Column("profiles__user_id", "id"),
    "members.value": Column("profiles__user_id", "id"),
}

TOKEN = re.compile(
    r"""\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<punct>[()\[\]])|(?P<word>[^\s()\[\]"]+))""",
)
OPERATORS = {"eq", "ne", "co", "sw", "ew", "gt", "lt", "ge", "le"}
TEXT_LOOKUPS = {"eq": "iexact", "co": "icontains", "sw": "istartswith", "ew": "iendswith"}
EXACT_LOOKUPS = {"eq": "exact", "co": "contains", "sw": "startswith", "ew": "endswith"}
ORDER_LOOKUPS = {"gt": "gt", "lt": "lt", "ge": "gte", "le": "lte"}
PREFIXES = (USER_SCHEMA.lower() + ":", GROUP_SCHEMA.lower() + ":", ENTERPRISE.lower() + ":")


def _tokens(text: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise invalid_filter(f"Unreadable filter near: {text[position : position + 20]!r}.")
        position = match.end()
        if match.group("string") is not None:
            try:
                tokens.append(("value", json.loads(match.group("string"))))
            except json.JSONDecodeError:
                raise invalid_filter("A string in the filter is not valid JSON.") from None
        elif match.group("punct") is not None:
            tokens.append((match.group("punct"), match.group("punct")))
        else:
            tokens.append(("word", match.group("word")))
    return tokens


def attribute_key(name: str) -> str:
    """``urn:…:User:name.givenName`` → ``name.givenname``; ``urn:…:enterprise:2.0:User:department`` → ``department``."""
    key = name.lower()
    for prefix in PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def _literal(word: str) -> Any:
    lowered = word.lower()
    if lowered in {"true", "false"}:
        return lowered == "true"
    if lowered == "null":
        return None
    try:
        return json.loads(word)
    except json.JSONDecodeError:
        raise invalid_filter(f"Compare to a quoted string, a number, true, false or null, not {word!r}.") from None


def _compare(lookup: str, kind: str, operator: str, value: Any) -> Q:
    if operator == "pr":
        present = Q(**{f"{lookup}__isnull": False})
        return present & ~Q(**{lookup: ""}) if kind in {"text", "exact"} else present
    negate = operator == "ne"
    operator = "eq" if negate else operator
    if kind == "bool":
        if not isinstance(value, bool) and str(value).lower() not in {"true", "false"}:
            raise invalid_filter("Compare a boolean attribute to true or false.")
        if operator != "eq":
            raise invalid_filter("A boolean attribute is compared with eq or ne only.")
        condition = Q(**{lookup: value if isinstance(value, bool) else str(value).lower() == "true"})
    elif kind == "id":
        if operator != "eq":
            raise invalid_filter("An id is compared with eq or ne only.")
        text = str(value)
        condition = Q(**{lookup: int(text)}) if text.isdigit() and len(text) < 19 else Q(pk__in=[])
    elif kind == "datetime":
        moment = parse_datetime(str(value)) if value is not None else None
        if moment is None or operator not in ORDER_LOOKUPS | {"eq": "exact"}:
            raise invalid_filter("Compare a date with eq, gt, ge, lt or le and an ISO 8601 date and time.")
        condition = Q(**{f"{lookup}__{(ORDER_LOOKUPS | {'eq': 'exact'})[operator]}": moment})
    else:
        if value is None or isinstance(value, bool | dict | list):
            raise invalid_filter("Compare a text attribute to a quoted string.")
        lookups = TEXT_LOOKUPS if kind == "text" else EXACT_LOOKUPS
        suffix = lookups.get(operator) or ORDER_LOOKUPS.get(operator)
        if suffix is None:
            raise invalid_filter(f"Unknown operator {operator!r}.")
        condition = Q(**{f"{lookup}__{suffix}": str(value)})
    return ~condition if negate else condition


class _Parser:
    def __init__(self, text: str, columns: dict[str, Column]) -> None:
        self.tokens = _tokens(text)
        self.position = 0
        self.columns = columns

    def peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, Any]:
        token = self.peek()
        if token is None:
            raise invalid_filter("The filter ends too early.")
        self.position += 1
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token is not None and token[0] == "word" and str(token[1]).lower() == word:
            self.position += 1
            return True
        return False

    def parse(self) -> Q:
        if not self.tokens:
            raise invalid_filter("The filter is empty.")
        condition = self.either()
        if self.peek() is not None:
            raise invalid_filter(f"Unexpected {self.peek()[1]!r} in the filter.")  # type: ignore[index]  # checked just above
        return condition

    def either(self, prefix: str = "") -> Q:
        condition = self.both(prefix)
        while self.keyword("or"):
            condition |= self.both(prefix)
        return condition

    def both(self, prefix: str) -> Q:
        condition = self.single(prefix)
        while self.keyword("and"):
            condition &= self.single(prefix)
        return condition

    def single(self, prefix: str) -> Q:
        if self.keyword("not"):
            return ~self.grouped(prefix)
        token = self.peek()
        if token is not None and token[0] == "(":
            return self.grouped(prefix)
        kind, name = self.take()
        if kind != "word":
            raise invalid_filter(f"Expected an attribute, found {name!r}.")
        attribute = attribute_key(str(name))
        following = self.peek()
        if following is not None and following[0] == "[":  # emails[type eq "work" and value co "@"]
            self.take()
            condition = self.either(prefix=attribute + ".")
            if self.take()[0] != "]":
                raise invalid_filter("A '[' in the filter is not closed.")
            return condition
        return self.comparison(prefix + attribute)

    def grouped(self, prefix: str) -> Q:
        if self.take()[0] != "(":
            raise invalid_filter("Expected '(' after 'not'.")
        condition = self.either(prefix)
        if self.take()[0] != ")":
            raise invalid_filter("A '(' in the filter is not closed.")
        return condition

    def comparison(self, attribute: str) -> Q:
        kind, operator = self.take()
        operator = str(operator).lower()
        if kind != "word" or (operator not in OPERATORS and operator != "pr"):
            raise invalid_filter(f"Unknown operator {operator!r}.")
        value: Any = None
        if operator != "pr":
            kind, raw = self.take()
            if kind not in {"value", "word"}:
                raise invalid_filter(f"Expected a value after {operator!r}.")
            value = raw if kind == "value" else _literal(str(raw))
        column = self.columns.get(attribute)
        if column is None:
            raise invalid_filter(f"Filtering on {attribute!r} is not supported.")
        condition = _compare(column.lookup, column.kind, operator, value)
        if column.also is not None:
            condition |= column.also(operator, value)
        return condition


def user_filter(text: str) -> Q:
    return _Parser(text, USER_COLUMNS).parse()


def group_filter(text: str) -> Q:
    return _Parser(text, GROUP_COLUMNS).parse()
