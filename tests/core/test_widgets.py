"""``core.widgets.PlainSelect`` writes what Django's ``Select`` draws through its templates, without them."""

from __future__ import annotations

from html.parser import HTMLParser

from django import forms

from essaim.core.widgets import PlainSelect

CHOICES = [("", "Any"), ("a", "Alpha & <b>"), ("b", "Bêta"), ("3", "Three")]


class _Elements(HTMLParser):
    """The tags, their attributes (in any order) and the text between them, blank text left out."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[object] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, sorted(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.seen.append(f"/{tag}")

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.seen.append(data)


def _same_html(html: str) -> list[object]:
    parser = _Elements()
    parser.feed(html)
    return parser.seen


def _form(widget: type[forms.Select]) -> type[forms.Form]:
    class Form(forms.Form):
        kind = forms.ChoiceField(choices=CHOICES, required=False, widget=widget, help_text="Pick one")
        needed = forms.ChoiceField(choices=CHOICES, widget=widget)

    return Form


def test_it_writes_the_html_of_djangos_select_with_the_chosen_option_and_the_fields_attributes() -> None:
    data = {"kind": "b", "needed": ""}
    plain, django = _form(PlainSelect)(data), _form(forms.Select)(data)
    assert not plain.is_valid()  # "needed" carries an error: aria-invalid
    assert not django.is_valid()
    for name in ("kind", "needed"):
        assert _same_html(str(plain[name])) == _same_html(str(django[name]))
    assert '<option value="b" selected>Bêta</option>' in str(plain["kind"])


def test_labels_and_values_are_escaped() -> None:
    html = str(_form(PlainSelect)()["kind"])
    assert "Alpha &amp; &lt;b&gt;" in html
    assert "<b>" not in html


def test_an_unbound_form_selects_the_initial_value() -> None:
    html = str(_form(PlainSelect)(initial={"kind": "3"})["kind"])
    assert '<option value="3" selected>Three</option>' in html
