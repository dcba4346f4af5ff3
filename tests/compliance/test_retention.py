"""Retention on a frozen clock: what is old enough goes (or is archived), in batches, through the stream's
services, once; what a legal hold covers stays; each run that did something is in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from essaim import access
from essaim.accounts.models import User
from essaim.audit.models import AuditAction, AuditEntry
from essaim.compliance import retention, services
from essaim.compliance.models import RetentionPolicy
from essaim.core import schedule
from essaim.events.types import PostDeleted, PostHidden
from essaim.search.models import SearchDocument
from essaim.spaces.models import Space
from essaim.stream import services as stream
from essaim.stream.models import HomeEntry, Post
from tests.spaces.factories import MembershipFactory, SpaceFactory

pytestmark = pytest.mark.django_db
Age = Callable[[Post, int], Post]


def _policy(admin: User, *, days: int, mode: str = "delete", space: Space | None = None) -> RetentionPolicy:
    return services.retention_policy_set(actor=admin, space=space, mode=mode, days=days)


class TestDeletion:
    def test_posts_older_than_the_limit_are_deleted_and_younger_ones_stay(
        self, frozen: datetime, aged: Age, network_admin: User, employee: User
    ) -> None:
        old = aged(stream.post_create(actor=employee, body="Vieux"), 91)
        young = aged(stream.post_create(actor=employee, body="Récent"), 89)
        _policy(network_admin, days=90)
        (applied,) = retention.run()
        assert applied.count == 1
        assert list(Post.objects.values_list("pk", flat=True)) == [young.pk]
        assert not Post.objects.filter(pk=old.pk).exists()

    def test_deletion_goes_through_the_stream_so_search_timelines_and_live_pages_follow(
        self, network_admin: User, employee: User, capture_events: list, drain_outbox: Callable[[], int]
    ) -> None:
        """On the real clock: the outbox's worker (``drain_outbox``) takes what is due by it."""
        old = stream.post_create(actor=employee, body="Compte rendu ancien")
        Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
        drain_outbox()
        assert SearchDocument.objects.filter(post_id=old.pk).exists()
        assert HomeEntry.objects.filter(post_id=old.pk).exists()
        _policy(network_admin, days=365)
        retention.run()
        drain_outbox()
        deleted = [e for e in capture_events if isinstance(e, PostDeleted)]
        assert [(e.post_id, e.actor_id) for e in deleted] == [(old.pk, None)]
        assert not SearchDocument.objects.filter(post_id=old.pk).exists()
        assert not HomeEntry.objects.filter(post_id=old.pk).exists()

    def test_it_works_in_batches_and_a_second_run_finds_nothing_to_do(
        self, frozen: datetime, aged: Age, network_admin: User, employee: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(retention, "BATCH", 2)
        for n in range(5):
            aged(stream.post_create(actor=employee, body=f"Ancien {n}"), 40)
        _policy(network_admin, days=30)
        assert [a.count for a in retention.run()] == [5]
        assert [a.count for a in retention.run()] == [0]
        runs = AuditEntry.objects.filter(action=AuditAction.RETENTION_APPLIED)
        assert [(e.actor_id, e.details["count"], e.details["mode"]) for e in runs] == [(None, 5, "delete")]

    def test_a_run_caps_its_work_and_the_next_one_catches_up(
        self, frozen: datetime, aged: Age, network_admin: User, employee: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(retention, "BATCH", 2)
        monkeypatch.setattr(retention, "MAX_PER_RUN", 3)
        for n in range(5):
            aged(stream.post_create(actor=employee, body=f"Ancien {n}"), 40)
        _policy(network_admin, days=30)
        assert [a.count for a in retention.run()] == [3]
        assert [a.count for a in retention.run()] == [2]
        assert not Post.objects.exists()

    def test_the_periodic_job_runs_it(self, frozen: datetime, aged: Age, network_admin: User, employee: User) -> None:
        aged(stream.post_create(actor=employee, body="Ancien"), 40)
        _policy(network_admin, days=30)
        job = schedule.jobs()["compliance.retention"]
        token = schedule.claim(job, now=frozen)
        assert token is not None
        assert schedule.run_claimed(job, token)
        assert not Post.objects.exists()


class TestScopes:
    def test_a_spaces_own_policy_replaces_the_networks_there(
        self, frozen: datetime, aged: Age, network_admin: User, employee: User
    ) -> None:
        space, other = SpaceFactory(name="Archives RH"), SpaceFactory(name="Atelier")
        MembershipFactory(space=space, user=employee)
        MembershipFactory(space=other, user=employee)
        in_space = aged(stream.post_create(actor=employee, body="RH", space=space), 100)
        in_other = aged(stream.post_create(actor=employee, body="Atelier", space=other), 100)
        outside = aged(stream.post_create(actor=employee, body="Dehors"), 100)
        _policy(network_admin, days=30)
        _policy(network_admin, days=365, space=space)
        retention.run()
        assert list(Post.objects.values_list("pk", flat=True)) == [in_space.pk]
        assert not Post.objects.filter(pk__in=[in_other.pk, outside.pk]).exists()

    def test_archiving_hides_the_post_from_readers_and_keeps_it(  # noqa: PLR0917 - pytest fixtures
        self, frozen: datetime, aged: Age, network_admin: User, employee: User, colleague: User, capture_events: list
    ) -> None:
        post = aged(stream.post_create(actor=employee, body="Note de service 2019"), 800)
        assert access.can(colleague, access.Action.VIEW, post)
        _policy(network_admin, days=730, mode="archive")
        (applied,) = retention.run()
        post.refresh_from_db()
        assert applied.count == 1
        assert post.hidden_at == frozen
        assert not access.can(colleague, access.Action.VIEW, post), "gone from everyone else's feeds and search"
        assert [e.post_id for e in capture_events if isinstance(e, PostHidden)] == [post.pk]
        assert [a.count for a in retention.run()] == [0], "archived once"


class TestLegalHold:
    def test_retention_deletes_nothing_a_hold_covers_and_everything_else(  # noqa: PLR0917 - pytest fixtures
        self, frozen: datetime, aged: Age, network_admin: User, officer: User, employee: User, colleague: User
    ) -> None:
        held = aged(stream.post_create(actor=employee, body="Sous séquestre"), 100)
        free = aged(stream.post_create(actor=colleague, body="Libre"), 100)
        commented = aged(stream.post_create(actor=colleague, body="Commenté par Léa"), 100)
        stream.comment_create(actor=employee, post=commented, body="Mon avis")
        services.legal_hold_place(actor=officer, user=employee, reason="Affaire 2026-14")
        _policy(network_admin, days=30)
        retention.run()
        assert set(Post.objects.values_list("pk", flat=True)) == {held.pk, commented.pk}
        assert not Post.objects.filter(pk=free.pk).exists()

    def test_a_hold_on_a_space_keeps_its_posts_and_once_released_they_go(  # noqa: PLR0917 - pytest fixtures
        self, frozen: datetime, aged: Age, network_admin: User, officer: User, secret_space: Space, writer: User
    ) -> None:
        post = aged(stream.post_create(actor=writer, body="Orion, phase 1", space=secret_space), 100)
        hold = services.legal_hold_place(actor=officer, space=secret_space, reason="Audit interne")
        _policy(network_admin, days=30)
        retention.run()
        assert Post.objects.filter(pk=post.pk).exists()
        services.legal_hold_release(actor=officer, hold=hold)
        retention.run()
        assert not Post.objects.filter(pk=post.pk).exists()


class TestPolicies:
    def test_only_network_administrators_set_them(self, officer: User, employee: User) -> None:
        for person in (officer, employee):
            with pytest.raises(PermissionDenied):
                services.retention_policy_set(actor=person, space=None, mode="delete", days=30)

    def test_setting_a_scope_again_replaces_its_policy_and_is_audited(self, network_admin: User) -> None:
        _policy(network_admin, days=30)
        _policy(network_admin, days=60, mode="archive")
        assert list(RetentionPolicy.objects.values_list("mode", "days")) == [("archive", 60)]
        entries = AuditEntry.objects.filter(action=AuditAction.RETENTION_SET).order_by("id")
        assert [e.details["changed"]["days"] for e in entries] == [["", 30], [30, 60]]

    @pytest.mark.parametrize(("mode", "days"), [("delete", 0), ("keep", 30), ("archive", 40_000)])
    def test_a_bad_policy_is_refused_with_a_message(self, network_admin: User, mode: str, days: int) -> None:
        with pytest.raises(ValidationError):
            _policy(network_admin, days=days, mode=mode)
        assert not RetentionPolicy.objects.exists()
