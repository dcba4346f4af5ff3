from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.access.roles import Actor
from essaim.people.pickers import PeopleField
from essaim.spaces.models import Membership, Space


class SpaceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Short description"),
        max_length=300,
        required=False,
        help_text=_("One sentence shown in the directory."),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"),
        choices=[
            (Space.Visibility.PUBLIC, _("Public: every employee can read and join")),
            (Space.Visibility.PRIVATE, _("Private: listed, members read, others ask to join")),
            (Space.Visibility.SECRET, _("Secret: only members know it exists")),
        ],
        widget=forms.RadioSelect,
        initial=Space.Visibility.PUBLIC,
    )
    welcome = forms.CharField(
        label=_("Welcome text"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown on the space's page. Markdown is allowed."),
    )
    post_approval = forms.ChoiceField(
        label=_("Posts waiting for a moderator's approval"),
        choices=Space.PostApproval.choices,
        widget=forms.RadioSelect,
        initial=Space.PostApproval.NONE,
        required=False,  # a form that does not show it (an older page) keeps the setting
        help_text=_("A post that waits is seen only by its author and the moderators until one approves it."),
    )
    include_subspace_posts = forms.BooleanField(
        label=_("Show the sub-spaces' posts in this space's stream"),
        required=False,
        help_text=_("Each reader sees only the posts of the sub-spaces they may read."),
    )

    def clean_post_approval(self) -> str | None:
        return self.cleaned_data.get("post_approval") or None

    def __init__(self, *args: Any, subspace: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if subspace:  # a sub-space has no sub-spaces of its own
            del self.fields["include_subspace_posts"]


class SpaceImageForm(forms.Form):
    avatar = forms.ImageField(label=_("Avatar"), required=False)
    banner = forms.ImageField(label=_("Banner"), required=False)


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the administrators"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: say why you would like to join."),
    )


class DecisionForm(forms.Form):
    response = forms.CharField(label=_("Answer (optional)"), max_length=1000, required=False)


class InvitationForm(forms.Form):
    who = PeopleField(
        label=_("People to invite"),
        addresses=True,
        help_text=_(
            "Search colleagues by name, handle or e-mail address, several at once; "
            "type an external guest's e-mail address, e.g. jane@partner.example."
        ),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        who = self.fields["who"]
        assert isinstance(who, PeopleField)
        who.actor = actor  # the people the actor may see


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class RuleForm(forms.Form):
    department = forms.TypedChoiceField(label=_("Who"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, departments: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Every employee")), *((d.pk, d.name) for d in departments)]
