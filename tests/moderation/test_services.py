"""Reporting and deciding: each rule and each decision, what it writes in the audit log, who is told what."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from essaim.accounts.models import User
from essaim.api.services import personal_token_create
from essaim.audit.models import AuditAction, AuditEntry
from essaim.core.ratelimits import RateLimited
from essaim.events.types import ReportsResolved
from essaim.moderation import selectors, services
from essaim.moderation.models import Decision, ModerationWarning, Reason, Report, Suspension
from essaim.spaces.models import Space
from essaim.stream.models import Comment, Post
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory
from tests.moderation.conftest import told
from tests.spaces.factories import SpaceFactory, member

pytestmark = pytest.mark.django_db


def _report(reporter: User, target: Any, reason: str = Reason.SPAM, details: str = "") -> Report:
    return services.report_create(actor=reporter, target=target, reason=reason, details=details)


class TestReportCreate:
    def test_a_reader_reports_a_post_with_its_space_and_author(self, reporter: User, post: Post) -> None:
        report = _report(reporter, post, details="  Publicité  ")
        assert (report.target_kind, report.target_key, report.post, report.comment) == ("post", f"post:{post.pk}",
                                                                                         post, None)  # fmt: skip
        assert (report.author_id, report.space_id, report.details, report.status) == (
            post.author_id, post.space_id, "Publicité", "open")  # fmt: skip

    def test_a_comment_report_keeps_its_post_for_who_may_read_it(self, reporter: User, comment: Comment) -> None:
        report = _report(reporter, comment, Reason.HARASSMENT)
        assert (report.target_key, report.post_id, report.author_id) == (
            f"comment:{comment.pk}", comment.post_id, comment.author_id)  # fmt: skip

    def test_a_person_report_has_no_space(self, reporter: User, author: User) -> None:
        report = _report(reporter, author, Reason.OTHER)
        assert (report.target_key, report.space_id, report.post_id) == (f"person:{author.pk}", None, None)

    def test_the_same_open_report_is_refused_with_a_message(self, reporter: User, post: Post) -> None:
        _report(reporter, post)
        with pytest.raises(ValidationError, match="already reported"):
            _report(reporter, post, Reason.OTHER)
        assert Report.objects.count() == 1

    def test_once_resolved_it_may_be_reported_again(self, reporter: User, moderator: User, post: Post) -> None:
        report = _report(reporter, post)
        services.report_decide(actor=moderator, report=report, decision=Decision.DISMISSED)
        _report(reporter, post)
        assert Report.objects.filter(status="open").count() == 1

    def test_an_unknown_reason_and_long_details_are_refused(self, reporter: User, post: Post) -> None:
        with pytest.raises(ValidationError) as error:
            _report(reporter, post, "boring", details="x" * 1001)
        assert set(error.value.message_dict) == {"reason", "details"}

    def test_nobody_reports_their_own_post_or_themselves(self, author: User, post: Post) -> None:
        with pytest.raises(PermissionDenied):
            _report(author, post)
        with pytest.raises(PermissionDenied):
            _report(author, author)

    def test_a_post_one_may_not_read_is_missing(self, post: Post) -> None:
        secret_post_reader = GuestFactory()
        with pytest.raises(Http404):
            _report(secret_post_reader, post)

    def test_reports_are_rate_limited(self, reporter: User, space: Space, author: User, settings: Any) -> None:
        settings.RATE_LIMITS = "report=20/3600"  # the default (the tests' environment turns limits off)
        caches["ratelimit"].clear()
        posts = [Post.objects.create(author=author, space=space, body=f"n°{i}") for i in range(21)]
        for target in posts[:20]:
            _report(reporter, target)
        with pytest.raises(RateLimited) as refused:
            _report(reporter, posts[20])
        assert refused.value.action == "report"

    def test_reports_create_is_all_or_nothing(self, reporter: User, post: Post, author: User) -> None:
        _report(reporter, post)
        with pytest.raises(ValidationError):
            services.reports_create(actor=reporter, targets=[author, post], reason=Reason.SPAM)
        assert Report.objects.count() == 1


def _decide(actor: User, report: Report, decision: str, **kwargs: Any) -> list[Report]:
    return services.report_decide(actor=actor, report=report, decision=decision, **kwargs)


class TestDecisions:
    def test_dismissing_resolves_every_open_report_and_is_logged(
        self, reporter: User, moderator: User, post: Post, space: Space, capture_events: list[Any]
    ) -> None:
        first = _report(reporter, post)
        second = _report(member(space).user, post, Reason.OTHER)
        resolved = _decide(moderator, first, Decision.DISMISSED)
        assert {r.pk for r in resolved} == {first.pk, second.pk}
        assert {(r.status, r.decision, r.resolved_by_id) for r in resolved} == {("resolved", "dismissed", moderator.pk)}
        entry = AuditEntry.objects.get(action=AuditAction.REPORT_DISMISSED)
        assert entry.target_label == f"Post #{post.pk} by @hugo.roux"  # no content: compliance reads the log
        assert "montres" not in str(entry.details)
        assert entry.space_id == space.pk
        assert ReportsResolved(actor_id=moderator.pk, report_id=first.pk, report_ids=(first.pk, second.pk),
                               decision="dismissed") in capture_events  # fmt: skip

    def test_hiding_reuses_post_hide(self, reporter: User, moderator: User, post: Post) -> None:
        _decide(moderator, _report(reporter, post), Decision.HIDDEN)
        post.refresh_from_db()
        assert post.hidden_at is not None
        assert AuditEntry.objects.filter(action=AuditAction.POST_HIDDEN, target_id=str(post.pk)).exists()

    def test_deleting_a_post_resolves_its_comments_reports_too(
        self, reporter: User, moderator: User, post: Post, comment: Comment
    ) -> None:
        on_comment = _report(reporter, comment)
        _decide(moderator, _report(reporter, post), Decision.DELETED)
        assert not Post.objects.filter(pk=post.pk).exists()
        on_comment.refresh_from_db()
        assert (on_comment.status, on_comment.decision) == ("resolved", "deleted")
        entry = AuditEntry.objects.get(action=AuditAction.CONTENT_DELETED)
        assert (entry.target_id, entry.target_label) == (str(post.pk), f"Post #{post.pk} by @hugo.roux")

    def test_deleting_a_comment(self, reporter: User, moderator: User, comment: Comment) -> None:
        _decide(moderator, _report(reporter, comment), Decision.DELETED)
        assert not Comment.objects.filter(pk=comment.pk).exists()
        assert AuditEntry.objects.get(action=AuditAction.CONTENT_DELETED).target_label.startswith("Comment #")

    def test_only_a_post_is_hidden_and_a_person_neither_hidden_nor_deleted(
        self, reporter: User, moderator: User, comment: Comment, author: User
    ) -> None:
        with pytest.raises(ValidationError, match="Only a post"):
            _decide(moderator, _report(reporter, comment), Decision.HIDDEN)
        admin = AdminFactory()
        with pytest.raises(ValidationError, match="A person cannot"):
            _decide(admin, _report(reporter, author), Decision.DELETED)

    def test_warning_the_author_needs_a_message_they_then_read(
        self, reporter: User, moderator: User, post: Post, author: User
    ) -> None:
        report = _report(reporter, post)
        with pytest.raises(ValidationError) as error:
            _decide(moderator, report, Decision.WARNED)
        assert "note" in error.value.message_dict
        _decide(moderator, report, Decision.WARNED, note="Pas de publicité ici, merci.")
        (warning,) = selectors.warnings_for(actor=author)
        assert (warning.message, warning.reason, warning.read_at) == ("Pas de publicité ici, merci.", "spam", None)
        services.warning_mark_read(actor=author, warning=warning)
        assert ModerationWarning.objects.get().read_at is not None
        entry = AuditEntry.objects.get(action=AuditAction.AUTHOR_WARNED)
        assert (entry.target_id, "publicité" in str(entry.details)) == (str(author.pk), False)

    def test_someone_else_may_not_read_a_warning(self, reporter: User, moderator: User, post: Post) -> None:
        _decide(moderator, _report(reporter, post), Decision.WARNED, note="Attention")
        assert selectors.warnings_for(actor=reporter) == []
        with pytest.raises(Http404):
            selectors.warning_get_for(actor=reporter, warning_id=ModerationWarning.objects.get().pk)

    def test_a_decided_report_is_not_decided_twice(self, reporter: User, moderator: User, post: Post) -> None:
        report = _report(reporter, post)
        _decide(moderator, report, Decision.DISMISSED)
        with pytest.raises(ValidationError, match="already handled"):
            _decide(moderator, report, Decision.WARNED, note="x")

    def test_a_member_may_not_see_a_report_to_decide_it(self, reporter: User, post: Post, space: Space) -> None:
        with pytest.raises(Http404):
            _decide(member(space).user, _report(reporter, post), Decision.DISMISSED)


class TestSuspension:
    def test_only_network_admins_suspend(self, reporter: User, moderator: User, author: User) -> None:
        report = _report(reporter, author)
        with pytest.raises(Http404):  # a report on a person is not the space moderator's to see
            _decide(moderator, report, Decision.SUSPENDED, note="x", days=3)
        on_post = _report(reporter, Post.objects.create(author=author, space=moderator_space(moderator), body="…"))
        with pytest.raises(PermissionDenied):
            _decide(moderator, on_post, Decision.SUSPENDED, note="x", days=3)

    def test_a_period_from_one_day_to_a_year(self, reporter: User, author: User) -> None:
        admin = AdminFactory()
        report = _report(reporter, author)
        for days in (None, 0, 366):
            with pytest.raises(ValidationError) as error:
                _decide(admin, report, Decision.SUSPENDED, note="Insultes répétées", days=days)
            assert "days" in error.value.message_dict

    def test_a_suspended_account_is_signed_out_and_its_tokens_revoked(
        self, reporter: User, author: User, client: Any
    ) -> None:
        admin = AdminFactory()
        token, raw = personal_token_create(actor=author, name="script")
        client.force_login(author)
        _decide(admin, _report(reporter, author), Decision.SUSPENDED, note="Insultes répétées", days=7)
        suspension = Suspension.objects.get()
        assert suspension.until - timezone.now() > timedelta(days=6, hours=23)
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert (
            client.get("/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {raw}"}).status_code
            == 401
        )
        assert client.get("/").status_code == 302  # the session ended
        entry = AuditEntry.objects.get(action=AuditAction.ACCOUNT_SUSPENDED)
        assert (entry.target_id, entry.details["days"], entry.details["credentials_revoked"]) == (
            str(author.pk), 7, True)  # fmt: skip

    def test_the_suspension_holds_until_its_date(self, reporter: User, author: User) -> None:
        _decide(AdminFactory(), _report(reporter, author), Decision.SUSPENDED, note="Insultes", days=2)
        assert selectors.suspension_for(user=author) is not None
        Suspension.objects.update(until=timezone.now() - timedelta(seconds=1))  # two days later
        assert selectors.suspension_for(user=author) is None


def moderator_space(moderator: User) -> Space:
    return Space.objects.get(memberships__user=moderator)


class TestWhoIsTold:
    def test_the_reporters_in_neutral_words_and_the_author_what_and_why(  # noqa: PLR0917 - fixtures
        self, reporter: User, moderator: User, post: Post, space: Space, author: User, drain_outbox: Callable[[], int]
    ) -> None:
        other = member(space).user
        report = _report(reporter, post)
        _report(other, post, Reason.OTHER)
        _decide(moderator, report, Decision.HIDDEN, note="Publicité")
        drain_outbox()
        assert told(reporter) == told(other) == [("report_outcome", True, "hidden")]
        assert told(author) == [("moderation", None, "hidden")]
        assert told(moderator) == []

    def test_a_dismissed_report_bothers_nobody_but_its_reporter(
        self, reporter: User, moderator: User, post: Post, author: User, drain_outbox: Callable[[], int]
    ) -> None:
        _decide(moderator, _report(reporter, post), Decision.DISMISSED)
        drain_outbox()
        assert told(reporter) == [("report_outcome", False, "dismissed")]
        assert told(author) == []

    def test_the_suspended_author_is_told_by_e_mail_too(
        self, reporter: User, author: User, drain_outbox: Callable[[], int]
    ) -> None:
        from essaim.notifications.models import PendingEmail

        _decide(AdminFactory(), _report(reporter, author), Decision.SUSPENDED, note="Insultes", days=3)
        drain_outbox()
        assert told(author) == [("moderation", None, "suspended")]
        assert PendingEmail.objects.filter(recipient=author).exists()


class TestQueue:
    def test_grouped_by_target_with_context_and_history(
        self, reporter: User, moderator: User, post: Post, space: Space, author: User
    ) -> None:
        earlier_post = Post.objects.create(author=author, space=space, body="Ancien")
        _decide(moderator, _report(reporter, earlier_post), Decision.DELETED)
        _report(reporter, post)
        _report(member(space).user, post, Reason.OTHER, details="Encore")
        _report(reporter, Post.objects.create(author=UserFactory(), space=space, body="Autre"))
        groups = selectors.queue_for(actor=moderator)
        assert [len(g.reports) for g in groups] == [2, 1]
        first = groups[0]
        assert first.readable
        assert (first.history.removed, first.history.warnings) == (1, 0)
        assert first.decisions == ["dismissed", "hidden", "deleted", "warned"]

    def test_more_reports_on_a_target_cost_no_query_more(
        self, reporter: User, moderator: User, post: Post, space: Space
    ) -> None:
        _report(reporter, post)
        with CaptureQueriesContext(connection) as one:
            selectors.queue_for(actor=moderator)
        for _ in range(3):
            _report(member(space).user, post)
        with CaptureQueriesContext(connection) as four:
            selectors.queue_for(actor=moderator)
        assert len(four) == len(one)

    def test_a_network_admin_does_not_read_a_private_space_s_reports(self, reporter: User) -> None:
        private = SpaceFactory(visibility="private")
        writer, mod = member(private).user, member(private, "moderator").user
        secret_post = Post.objects.create(author=writer, space=private, body="Confidentiel")
        _report(mod, secret_post)
        admin = AdminFactory()
        assert selectors.queue_for(actor=admin) == []
        assert len(selectors.queue_for(actor=mod)) == 1
