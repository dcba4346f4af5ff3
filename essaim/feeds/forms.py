from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.feeds.models import Feed


class FeedForm(forms.Form):
    url = forms.URLField(
        label=_("Feed address"),
        max_length=2000,
        assume_scheme="https",
        help_text=_("The address of an RSS or Atom feed, e.g. https://example.com/feed.xml."),
    )
    title = forms.CharField(
        label=_("Name"), max_length=200, required=False, help_text=_("Empty: the feed's own title.")
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=300,
        required=False,
        help_text=_("Only items whose title or summary contains one of these words, separated by commas. Empty: all."),
    )
    every = forms.TypedChoiceField(label=_("How often"), choices=Feed.Every.choices, coerce=int, initial=60)
    show = forms.ChoiceField(label=_("Posts show"), choices=Feed.Show.choices, initial=Feed.Show.SUMMARY)


class FeedEditForm(FeedForm):
    paused = forms.BooleanField(label=_("Paused"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        del self.fields["url"]
