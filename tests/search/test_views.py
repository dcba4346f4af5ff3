"""The search pages: wiring, tabs, filters, empty states, suggestions and experts, for what the reader may see."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from essaim.people.models import Skill
from tests.search.conftest import Corpus

pytestmark = pytest.mark.django_db
RESULTS = reverse("search:results")
SUGGESTIONS = reverse("search:suggestions")
EXPERTS = reverse("search:experts")


def test_anonymous_readers_are_sent_to_sign_in(client: Client) -> None:
    assert client.get(RESULTS, {"q": "x"}).status_code == 302


def test_results_show_counts_snippets_and_facets(client: Client, corpus: Corpus) -> None:
    client.force_login(corpus.author)
    page = client.get(RESULTS, {"q": "plan de charge"})
    assert page.status_code == 200
    text = page.text
    assert "<mark>charge</mark>" in text
    assert "Projet Atlas" in text  # the space facet
    assert 'aria-current="page">Publications et commentaires <span class="search-count">2</span>' in text


def test_a_count_past_the_window_ends_in_a_plus(
    client: Client, corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    from essaim.search import selectors

    monkeypatch.setattr(selectors, "WINDOW", 1)
    client.force_login(corpus.author)
    text = client.get(RESULTS, {"q": "plan de charge"}).text
    assert 'Publications et commentaires <span class="search-count">1+</span>' in text


def test_the_other_tabs(client: Client, corpus: Corpus) -> None:
    client.force_login(corpus.author)
    assert "Camille" in client.get(RESULTS, {"q": "camille", "tab": "people"}).text
    assert "Projet Atlas" in client.get(RESULTS, {"q": "projet", "tab": "spaces"}).text
    assert "#planning" in client.get(RESULTS, {"q": "plann", "tab": "tags"}).text
    assert client.get(RESULTS, {"q": "budget", "tab": "files"}).status_code == 200


def test_filters_and_date_sort(client: Client, corpus: Corpus) -> None:
    client.force_login(corpus.author)
    page = client.get(RESULTS, {"q": "plan", "space": "projet-atlas", "sort": "date", "after": "2000-01-01"})
    assert page.text.count('class="card search-hit"') == 2
    assert client.get(RESULTS, {"q": "plan", "author": "john.smith"}).text.count('class="card search-hit"') == 0


@pytest.mark.parametrize(
    ("q", "message"),
    [("", "What are you looking for?"), ("-budget", "Add a word to search for"), ("zzzyyx", "Nothing found for")],
)
def test_empty_states_help(client: Client, corpus: Corpus, q: str, message: str) -> None:
    client.force_login(corpus.reader)
    page = client.get(RESULTS, {"q": q})
    assert page.status_code == 200
    assert message in page.text


def test_the_next_page_is_a_fragment_for_htmx(client: Client, corpus: Corpus) -> None:
    client.force_login(corpus.author)
    first = client.get(RESULTS, {"q": "réunion"})
    assert "More results" not in first.text
    page = client.get(RESULTS, {"q": "réunion", "cursor": "garbage%%"}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    assert "<html" not in page.text


def test_french_page(client: Client, corpus: Corpus) -> None:
    corpus.reader.language = "fr"
    corpus.reader.save()
    client.force_login(corpus.reader)
    assert client.get(RESULTS, {"q": "réunion"}, HTTP_ACCEPT_LANGUAGE="fr").status_code == 200


def test_suggestions_list_people_spaces_tags_then_posts(client: Client, corpus: Corpus) -> None:
    client.force_login(corpus.author)
    text = client.get(SUGGESTIONS, {"q": "pro"}).text
    assert "Projet Atlas" in text
    assert "Rechercher «\u00a0pro\u00a0» dans les publications" in text
    assert "Camille Roux" in client.get(SUGGESTIONS, {"q": "cam"}).text
    assert client.get(SUGGESTIONS, {"q": ""}).text.strip() == ""


def test_suggestions_never_show_a_secret_space_to_a_non_member(client: Client, corpus: Corpus) -> None:
    client.force_login(corpus.reader)
    assert "Fusion" not in client.get(SUGGESTIONS, {"q": "fusion"}).text
    client.force_login(corpus.author)
    assert "Fusion" in client.get(SUGGESTIONS, {"q": "fusion"}).text


def test_experts_by_skill_and_by_writing(client: Client, corpus: Corpus) -> None:
    skill = Skill.objects.create(name="Réunions efficaces", folded="reunions efficaces")
    corpus.reader.profile.skills.add(skill)
    client.force_login(corpus.english)
    page = client.get(EXPERTS, {"q": "réunions"})
    assert page.status_code == 200
    assert "Paul Lecteur" in page.text  # the skill
    assert "Camille Roux" in page.text  # what she wrote
    assert "confidentielle" not in page.text  # her secret space's post is not evidence for John
    assert client.get(RESULTS, {"q": "réunions", "tab": "experts"}).status_code == 200
