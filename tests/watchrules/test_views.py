"""The /manage/watch-rules/ pages: the list, the form (a bad pattern refused next to its field, in the reader's
language), disabling and deleting, and the compliance queue's decisions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from essaim.accounts.models import User
from essaim.spaces.models import Space
from essaim.stream import services as stream
from essaim.watchrules.models import WatchHit, WatchRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client: Client, officer: User) -> Client:
    client.force_login(officer)
    return client


def test_the_list_shows_each_rule_its_action_and_state(signed_in: Client, make_rule: Callable[..., WatchRule]) -> None:
    make_rule(name="Clients", action="hold")
    page = signed_in.get(reverse("watchrules:list"))
    assert "Clients" in page.text
    assert "Hold for review" in page.text
    assert "Compliance queue: 0 matches to review" in page.text


def test_an_empty_list_says_where_to_start(signed_in: Client) -> None:
    assert "No rule yet" in signed_in.get(reverse("watchrules:list")).text


def test_a_rule_is_written_from_the_form(signed_in: Client) -> None:
    data = {"name": "Cartes", "kind": "card", "action": "report", "is_active": "on"}
    assert signed_in.post(reverse("watchrules:rule-create"), data).status_code == 302
    assert WatchRule.objects.get().kind == "card"


def test_a_bad_pattern_comes_back_with_its_message_and_what_was_typed(signed_in: Client) -> None:
    data = {"name": "Codes", "kind": "pattern", "terms": r"(\w+)\1", "action": "warn", "is_active": "on"}
    page = signed_in.post(reverse("watchrules:rule-create"), data)
    assert page.status_code == 400
    assert "no back-references" in page.text
    assert r"(\w+)\1" in page.text
    assert not WatchRule.objects.exists()


def test_disable_then_enable(signed_in: Client, make_rule: Callable[..., WatchRule]) -> None:
    rule = make_rule()
    signed_in.post(reverse("watchrules:rule-toggle", kwargs={"rule_id": rule.pk}), {"active": "0"})
    rule.refresh_from_db()
    assert not rule.is_active
    signed_in.post(reverse("watchrules:rule-toggle", kwargs={"rule_id": rule.pk}), {"active": "1"})
    rule.refresh_from_db()
    assert rule.is_active


def test_delete_asks_first(signed_in: Client, make_rule: Callable[..., WatchRule]) -> None:
    rule = make_rule()
    url = reverse("watchrules:rule-delete", kwargs={"rule_id": rule.pk})
    assert "disable it instead" in signed_in.get(url).text
    signed_in.post(url)
    assert not WatchRule.objects.exists()


class TestQueue:
    def test_a_held_post_is_listed_with_its_text_and_decided(
        self, signed_in: Client, make_rule: Callable[..., WatchRule], author: User, space: Space
    ) -> None:
        make_rule(name="Projets", terms="Orion", action="hold")
        post = stream.post_create(actor=author, body="Le projet Orion démarre", space=space)
        page = signed_in.get(reverse("watchrules:queue"))
        assert "Le projet [Orion] démarre" in page.text
        assert "Required to delete" in page.text
        hit = WatchHit.objects.get()
        url = reverse("watchrules:hit-decide", kwargs={"hit_id": hit.pk})
        refused = signed_in.post(url, {"decision": "reject", "note": ""})
        assert refused.status_code == 400
        assert "Tell the author why" in refused.text
        assert signed_in.post(url, {"decision": "approve"}).status_code == 302
        post.refresh_from_db()
        assert not post.awaiting_approval
        assert "Le projet" in signed_in.get(reverse("watchrules:queue") + "?status=resolved").text

    def test_a_report_is_marked_reviewed(
        self, signed_in: Client, make_rule: Callable[..., WatchRule], author: User
    ) -> None:
        make_rule(action="report")
        stream.post_create(actor=author, body="Acme")
        hit = WatchHit.objects.get()
        signed_in.post(reverse("watchrules:hit-decide", kwargs={"hit_id": hit.pk}), {"decision": "acknowledge"})
        hit.refresh_from_db()
        assert hit.decision == "acknowledged"

    def test_an_unknown_match_is_404(self, signed_in: Client) -> None:
        assert signed_in.post(reverse("watchrules:hit-decide", kwargs={"hit_id": 999})).status_code == 404


def test_a_compliance_officer_finds_the_rules_in_their_menu(signed_in: Client) -> None:
    """They have no administration page: the avatar menu links the audit log and the watch rules."""
    assert reverse("watchrules:list") in signed_in.get("/").text
