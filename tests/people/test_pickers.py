"""The people picker: a field that takes handles and addresses, and a widget with chips."""

from __future__ import annotations

import pytest
from django import forms
from django.http import QueryDict

from essaim.accounts.models import User
from essaim.people.pickers import PeopleField, split_tokens
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def form_class(**field_options: object) -> type[forms.Form]:
    class PickForm(forms.Form):
        who = PeopleField(label="Who", **field_options)  # type: ignore[arg-type]

        def __init__(self, *args: object, actor: User, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self.fields["who"].actor = actor  # type: ignore[attr-defined]

    return PickForm


def bound(actor: User, *values: str, **field_options: object) -> forms.Form:
    data = QueryDict(mutable=True)
    data.setlist("who", list(values))
    return form_class(**field_options)(data, actor=actor)


def test_tokens_are_split_on_commas_and_spaces_once_each() -> None:
    assert split_tokens(["@lea.martin, eloise.dupre", "", "jane@partner.example;@lea.martin", "@"]) == [
        "@lea.martin",
        "eloise.dupre",
        "jane@partner.example",
    ]


class TestField:
    def test_chips_and_typed_text_together_give_several_people(self, employee, colleague):
        form = bound(employee, "@eloise.dupre", "lea.martin")
        assert form.is_valid(), form.errors
        assert form.cleaned_data["who"] == [colleague, employee]

    def test_an_e_mail_address_of_a_colleague_is_that_colleague(self, employee, colleague):
        form = bound(employee, colleague.email.upper())
        assert form.is_valid(), form.errors
        assert form.cleaned_data["who"] == [colleague]

    def test_an_unknown_handle_is_named_in_the_error(self, employee, colleague):
        form = bound(employee, "@eloise.dupre", "@personne", "inconnu@nulle.part")
        assert not form.is_valid()
        assert "@personne, inconnu@nulle.part" in str(form.errors["who"])

    def test_someone_the_actor_may_not_see_is_refused_like_an_unknown(self, guest, colleague):
        form = bound(guest, "@eloise.dupre")
        assert not form.is_valid()
        assert "@eloise.dupre" in str(form.errors["who"])

    def test_a_deactivated_person_is_refused(self, employee):
        UserFactory(handle="parti", is_active=False)
        assert not bound(employee, "@parti").is_valid()

    def test_addresses_when_allowed_stay_addresses(self, employee, colleague):
        form = bound(employee, "@eloise.dupre", "Jane@Partner.example", addresses=True)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["who"] == [colleague, "jane@partner.example"]
        assert not bound(employee, "jane@partner", addresses=True).is_valid()

    def test_one_person_only(self, employee, colleague):
        form = bound(employee, "@eloise.dupre", multiple=False, required=False)
        assert form.is_valid()
        assert form.cleaned_data["who"] == colleague
        empty = bound(employee, "", multiple=False, required=False)
        assert empty.is_valid()
        assert empty.cleaned_data["who"] is None
        two = bound(employee, "@eloise.dupre", "@lea.martin", multiple=False, required=False)
        assert not two.is_valid()
        assert "one person only" in str(two.errors["who"])

    def test_required(self, employee):
        assert "required" in str(bound(employee, " ").errors["who"])


class TestWidget:
    def test_known_people_become_chips_and_the_rest_stays_typed(self, employee, colleague):
        html = str(bound(employee, "@eloise.dupre", "@personne")["who"])
        assert 'type="hidden" name="who" value="@eloise.dupre"' in html
        assert "Éloïse Dupré" in html
        assert "Remove Éloïse Dupré" in html
        assert 'value="@personne"' in html
        assert 'data-url="/people/suggestions"' in html
        assert "data-multiple" in html

    def test_the_initial_value_may_be_a_person(self, employee, colleague):
        form = form_class(multiple=False, required=False)(initial={"who": colleague}, actor=employee)
        html = str(form["who"])
        assert 'value="@eloise.dupre"' in html
        assert "data-multiple" not in html

    def test_a_chip_never_shows_someone_the_actor_may_not_see(self, guest, colleague):
        html = str(bound(guest, "@eloise.dupre")["who"])
        assert "Éloïse" not in html
        assert 'type="hidden" name="who"' not in html

    def test_the_search_box_is_labelled_by_the_field(self, employee):
        html = str(form_class()(actor=employee))
        assert '<label for="id_who">' in html
        assert 'id="id_who"' in html
