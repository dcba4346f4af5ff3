"""The poll's part of the composer (``stream.kinds``, prefix ``poll``) and the vote form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.polls.models import MAX_OPTIONS, OPTION_MAX_CHARS

SHOWN_OPTIONS = 4  # inputs drawn for a new poll; more appear as they are filled (``MAX_OPTIONS`` at most)
DURATIONS = [
    ("", _("Never closes")),
    ("3600", _("1 hour")),
    ("86400", _("1 day")),
    ("259200", _("3 days")),
    ("604800", _("1 week")),
    ("2592000", _("30 days")),
]


class OptionsWidget(forms.Widget):
    """Several text inputs under one name: the options, in order."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
        return [str(v) for v in values][:MAX_OPTIONS]


class OptionsField(forms.Field):
    widget = OptionsWidget

    def to_python(self, value: Any) -> list[str]:
        return [v.strip() for v in value or [] if v.strip()]


class PollFields(forms.Form):
    options = OptionsField(label=_("Options"), required=False)
    multiple = forms.BooleanField(label=_("People may choose several options"), required=False)
    expires_in = forms.ChoiceField(label=_("Closes"), choices=DURATIONS, required=False, initial="604800")
    anonymous = forms.TypedChoiceField(
        label=_("Who sees the votes"),
        choices=[("1", _("Anonymous: nobody sees who voted for what")), ("0", _("Named: voters' names are shown"))],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
        required=False,
        empty_value=True,  # type: ignore[arg-type]  # django-stubs: any value is allowed
    )
    hide_totals = forms.BooleanField(label=_("Hide the results until the poll closes"), required=False)

    def option_inputs(self) -> list[str]:
        """The values of the ``MAX_OPTIONS`` option inputs: what was typed, then empty ones (past
        ``SHOWN_OPTIONS``, the stylesheet shows an empty one only after a filled one)."""
        data: Any = self.data
        typed = list(data.getlist(self.add_prefix("options"))) if self.is_bound and hasattr(data, "getlist") else []
        return (typed + [""] * MAX_OPTIONS)[:MAX_OPTIONS]

    max_option_chars = OPTION_MAX_CHARS


class VoteForm(forms.Form):
    choices = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args: Any, option_count: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["choices"].choices = [(str(n), str(n)) for n in range(option_count)]  # type: ignore[attr-defined]
