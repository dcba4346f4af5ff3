from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from essaim.feeds import jobs, services
from essaim.feeds.models import Feed
from essaim.stream.models import Post
from tests.accounts.factories import UserFactory
from tests.core.loopback import LoopbackServer
from tests.feeds import samples
from tests.feeds.conftest import make_feed

pytestmark = pytest.mark.django_db
RSS = {"Content-Type": "application/rss+xml"}


class TestFeedSubscribe:
    def test_a_space_admin_subscribes_and_the_first_fetch_runs_at_once(
        self, server: LoopbackServer, space, space_admin, django_capture_on_commit_callbacks
    ) -> None:
        server.route("/rss", body=samples.rss2(2), headers=RSS)
        with django_capture_on_commit_callbacks(execute=True):
            feed = services.feed_subscribe(actor=space_admin, space=space, url=server.url("/rss"), keywords="")
        feed.refresh_from_db()
        assert feed.items_imported == 2
        assert feed.account.kind == "feed"
        assert not feed.account.is_active
        assert not feed.account.has_usable_password()
        assert feed.created_by == space_admin
        assert Post.objects.filter(space=space, author=feed.account).count() == 2

    def test_a_member_may_not(self, space) -> None:
        from tests.spaces.factories import MembershipFactory

        member = MembershipFactory(space=space).user
        with pytest.raises(PermissionDenied):
            services.feed_subscribe(actor=member, space=space, url="https://example.com/feed")

    @pytest.mark.parametrize("url", ["ftp://example.com/feed", "example", "javascript:alert(1)"])
    def test_an_address_that_is_not_http_is_refused_with_words(self, space, space_admin, url: str) -> None:
        with pytest.raises(ValidationError) as excinfo:
            services.feed_subscribe(actor=space_admin, space=space, url=url)
        assert "https://" in str(excinfo.value)

    def test_the_same_feed_twice_is_refused(self, space, space_admin) -> None:
        services.feed_subscribe(actor=space_admin, space=space, url="https://example.com/feed")
        with pytest.raises(ValidationError) as excinfo:
            services.feed_subscribe(actor=space_admin, space=space, url="https://example.com/feed")
        assert "already follows" in str(excinfo.value)

    def test_unknown_choices_are_refused(self, space, space_admin) -> None:
        with pytest.raises(ValidationError):
            services.feed_subscribe(actor=space_admin, space=space, url="https://example.com/f", every=7)
        with pytest.raises(ValidationError):
            services.feed_subscribe(actor=space_admin, space=space, url="https://example.com/f", show="all")


class TestFeedChanges:
    def test_edit_pause_and_resume(self, space, space_admin) -> None:
        feed = make_feed(space, "https://example.com/feed")
        services.feed_edit(
            actor=space_admin, feed=feed, title="Veille", keywords="ia", every=1440, show="title", paused=True
        )
        feed.refresh_from_db()
        assert (feed.title, feed.keywords, feed.every, feed.show, feed.paused) == ("Veille", "ia", 1440, "title", True)
        assert feed.account.first_name == "Veille"
        Feed.objects.filter(pk=feed.pk).update(next_fetch_at=timezone.now() + timedelta(days=1))
        feed.refresh_from_db()
        services.feed_edit(actor=space_admin, feed=feed, title="", keywords="", every=60, show="summary", paused=False)
        feed.refresh_from_db()
        assert feed.next_fetch_at <= timezone.now()
        assert feed.title == "Veille"

    def test_remove_keeps_the_posts(self, server: LoopbackServer, space, space_admin) -> None:
        server.route("/rss", body=samples.rss2(1), headers=RSS)
        feed = make_feed(space, server.url("/rss"))
        from essaim.feeds import importing

        importing.poll(feed.pk)
        services.feed_remove(actor=space_admin, feed=feed)
        assert not Feed.objects.exists()
        assert Post.objects.filter(space=space).count() == 1

    def test_fetch_now(self, server: LoopbackServer, space, space_admin) -> None:
        server.route("/rss", body=samples.rss2(1), headers=RSS)
        feed = make_feed(space, server.url("/rss"), next_fetch_at=timezone.now() + timedelta(hours=1))
        assert services.feed_fetch_now(actor=space_admin, feed=feed)
        feed.refresh_from_db()
        assert feed.items_imported == 1

    def test_an_outsider_may_not_fetch(self, space) -> None:
        feed = make_feed(space, "https://example.com/feed")
        with pytest.raises(Http404):  # a feed of a space they do not run is not theirs to see
            services.feed_fetch_now(actor=UserFactory(), feed=feed)


class TestTheJob:
    def test_queues_the_due_feeds_once(self, server: LoopbackServer, space) -> None:
        server.route("/rss", body=samples.rss2(1), headers=RSS)
        due = make_feed(space, server.url("/rss"))
        later = make_feed(space, server.url("/rss?later"), next_fetch_at=timezone.now() + timedelta(hours=1))
        paused = make_feed(space, server.url("/rss?paused"), paused=True)
        assert jobs.queue_due_feeds() == 1  # the immediate backend of the tests runs the task at once
        assert jobs.queue_due_feeds() == 0
        for feed in (due, later, paused):
            feed.refresh_from_db()
        assert (due.items_imported, later.items_imported, paused.items_imported) == (1, 0, 0)
        assert [r.path for r in server.requests] == ["/rss"]

    def test_is_registered_with_the_scheduler(self) -> None:
        from essaim.core.schedule import jobs as scheduled

        assert scheduled()["feeds.poll"].every == timedelta(minutes=1)
