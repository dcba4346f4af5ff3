from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.accounts.models import User
from essaim.people.models import Department, Profile, ProfileField, Site
from essaim.people.pickers import PeopleField
from essaim.people.services import parse_skills


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


ORG_FIELDS = ("department", "site", "manager")


class ProfileForm(forms.Form):
    """Everything a person edits on their profile, plus the extra fields defined by administrators."""

    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("A JPEG, PNG, WebP or GIF picture. It is cropped square."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.order_by("name"), required=False
    )
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.order_by("name"), required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=40, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    manager = PeopleField(
        label=_("Manager"),
        multiple=False,
        required=False,
        help_text=_("Search by name, handle or e-mail address."),
    )
    languages = forms.CharField(
        label=_("Languages"), max_length=200, required=False, help_text=_("e.g. French, English")
    )
    skills = forms.CharField(
        label=_("Skills"),
        max_length=1000,
        required=False,
        help_text=_("Separate skills with commas, e.g. Python, project management, Spanish."),
    )
    bio = forms.CharField(label=_("About"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, actor: Actor, profile: Profile, fields: list[ProfileField], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.profile = profile
        self.extra_fields = fields
        manager = self.fields["manager"]
        assert isinstance(manager, PeopleField)
        manager.actor = actor  # the people the actor may see
        # A manager the picker would not offer the editor (someone they may not see, or deactivated) is
        # neither shown nor lost: an empty field keeps them.
        self.unseen_manager = profile.manager if profile.manager and not _choosable(actor, profile.manager) else None
        if not profile.photo:
            del self.fields["remove_photo"]
        if not access.can(actor, Action.VIEW_ORG_STRUCTURE):  # guests: outside the org chart, nothing of it shown
            for name in ORG_FIELDS:
                del self.fields[name]
        for field in fields:
            self.fields[f"field_{field.pk}"] = self._extra_field(field)

    @staticmethod
    def _extra_field(field: ProfileField) -> forms.Field:
        if field.kind == ProfileField.Kind.CHOICE:
            choices = [("", "—"), *((c, c) for c in field.choice_list)]
            return forms.ChoiceField(label=field.label, choices=choices, required=False)
        if field.kind == ProfileField.Kind.DATE:
            return forms.DateField(label=field.label, required=False, widget=DateInput())
        return forms.CharField(label=field.label, max_length=500, required=False)

    def clean_manager(self) -> Any:
        return self.cleaned_data["manager"] or self.unseen_manager

    def clean_skills(self) -> list[str]:
        return parse_skills(self.cleaned_data["skills"])

    def org_values(self) -> dict[str, Any]:
        """Department, site and manager: as chosen, or as they were where the form did not offer them."""
        return {
            name: self.cleaned_data[name] if name in self.fields else getattr(self.profile, name) for name in ORG_FIELDS
        }

    def field_values(self) -> dict[int, str]:
        values: dict[int, str] = {}
        for field in self.extra_fields:
            value = self.cleaned_data.get(f"field_{field.pk}")
            if isinstance(value, dt.date):
                value = value.isoformat()
            values[field.pk] = value or ""
        return values

    @classmethod
    def initial_for(
        cls, profile: Profile, values: dict[int, str], skills: list[str], *, actor: Actor
    ) -> dict[str, Any]:
        """The form's first values, as ``actor`` edits them (a manager they may not choose is not shown)."""
        manager = profile.manager if profile.manager and _choosable(actor, profile.manager) else None
        initial: dict[str, Any] = {
            "job_title": profile.job_title,
            "department": profile.department_id,
            "site": profile.site_id,
            "phone": profile.phone,
            "manager": manager,
            "languages": profile.languages,
            "skills": ", ".join(skills),
            "bio": profile.bio,
        }
        for field_id, value in values.items():
            initial[f"field_{field_id}"] = value
        return initial


def _choosable(actor: Actor, person: User) -> bool:
    """Whether the people picker offers ``person`` to ``actor``: active, and someone ``actor`` may see."""
    return person.is_active and access.can(actor, Action.VIEW, person)


class ProfileFieldForm(forms.ModelForm[ProfileField]):
    class Meta:
        model = ProfileField
        fields = ("label_fr", "label_en", "kind", "choices", "position")
        widgets = {"choices": forms.Textarea(attrs={"rows": 4})}
