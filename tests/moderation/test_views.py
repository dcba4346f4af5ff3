"""The pages: the report form (errors in the person's language, 404 for what they may not see), the queue and its
decisions, a person's warnings, and the sign-in refused to a suspended account."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from essaim.accounts.models import User
from essaim.moderation import services
from essaim.moderation.models import Decision, Reason, Report
from essaim.spaces.models import Space
from essaim.stream.models import Comment, Post
from tests.accounts.factories import PASSWORD, AdminFactory, GuestFactory, UserFactory
from tests.spaces.factories import member

pytestmark = pytest.mark.django_db


class TestReportForm:
    def test_the_form_then_the_thank_you_back_on_the_post(self, client: Client, reporter: User, post: Post) -> None:
        client.force_login(reporter)
        url = reverse("moderation:report-post", kwargs={"post_id": post.pk})
        page = client.get(url)
        assert page.status_code == 200
        assert b'name="reason"' in page.content
        response = client.post(url, {"reason": "spam", "details": "Publicité"}, follow=True)
        assert response.redirect_chain[-1][0] == post.get_absolute_url()
        assert b"your report was sent to the moderators" in response.content
        assert Report.objects.get().details == "Publicité"

    def test_a_comment_and_a_person_too(self, client: Client, reporter: User, comment: Comment, author: User) -> None:
        client.force_login(reporter)
        client.post(reverse("moderation:report-comment", kwargs={"comment_id": comment.pk}), {"reason": "harassment"})
        client.post(reverse("moderation:report-person", kwargs={"handle": author.handle}), {"reason": "other"})
        assert sorted(Report.objects.values_list("target_kind", flat=True)) == ["comment", "person"]

    def test_errors_next_to_the_field_in_french(self, client: Client, reporter: User, post: Post) -> None:
        reporter.language = "fr"
        reporter.save(update_fields=["language"])
        client.force_login(reporter)
        url = reverse("moderation:report-post", kwargs={"post_id": post.pk})
        response = client.post(url, {"details": "x" * 1001}, headers={"Accept-Language": "fr"})
        assert response.status_code == 400
        assert 'aria-invalid="true"' in response.content.decode()
        assert response.content.decode().count('class="errorlist"') == 2

    def test_twice_is_refused_with_a_message(self, client: Client, reporter: User, post: Post) -> None:
        client.force_login(reporter)
        url = reverse("moderation:report-post", kwargs={"post_id": post.pk})
        client.post(url, {"reason": "spam"})
        response = client.post(url, {"reason": "spam"})
        assert response.status_code == 400
        assert b"already reported" in response.content

    def test_a_post_one_may_not_read_is_404_one_s_own_403(self, client: Client, post: Post, author: User) -> None:
        url = reverse("moderation:report-post", kwargs={"post_id": post.pk})
        client.force_login(GuestFactory())
        assert client.get(url).status_code == 404
        client.force_login(author)
        assert client.get(url).status_code == 403

    def test_anonymous_visitors_sign_in_first(self, client: Client, post: Post) -> None:
        response = client.get(reverse("moderation:report-post", kwargs={"post_id": post.pk}))
        assert response.status_code == 302
        assert reverse("account_login") in response.url

    def test_the_post_card_and_the_comment_offer_report_but_not_to_their_author(
        self, client: Client, reporter: User, post: Post, comment: Comment, author: User
    ) -> None:
        client.force_login(reporter)
        html = client.get(post.get_absolute_url()).content.decode()
        assert reverse("moderation:report-post", kwargs={"post_id": post.pk}) in html
        assert reverse("moderation:report-comment", kwargs={"comment_id": comment.pk}) in html
        client.force_login(author)
        html = client.get(post.get_absolute_url()).content.decode()
        assert reverse("moderation:report-post", kwargs={"post_id": post.pk}) not in html
        assert reverse("moderation:report-comment", kwargs={"comment_id": comment.pk}) in html


@pytest.fixture
def reported(reporter: User, post: Post) -> Report:
    return services.report_create(actor=reporter, target=post, reason=Reason.SPAM, details="Publicité")


class TestQueue:
    def test_the_moderator_sees_the_report_with_its_context_and_a_count(
        self, client: Client, moderator: User, reported: Report
    ) -> None:
        client.force_login(moderator)
        html = client.get(reverse("moderation:queue")).content.decode()
        assert "Achetez mes montres" in html
        assert "Publicité" in html
        assert 'value="hidden"' in html
        assert 'value="suspended"' not in html
        home = client.get("/").content.decode()
        assert reverse("moderation:queue") in home
        assert "1 item to moderate" in home

    def test_a_decision_resolves_and_comes_back_to_the_queue(
        self, client: Client, moderator: User, reported: Report, drain_outbox: Callable[[], int]
    ) -> None:
        client.force_login(moderator)
        url = reverse("moderation:report-decide", kwargs={"report_id": reported.pk})
        response = client.post(url, {"decision": "dismissed"}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("moderation:queue")
        assert b"No report waits for you" in response.content
        reported.refresh_from_db()
        assert reported.decision == Decision.DISMISSED

    def test_a_refused_decision_keeps_the_message_and_says_why(
        self, client: Client, moderator: User, reported: Report
    ) -> None:
        client.force_login(moderator)
        url = reverse("moderation:report-decide", kwargs={"report_id": reported.pk})
        response = client.post(url, {"decision": "warned", "note": ""})
        assert response.status_code == 400
        assert b"the author reads this message" in response.content

    def test_members_get_403_and_others_reports_404(
        self, client: Client, reporter: User, reported: Report, space: Space
    ) -> None:
        client.force_login(reporter)
        assert client.get(reverse("moderation:queue")).status_code == 403
        other = member(Space.objects.create(name="Autre", slug="autre"), "moderator").user
        client.force_login(other)
        assert client.get(reverse("moderation:queue")).status_code == 200
        url = reverse("moderation:report-decide", kwargs={"report_id": reported.pk})
        assert client.post(url, {"decision": "dismissed"}).status_code == 404


class TestWarningsAndSuspension:
    def test_the_author_reads_the_warning_from_the_notification(
        self, client: Client, moderator: User, reported: Report, author: User, drain_outbox: Callable[[], int]
    ) -> None:
        services.report_decide(actor=moderator, report=reported, decision=Decision.WARNED, note="Pas de pub ici.")
        drain_outbox()
        client.force_login(author)
        notifications = client.get(reverse("notifications:list")).content.decode()
        assert "A moderator sent you a warning. Reason: Spam or advertising." in notifications
        page = client.get(reverse("moderation:warnings")).content.decode()
        assert "Pas de pub ici." in page
        warning_id = reported.warnings.get().pk
        client.post(reverse("moderation:warning-read", kwargs={"warning_id": warning_id}))
        assert reported.warnings.get().read_at is not None

    def test_a_suspended_account_is_told_why_and_until_when_on_signing_in(
        self, client: Client, reporter: User, author: User
    ) -> None:
        report = services.report_create(actor=reporter, target=author, reason=Reason.HARASSMENT)
        services.report_decide(
            actor=AdminFactory(), report=report, decision=Decision.SUSPENDED, note="Insultes répétées", days=3
        )
        response = client.post(reverse("account_login"), {"login": author.email, "password": PASSWORD})
        assert response.status_code == 403
        assert b"Insultes r\xc3\xa9p\xc3\xa9t\xc3\xa9es" in response.content
        assert b"You can sign in again from" in response.content
        assert "_auth_user_id" not in client.session

    def test_others_sign_in_as_usual(self, client: Client) -> None:
        person: Any = UserFactory()
        response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
        assert response.status_code == 302
