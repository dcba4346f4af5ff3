"""The people picker: a form field and its widget, wherever a person is chosen (a space's invitations,
a profile's manager, future pickers).

Without JavaScript it is a text field: type handles (``@lea.martin`` or ``lea.martin``) or e-mail
addresses, separated by commas or spaces. With ``essaim/combobox.js`` the same field searches people
by name, handle or e-mail address as one types (``people:suggestions``, only people the actor may
see), and each person picked becomes a chip (a hidden input of the same name) with a remove button;
it takes several people at once (``multiple``), or one (picking another replaces them).

The field decides through ``access.visible`` with the form's actor: a handle or address of someone
the actor may not see is refused exactly like an unknown one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from essaim import access
from essaim.access.roles import Actor
from essaim.accounts.models import User

SEPARATORS = re.compile(r"[\s,;]+")
MAX_PEOPLE = 50


def split_tokens(values: Sequence[str]) -> list[str]:
    """Handles and addresses as typed (``"@lea.martin, jane@partner.example"``), in order, once each."""
    tokens: dict[str, None] = {}
    for value in values:
        for token in SEPARATORS.split(value or ""):
            if token.strip("@"):
                tokens.setdefault(token, None)
    return list(tokens)


def is_address(token: str) -> bool:
    return "@" in token.lstrip("@")


@dataclass(frozen=True)
class Chip:
    """One chosen person (``user``) or address, as the widget shows it."""

    value: str
    label: str
    user: User | None = None


def visible_people(actor: Actor, tokens: Sequence[str]) -> dict[str, User]:
    """The active people ``actor`` may see among ``tokens`` (handles and addresses), keyed by token, in one query."""
    handles = {t: t.lstrip("@").lower() for t in tokens if not is_address(t)}
    addresses = {t: t.lower() for t in tokens if is_address(t)}
    if not handles and not addresses:
        return {}
    found = access.visible(
        actor,
        User.objects.filter(is_active=True)
        .filter(Q(handle__in=handles.values()) | Q(email__in=addresses.values()))
        .select_related("profile"),
    )
    by_handle = {u.handle: u for u in found}
    by_address = {u.email.lower(): u for u in by_handle.values()}
    people = {t: by_handle[h] for t, h in handles.items() if h in by_handle}
    people.update({t: by_address[a] for t, a in addresses.items() if a in by_address})
    return people


class PeoplePicker(forms.Widget):
    """Chips of the chosen people and a search box; ``combobox.js`` does the rest."""

    template_name = "people/widgets/people_picker.html"

    def __init__(self, *, multiple: bool = True, addresses: bool = False, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs)
        self.multiple = multiple
        self.addresses = addresses
        self.actor: Actor | None = None

    def value_from_datadict(self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str) -> list[str]:
        values = data.getlist(name) if isinstance(data, MultiValueDict) else [data.get(name) or ""]
        return split_tokens([str(v) for v in values])

    def value_omitted_from_data(self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str) -> bool:
        return name not in data

    def format_value(self, value: Any) -> list[str]:  # a list of tokens, not one string
        if value is None or value == "":
            return []
        items = value if isinstance(value, (list, tuple)) else [value]
        return split_tokens([f"@{v.handle}" if isinstance(v, User) else str(v) for v in items])

    def chips(self, tokens: Sequence[str]) -> tuple[list[Chip], list[str]]:
        """The tokens the widget shows as chips (visible people, well-formed addresses) and those it leaves
        in the search box for the person to correct."""
        people = visible_people(self.actor, tokens) if self.actor is not None else {}
        chips: list[Chip] = []
        left: list[str] = []
        for token in tokens:
            if token in people:
                user = people[token]
                chips.append(Chip(value=f"@{user.handle}", label=user.get_full_name() or user.handle, user=user))
            elif self.addresses and is_address(token) and _valid_address(token):
                chips.append(Chip(value=token, label=token))
            else:
                left.append(token)
        return chips, left

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chips, left = self.chips(context["widget"]["value"])
        context["widget"].update(
            chips=chips,
            text=", ".join(left),
            multiple=self.multiple,
            addresses=self.addresses,
            url=reverse("people:suggestions"),
        )
        return context

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        """Rendered by the project's template engine: the form renderer's own finds no shared partials (avatars)."""
        html = render_to_string(self.template_name, self.get_context(name, value, attrs))
        return mark_safe(html)  # noqa: S308 - an autoescaping template


def _valid_address(token: str) -> bool:
    try:
        validate_email(token)
    except ValidationError:
        return False
    return True


class PeopleField(forms.Field):
    """People chosen by handle or e-mail address among those the form's ``actor`` may see.

    Cleans to a list of ``User`` (and, with ``addresses``, of e-mail addresses nobody visible has yet,
    as strings), or with ``multiple=False`` to one ``User`` or ``None``.
    """

    widget = PeoplePicker

    def __init__(self, *, multiple: bool = True, addresses: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("widget", PeoplePicker(multiple=multiple, addresses=addresses))
        super().__init__(**kwargs)
        self.multiple = multiple
        self.addresses = addresses

    @property
    def actor(self) -> Actor | None:
        """Whom the field decides for (set by the form, on its own copy of the field and widget)."""
        return self.widget.actor if isinstance(self.widget, PeoplePicker) else None

    @actor.setter
    def actor(self, actor: Actor) -> None:
        if isinstance(self.widget, PeoplePicker):
            self.widget.actor = actor

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        return split_tokens(value if isinstance(value, (list, tuple)) else [str(value)])

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def clean(self, value: Any) -> Any:
        tokens = self.to_python(value)
        self.validate(tokens)
        if not self.multiple and len(tokens) > 1:
            raise ValidationError(_("Choose one person only."), code="one")
        if len(tokens) > MAX_PEOPLE:
            raise ValidationError(
                _("Choose at most %(count)d people at once.") % {"count": MAX_PEOPLE}, code="too_many"
            )
        people = visible_people(self.actor, tokens) if self.actor is not None else {}
        chosen: list[User | str] = []
        unknown: list[str] = []
        for token in tokens:
            if token in people:
                chosen.append(people[token])
            elif self.addresses and is_address(token):
                chosen.append(forms.EmailField().clean(token).lower())
            else:
                unknown.append(token)
        if unknown:
            raise ValidationError(_unknown_message(unknown), code="unknown")
        chosen = list(dict.fromkeys(chosen))  # the same person typed twice
        if not self.multiple:
            return chosen[0] if chosen else None
        return chosen


def _unknown_message(tokens: list[str]) -> str:
    shown = ", ".join(t if is_address(t) else f"@{t.lstrip('@')}" for t in tokens)
    return ngettext(
        "Nobody here has the handle or address %(who)s. Check the spelling or pick someone from the suggestions.",
        "Nobody here has these handles or addresses: %(who)s. Check the spellings or pick people from the suggestions.",
        len(tokens),
    ) % {"who": shown}
