"""Forms of the stream pages. They only shape input: the services validate and decide."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.stream import kinds
from essaim.stream.models import COMMENT_MAX_CHARS, POST_MAX_CHARS, SPOILER_MAX_CHARS, Emoji, PostKind, Visibility

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


POST_FILES_HELP = _("Images are shown in the post; other files are linked.")


def attachments_field(label: _StrOrPromise, help_text: _StrOrPromise = POST_FILES_HELP) -> MultipleFileField:
    """A post's or a comment's images and files, as the composer, the editor and the comment form take them."""
    return MultipleFileField(label=label, required=False, help_text=help_text)


def image_description_field(help_text: _StrOrPromise) -> forms.CharField:
    """The alternative text given to the images of one upload."""
    return forms.CharField(label=_("Describe the images"), required=False, max_length=500, help_text=help_text)


class ContentWarningForm(forms.Form):
    """A post's content warning, drawn apart from the composer's other fields: folded behind a small toggle
    (``stream/includes/content_warning_fields.html``), open when it holds something."""

    spoiler_text = forms.CharField(
        label=_("Content warning"),
        required=False,
        max_length=SPOILER_MAX_CHARS * 2,  # the service explains the limit
        help_text=_("Shown instead of the text, which readers open with a click (spoilers, a sensitive subject)."),
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Results of the survey, spoilers")}),
    )
    sensitive = forms.BooleanField(label=_("Hide the images until they are clicked"), required=False)

    @property
    def is_filled(self) -> bool:
        """Whether the toggle opens on it: a warning typed, asked for, or refused."""
        data = self.data if self.is_bound else self.initial
        return bool(data.get("spoiler_text") or data.get("sensitive") or self.errors)

    def warning(self) -> dict[str, Any]:
        """``spoiler_text`` and ``sensitive`` as the services take them."""
        return {"spoiler_text": self.cleaned_data["spoiler_text"], "sensitive": self.cleaned_data["sensitive"]}


class PostForm(forms.Form):
    watch_hits: Sequence[Any] = ()  # the watch rules' warning, when one asks "publish anyway?"
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": _("Share news, a question, a thank-you… Use @ to mention, # to tag."),
                "class": "composer__text",
                "data-suggest": True,
            }
        ),
        # A little slack so the service, not the browser, explains the limit.
        max_length=POST_MAX_CHARS * 2,
        help_text=_("Markdown works: **bold**, _italic_, lists, links. Up to 20,000 characters."),
    )
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=Visibility.choices, initial=Visibility.COMPANY)
    attachments = attachments_field(_("Images and files"))
    image_description = image_description_field(_("For colleagues who use a screen reader: what do the images show?"))
    # "Send later": empty publishes now; a date and time (the person's time zone, which Django's form makes aware)
    # keeps the post to publish then (``stream.scheduling``).
    send_at = forms.DateTimeField(
        label=_("Send later"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Leave empty to publish now, or choose when to publish it (your time zone)."),
    )
    # The space to post into (its id), on a space's page. Its members and readers decide who sees the
    # post there, so the form then has no visibility field (the view resolves and checks the space).
    space = forms.CharField(required=False, max_length=140, widget=forms.HiddenInput)

    def __init__(self, *args: Any, space: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Files kept from a refused try (the author's pending uploads), offered again with the form.
        self.kept_files: list[Any] = []
        self.next_url = ""
        if space is not None:
            del self.fields["visibility"]
            self.fields["space"].initial = space.pk
        # The type switch (``kinds``): what to publish, and each kind's own fields under its prefix. Kept
        # out of ``fields`` so the composer draws the switch as a segmented group of its own.
        data = self.data if self.is_bound else None
        self.kind = str((data or {}).get("kind") or (self.initial or {}).get("kind") or PostKind.POST)
        self.kind_choices = kinds.composer_kinds()
        self.kind_forms = kinds.kind_forms(data, chosen=self.kind)
        self.warning = ContentWarningForm(data, initial=self.initial)

    def is_valid(self) -> bool:
        """The post's fields, its content warning and the chosen kind's own fields (each form shows its errors)."""
        valid = super().is_valid() and self.warning.is_valid()
        kind_form = self.kind_forms.get(self.kind)
        return (kind_form is None or kind_form.is_valid()) and valid

    def kind_data(self) -> dict[str, Any]:
        """The chosen kind's own fields, cleaned (its service checks them again): ``{}`` for a plain post."""
        kind_form = self.kind_forms.get(self.kind)
        return dict(kind_form.cleaned_data) if kind_form is not None else {}


class PostEditForm(forms.Form):
    watch_hits: Sequence[Any] = ()  # the watch rules' warning, when one asks "publish anyway?"
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 8, "data-suggest": True}),
        max_length=POST_MAX_CHARS * 2,
    )
    remove = forms.TypedMultipleChoiceField(
        label=_("Remove files"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    attachments = attachments_field(_("Add images and files"))
    image_description = image_description_field(
        _("For colleagues who use a screen reader: what do the new images show?")
    )

    def __init__(self, *args: Any, files_of_post: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_files = list(files_of_post)
        remove = self.fields["remove"]
        assert isinstance(remove, forms.ChoiceField)
        remove.choices = [(item.pk, item.original_name) for item in self.current_files]
        self.warning = ContentWarningForm(self.data if self.is_bound else None, initial=self.initial)

    def is_valid(self) -> bool:
        return super().is_valid() and self.warning.is_valid()


class CommentEditForm(forms.Form):
    """A comment's text, as it is edited (its files stay as they are)."""

    watch_hits: Sequence[Any] = ()  # the watch rules' warning, when one asks "publish anyway?"

    body = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 1, "placeholder": _("Write a comment…"), "data-suggest": True}),
        max_length=COMMENT_MAX_CHARS * 2,
    )


class CommentForm(CommentEditForm):
    """A new comment or reply: its text, its files (as a post takes them) and the thread it answers."""

    attachments = attachments_field(
        _("Images and files"), help_text=_("Images are shown in the comment; other files are linked.")
    )
    image_description = image_description_field(_("For colleagues who use a screen reader: what do the images show?"))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Files kept from a refused try (the author's pending uploads), offered again with the form.
        self.kept_files: list[Any] = []


class ReactionForm(forms.Form):
    emoji = forms.ChoiceField(choices=Emoji.choices)


class AnnouncementForm(forms.Form):
    expires_at = forms.DateTimeField(
        label=_("Pinned until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )


class ScheduleForm(forms.Form):
    """A scheduled post's new time, in the person's time zone (the scheduled posts page)."""

    scheduled_at = forms.DateTimeField(
        label=_("Publish at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
