"""stream.announcements: the active announcements' ids, shared through the cache, never trusted alone."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from essaim.core.pagination import Cursor
from essaim.stream import announcements, selectors, services
from essaim.stream.models import Post


def _announce(post, admin):
    return services.announcement_set(actor=admin, post=post, expires_at=timezone.now() + timedelta(days=1))


class TestActiveIds:
    def test_newest_first_and_only_the_active_ones(self, employee, network_admin, make_post):
        old, new, plain = make_post(employee, "Ancienne"), make_post(employee, "Nouvelle"), make_post(employee, "Rien")
        _announce(old, network_admin)
        _announce(new, network_admin)
        assert announcements.active_ids() == [new.pk, old.pk]
        assert plain.pk not in announcements.active_ids()

    def test_read_once_then_from_the_cache(self, employee, network_admin, make_post, django_assert_num_queries):
        _announce(make_post(employee, "Annonce"), network_admin)
        announcements.active_ids()
        with django_assert_num_queries(0):
            announcements.active_ids()
        assert cache.get(announcements.IDS_KEY) is not None

    def test_setting_and_clearing_forget_the_list_at_once(self, employee, network_admin, make_post):
        post = make_post(employee, "Annonce")
        assert announcements.active_ids() == []
        _announce(post, network_admin)
        assert announcements.active_ids() == [post.pk]
        services.announcement_clear(actor=network_admin, post=post)
        assert announcements.active_ids() == []

    def test_forgotten_again_when_the_transaction_commits(
        self, employee, network_admin, make_post, django_capture_on_commit_callbacks
    ):
        post = make_post(employee, "Annonce")
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            _announce(post, network_admin)
            announcements.active_ids()  # a reader caching the list before the commit
        assert announcements.forget in callbacks
        assert cache.get(announcements.IDS_KEY) is None


class TestStaleCandidatesAreNeverPinned:
    """Ids cached by another process may be stale for a few seconds: the feed re-checks the posts."""

    def test_an_expired_announcement_is_not_pinned(self, employee, colleague, network_admin, make_post):
        post = _announce(make_post(colleague, "Annonce"), network_admin)
        announcements.active_ids()
        Post.objects.filter(pk=post.pk).update(announcement_expires_at=timezone.now() - timedelta(minutes=1))
        assert announcements.active_ids() == [post.pk]  # still cached
        pinned, _page = selectors.feed_home(actor=employee, cursor=Cursor())
        assert pinned == []

    def test_a_cleared_or_deleted_announcement_is_not_pinned(self, employee, colleague, network_admin, make_post):
        cleared = _announce(make_post(colleague, "Levée"), network_admin)
        deleted = _announce(make_post(colleague, "Supprimée"), network_admin)
        announcements.active_ids()
        Post.objects.filter(pk=cleared.pk).update(is_announcement=False)  # behind the services' back
        Post.objects.filter(pk=deleted.pk).delete()
        pinned, _page = selectors.feed_home(actor=employee, cursor=Cursor())
        assert pinned == []

    def test_an_announcement_the_reader_may_not_see_is_not_pinned(self, employee, guest, network_admin, make_post):
        _announce(make_post(employee, "Pour les salariés"), network_admin)
        pinned, _page = selectors.feed_home(actor=guest, cursor=Cursor())
        assert pinned == []
