"""Rules written, changed, disabled and deleted by the people who govern them, each change in the audit log; and
the compliance queue's decisions: publish or delete a held post, mark a report reviewed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from essaim.accounts.models import User
from essaim.audit.models import AuditAction, AuditEntry
from essaim.events.types import Event, PostCreated, PostDeleted
from essaim.moderation import approval
from essaim.moderation.models import ModerationWarning
from essaim.spaces.models import Membership, Space
from essaim.stream import services as stream
from essaim.stream.models import Post
from essaim.watchrules import screening, services
from essaim.watchrules.models import WatchHit, WatchRule
from tests.accounts.factories import AdminFactory, UserFactory
from tests.spaces.factories import member

pytestmark = pytest.mark.django_db


class TestRules:
    def test_a_compliance_officer_writes_a_rule_and_it_is_audited(self, make_rule: Callable[..., WatchRule]) -> None:
        rule = make_rule()
        entry = AuditEntry.objects.get(action=AuditAction.WATCH_RULE_CREATED)
        assert (entry.target_id, entry.target_label, entry.details["rule_action"]) == (str(rule.pk), "Clients", "warn")

    def test_a_network_admin_too(self) -> None:
        rule = services.rule_create(actor=AdminFactory(), data={"name": "IBAN", "kind": "iban", "action": "report"})
        assert rule.terms == ""

    @pytest.mark.parametrize("role", ["employee", "communication"])
    def test_nobody_else(self, role: str) -> None:
        actor = UserFactory(is_communication_team=role == "communication")
        with pytest.raises(PermissionDenied):
            services.rule_create(actor=actor, data={"name": "x", "kind": "words", "terms": "x", "action": "warn"})

    def test_words_are_required_for_a_words_rule(self, officer: User) -> None:
        with pytest.raises(ValidationError, match="one a line"):
            services.rule_create(actor=officer, data={"name": "x", "kind": "words", "terms": " \n,", "action": "warn"})

    @pytest.mark.parametrize(
        ("pattern", "message"),
        [(r"(a)\1", "RE2's syntax"), ("(?=secret)", "look-arounds"), (".*", "matches any text"), ("", "Write the")],
    )
    def test_a_bad_pattern_is_refused_with_a_message(self, officer: User, pattern: str, message: str) -> None:
        with pytest.raises(ValidationError, match=message.replace("(", r"\(")) as caught:
            services.rule_create(
                actor=officer, data={"name": "x", "kind": "pattern", "terms": pattern, "action": "warn"}
            )
        assert "terms" in caught.value.message_dict
        assert not WatchRule.objects.exists()

    def test_a_change_is_audited_with_what_changed_and_applies_at_once(
        self, make_rule: Callable[..., WatchRule], officer: User, author: User
    ) -> None:
        rule = make_rule()
        with pytest.raises(screening.WatchWarning):
            stream.post_create(actor=author, body="Acme signe")
        services.rule_update(actor=officer, rule=rule, data={"is_active": False})
        entry = AuditEntry.objects.get(action=AuditAction.WATCH_RULE_CHANGED)
        assert entry.details["changed"] == ["is_active"]
        assert stream.post_create(actor=author, body="Acme signe").pk

    def test_an_unchanged_rule_writes_nothing(self, make_rule: Callable[..., WatchRule], officer: User) -> None:
        rule = make_rule()
        services.rule_update(actor=officer, rule=rule, data={"name": "Clients"})
        assert not AuditEntry.objects.filter(action=AuditAction.WATCH_RULE_CHANGED).exists()

    def test_deleting_keeps_its_matches_with_its_name(
        self, make_rule: Callable[..., WatchRule], officer: User, author: User
    ) -> None:
        rule = make_rule(action="report")
        stream.post_create(actor=author, body="Acme signe")
        services.rule_delete(actor=officer, rule=rule)
        hit = WatchHit.objects.get()
        assert (hit.rule_id, hit.rule_name) == (None, "Clients")
        assert AuditEntry.objects.filter(action=AuditAction.WATCH_RULE_DELETED, target_label="Clients").exists()
        assert stream.post_create(actor=author, body="Acme encore").pk
        assert WatchHit.objects.count() == 1


@pytest.fixture
def held(make_rule: Callable[..., WatchRule], author: User, space: Space) -> WatchHit:
    make_rule(name="Projets", terms="Orion", action="hold")
    stream.post_create(actor=author, body="Le lancement d'Orion est avancé", space=space)
    return WatchHit.objects.get()


class TestQueue:
    def test_a_held_post_is_not_in_the_space_moderators_queue(self, held: WatchHit, space: Space) -> None:
        moderator = member(space, Membership.Role.MODERATOR).user
        assert list(approval.awaiting_for(actor=moderator)) == []

    def test_publishing_a_held_post_says_it_as_if_just_written(
        self, held: WatchHit, officer: User, capture_events: list[Event]
    ) -> None:
        services.hit_approve(actor=officer, hit=held)
        post = Post.objects.get()
        assert (post.awaiting_approval, post.hidden_at) == (False, None)
        assert [type(event) for event in capture_events] == [PostCreated]
        held.refresh_from_db()
        assert (held.status, held.decision, held.resolved_by) == ("resolved", "approved", officer)
        assert AuditEntry.objects.filter(action=AuditAction.WATCH_HIT_DECIDED, actor_id=officer.pk).exists()

    def test_in_a_space_that_asks_for_approval_it_goes_to_its_moderators_next(
        self, make_rule: Callable[..., WatchRule], author: User, space: Space, officer: User
    ) -> None:
        space.post_approval = Space.PostApproval.MEMBERS
        space.save(update_fields=["post_approval"])
        make_rule(terms="Orion", action="hold")
        post = stream.post_create(actor=author, body="Orion", space=space)
        services.hit_approve(actor=officer, hit=WatchHit.objects.get())
        moderator = member(space, Membership.Role.MODERATOR).user
        assert list(approval.awaiting_for(actor=moderator)) == [post]

    def test_deleting_a_held_post_tells_its_author_why(
        self, held: WatchHit, officer: User, author: User, capture_events: list[Event]
    ) -> None:
        with pytest.raises(ValidationError, match="Tell the author"):
            services.hit_reject(actor=officer, hit=held, note=" ")
        services.hit_reject(actor=officer, hit=held, note="Le nom du projet est confidentiel.")
        assert not Post.objects.exists()
        assert [type(event) for event in capture_events] == [PostDeleted]
        assert ModerationWarning.objects.get(user=author).message == "Le nom du projet est confidentiel."
        held.refresh_from_db()
        assert (held.status, held.decision, held.post_id) == ("resolved", "rejected", None)

    def test_a_decided_match_cannot_be_decided_again(self, held: WatchHit, officer: User) -> None:
        services.hit_approve(actor=officer, hit=held)
        with pytest.raises(ValidationError, match="reviewed already"):
            services.hit_approve(actor=officer, hit=held)

    def test_a_held_post_is_not_merely_acknowledged(self, held: WatchHit, officer: User) -> None:
        with pytest.raises(ValidationError, match="publish it or delete it"):
            services.hit_acknowledge(actor=officer, hit=held)

    def test_a_report_is_acknowledged(self, make_rule: Callable[..., WatchRule], author: User, officer: User) -> None:
        make_rule(action="report")
        stream.post_create(actor=author, body="Acme")
        hit = WatchHit.objects.get()
        with pytest.raises(ValidationError, match="Only a held post"):
            services.hit_approve(actor=officer, hit=hit)
        services.hit_acknowledge(actor=officer, hit=hit)
        assert hit.decision == "acknowledged"

    def test_an_employee_does_not_even_see_the_match(self, held: WatchHit, author: User) -> None:
        with pytest.raises(Http404):
            services.hit_approve(actor=author, hit=held)
