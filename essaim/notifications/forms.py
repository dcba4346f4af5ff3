"""The notification settings page's form: a channel per kind, a level per space the person belongs to."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.notifications.models import Channel, Digest, EmailPreferences, Notification, SpaceLevel
from essaim.notifications.selectors import NotificationChoices

CHANNEL = "channel_"
LEVEL = "level_"


class NotificationSettingsForm(forms.Form):
    """One radio group per kind (``channel_<kind>``) and one select per space (``level_<space id>``). A
    field left out keeps its current value; a name that is neither a kind nor one of the person's spaces
    is refused with a message, never ignored."""

    digest = forms.ChoiceField(label=_("Digest by e-mail"), choices=Digest.choices, required=False)
    quiet_from = forms.TimeField(
        label=_("Quiet from"), required=False, widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"})
    )
    quiet_until = forms.TimeField(
        label=_("until"), required=False, widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"})
    )

    def __init__(self, *args: Any, choices: NotificationChoices, preferences: EmailPreferences, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = choices
        self.preferences = preferences
        self.fields["digest"].initial = preferences.digest
        self.fields["quiet_from"].initial = preferences.quiet_from
        self.fields["quiet_until"].initial = preferences.quiet_until
        for kind, label in Notification.Kind.choices:
            self.fields[CHANNEL + kind] = forms.ChoiceField(
                label=label,
                choices=Channel.choices,
                initial=choices.channels[kind],
                required=False,
                widget=forms.RadioSelect,
            )
        for space, level in choices.spaces:
            self.fields[f"{LEVEL}{space.pk}"] = forms.ChoiceField(
                label=space.name, choices=SpaceLevel.choices, initial=level, required=False
            )
        if self.is_bound:  # what was left out shows (and keeps) its current value, also on a refused form
            left_out = {
                name: field.initial
                for name, field in self.fields.items()
                if name not in self.data and name not in {"quiet_from", "quiet_until"}  # empty: no quiet hours
            }
            self.data = {**{key: self.data.get(key) for key in self.data}, **left_out}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unknown = [key for key in self.data if key.startswith((CHANNEL, LEVEL)) and key not in self.fields]
        if any(key.startswith(CHANNEL) for key in unknown):
            self.add_error(None, _("This kind of notification does not exist."))
        if any(key.startswith(LEVEL) for key in unknown):
            self.add_error(None, _("You can only choose for the spaces you belong to."))
        return cleaned

    def channel_fields(self) -> list[forms.BoundField]:
        return [self[CHANNEL + kind] for kind in Notification.Kind.values]

    def level_fields(self) -> list[forms.BoundField]:
        return [self[f"{LEVEL}{space.pk}"] for space, _level in self.current.spaces]

    def channels(self) -> dict[str, str]:
        """The channel chosen for each kind (the current one where the form left it out)."""
        return {
            kind: self.cleaned_data[CHANNEL + kind] or self.current.channels[kind] for kind in Notification.Kind.values
        }

    def email(self) -> dict[str, Any]:
        """The digest and quiet hours chosen, for ``services.email_preferences_update``."""
        return {
            "digest": self.cleaned_data["digest"] or self.preferences.digest,
            "quiet_from": self.cleaned_data["quiet_from"],
            "quiet_until": self.cleaned_data["quiet_until"],
        }

    def levels(self) -> dict[int, str]:
        """The level chosen for each of the person's spaces (the current one where the form left it out)."""
        return {space.pk: self.cleaned_data[f"{LEVEL}{space.pk}"] or level for space, level in self.current.spaces}
