"""Reads of the stream: the visibility matrix, feeds, cursors and constant query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from essaim import access
from essaim.core.pagination import Cursor
from essaim.people.models import Follow
from essaim.spaces.models import Space
from essaim.stream import selectors, services
from essaim.stream.models import Post, TagFollow, Visibility
from essaim.stream.selectors import REACTORS_SHOWN
from tests.accounts.factories import UserFactory
from tests.stream.factories import image_upload


@pytest.fixture
def cast(employee, colleague, guest, network_admin, member, follower):  # noqa: PLR0917 - pytest fixtures
    """Everyone of the matrix. ``employee`` is the author; ``colleague`` is mentioned."""
    compliance = UserFactory(handle="chloe.conformite", is_compliance_officer=True)
    return {
        "author": employee,
        "employee": UserFactory(handle="emile.employe"),
        "guest": guest,
        "follower": follower,
        "mentioned": colleague,
        "member": member,
        "admin": network_admin,
        "compliance": compliance,
    }


def _readers(post: Post, cast: dict) -> set[str]:
    return {name for name, person in cast.items() if access.visible(person, Post.objects.filter(pk=post.pk)).exists()}


EVERYONE_BUT_GUEST = {"author", "employee", "follower", "mentioned", "member", "admin", "compliance"}


@pytest.mark.parametrize(
    ("visibility", "space", "readers"),
    [
        (Visibility.COMPANY, None, EVERYONE_BUT_GUEST),
        (Visibility.FOLLOWERS, None, {"author", "follower", "mentioned"}),
        (Visibility.MENTIONED, None, {"author", "mentioned"}),
        (Visibility.COMPANY, Space.Visibility.PUBLIC, EVERYONE_BUT_GUEST),
        # a compliance officer reads closed spaces through exports only (issue 21), never in the feeds
        (Visibility.COMPANY, Space.Visibility.PRIVATE, {"author", "member"}),
        (Visibility.COMPANY, Space.Visibility.SECRET, {"author", "member"}),
    ],
)
def test_visibility_matrix(cast, join, make_post, visibility, space, readers):  # noqa: PLR0917 - pytest fixtures
    target = None
    if space is not None:
        target = Space.objects.create(name="S", slug="s", visibility=space)
        join(cast["author"], target)
        join(cast["member"], target)
    post = make_post(cast["author"], "Pour @eloise.dupre", visibility=visibility, space=target)
    assert _readers(post, cast) == readers
    for name, person in cast.items():  # ``can`` agrees with ``visible``
        assert access.can(person, access.Action.VIEW, post) == (name in readers), name
    for name, person in cast.items():  # and so does the post's page, read by id
        try:
            found = selectors.post_get_for(actor=person, post_id=post.pk)
        except Http404:
            found = None
        assert (found == post) == (name in readers), name


def test_a_guest_member_reads_their_space_posts(guest, member, private_space, join, make_post):
    join(guest, private_space)
    join(member, private_space)
    post = make_post(member, space=private_space)
    assert selectors.post_get_for(actor=guest, post_id=post.pk) == post


def test_missing_and_invisible_posts_are_both_404(employee, colleague, make_post):
    post = make_post(employee, "Pour @eloise.dupre seulement", visibility=Visibility.MENTIONED)
    other = UserFactory()
    for post_id in (post.pk, 12345, 2**70):
        with pytest.raises(Http404):
            selectors.post_get_for(actor=other, post_id=post_id)


class TestHomeFeed:
    def test_holds_own_followed_tagged_and_space_posts_newest_first(  # noqa: PLR0917 - pytest fixtures
        self, employee, colleague, member, public_space, join, make_post
    ):
        Follow.objects.create(follower=employee, followed=colleague)
        join(employee, public_space)
        join(member, public_space)
        mine = make_post(employee, "Le mien")
        followed = make_post(colleague, "D'une collègue suivie")
        in_space = make_post(member, "Dans mon espace", space=public_space)
        unrelated = make_post(member, "Sans rapport")
        _pinned, page = selectors.feed_home(actor=employee, cursor=Cursor())
        assert [p.pk for p in page.items] == [in_space.pk, followed.pk, mine.pk]
        assert unrelated not in page.items

    def test_holds_the_followed_tags_posts_old_and_new_that_the_reader_may_see(  # noqa: PLR0917 - pytest fixtures
        self, employee, colleague, member, public_space, private_space, join, make_post
    ):
        join(member, public_space)
        join(member, private_space)
        before = make_post(colleague, "#velo avant le suivi")
        services.tag_follow(actor=employee, tag=services.tag_get_or_create(name="velo"))
        in_public_space = make_post(member, "#velo dans l'espace public", space=public_space)
        make_post(member, "#velo dans l'espace privé", space=private_space)
        make_post(colleague, "#velo pour mes abonnés", visibility=Visibility.FOLLOWERS)
        after = make_post(colleague, "#velo après le suivi")
        _pinned, page = selectors.feed_home(actor=employee, cursor=Cursor())
        assert [p.pk for p in page.items] == [after.pk, in_public_space.pk, before.pk]

    def test_a_guest_following_a_tag_reads_no_company_post_through_it(self, employee, guest, make_post):
        TagFollow.objects.create(user=guest, tag=services.tag_get_or_create(name="velo"))  # were they employed once
        make_post(employee, "#velo pour tous")
        _pinned, page = selectors.feed_home(actor=guest, cursor=Cursor())
        assert page.items == []

    def test_rechecks_visibility_of_delivered_posts(self, employee, follower, make_post):
        post = make_post(employee, "Abonnés", visibility=Visibility.FOLLOWERS)
        Follow.objects.filter(follower=follower).delete()
        _pinned, page = selectors.feed_home(actor=follower, cursor=Cursor())
        assert post not in page.items

    def test_pins_active_announcements_first_page_only(self, employee, colleague, network_admin, make_post):
        post = make_post(colleague, "Annonce")
        expired = make_post(colleague, "Ancienne annonce")
        services.announcement_set(actor=network_admin, post=post, expires_at=timezone.now() + timedelta(days=1))
        services.announcement_set(actor=network_admin, post=expired, expires_at=timezone.now() + timedelta(days=1))
        Post.objects.filter(pk=expired.pk).update(announcement_expires_at=timezone.now() - timedelta(hours=1))
        pinned, _page = selectors.feed_home(actor=employee, cursor=Cursor())
        assert pinned == [post]
        pinned, _page = selectors.feed_home(actor=employee, cursor=Cursor(max_id=post.pk + 1))
        assert pinned == []

    def test_pages_with_a_cursor(self, employee, make_post):
        posts = [make_post(employee, f"n°{i}") for i in range(5)]
        _pinned, first = selectors.feed_home(actor=employee, cursor=Cursor(limit=2))
        assert [p.pk for p in first.items] == [posts[4].pk, posts[3].pk]
        assert first.next_max_id == posts[3].pk
        _pinned, last = selectors.feed_home(actor=employee, cursor=Cursor(limit=3, max_id=first.next_max_id))
        assert [p.pk for p in last.items] == [posts[2].pk, posts[1].pk, posts[0].pk]
        assert last.next_max_id is None

    @pytest.mark.parametrize("size", [1, 12])
    @pytest.mark.parametrize("files", [False, True])
    def test_constant_query_count(self, employee, colleague, make_post, django_assert_num_queries, size, files):  # noqa: PLR0917 - pytest fixtures
        for i in range(size):
            post = make_post(employee, f"Post {i} avec #tag", attachments=[image_upload()] if files else [])
            services.comment_create(actor=colleague, post=post, body="a")
            services.comment_create(actor=colleague, post=post, body="b")
            services.comment_create(actor=colleague, post=post, body="c")
            services.reaction_add(actor=employee, post=post, emoji="👍")
        # the followed tags, the page's posts, announcement ids, comments, my reactions; the files
        # only when a post of the page has some (``Post.attachment_count``)
        with django_assert_num_queries(6 if files else 5):
            _pinned, page = selectors.feed_home(actor=employee, cursor=Cursor())
            assert all(len(p.preview_comments) == 2 for p in page.items)
            assert all(p.my_reactions == {"👍"} for p in page.items)
            assert all(len(p.images) == (1 if files else 0) for p in page.items)

    def test_an_announcement_off_the_page_costs_one_query_more(
        self, employee, colleague, network_admin, make_post, django_assert_num_queries
    ):
        announcement = make_post(colleague, "Annonce")
        services.announcement_set(actor=network_admin, post=announcement, expires_at=timezone.now() + timedelta(days=1))
        for i in range(6):
            make_post(employee, f"Post {i}")
        # the followed tags, the page's posts, announcement ids, the announcement by id (it is
        # older than the page), the ids of must-read announcements (``mustread.cards``, then cached)
        with django_assert_num_queries(5):
            pinned, page = selectors.feed_home(actor=employee, cursor=Cursor(limit=3))
        assert pinned == [announcement]
        assert announcement not in page.items
        assert len(page.items) == 3

    def test_reads_newer_pages_with_min_id_and_since_id(self, employee, make_post):
        posts = [make_post(employee, f"n°{i}") for i in range(5)]
        _pinned, up = selectors.feed_home(actor=employee, cursor=Cursor(limit=2, min_id=posts[1].pk))
        assert [p.pk for p in up.items] == [posts[3].pk, posts[2].pk]
        _pinned, since = selectors.feed_home(actor=employee, cursor=Cursor(limit=2, since_id=posts[1].pk))
        assert [p.pk for p in since.items] == [posts[4].pk, posts[3].pk]


class TestOtherFeeds:
    def test_company_feed_has_company_posts_only(self, employee, follower, member, public_space, join, make_post):  # noqa: PLR0917 - pytest fixtures
        join(member, public_space)
        company = make_post(employee, "Tout le monde")
        make_post(employee, "Abonnés", visibility=Visibility.FOLLOWERS)
        make_post(member, "Espace", space=public_space)
        page = selectors.feed_company(actor=follower, cursor=Cursor())
        assert page.items == [company]

    def test_guest_company_feed_is_empty(self, employee, guest, make_post):
        make_post(employee)
        assert selectors.feed_company(actor=guest, cursor=Cursor()).items == []

    def test_tag_feed_is_visibility_filtered(self, employee, colleague, make_post):
        public = make_post(employee, "#velo pour tous")
        make_post(employee, "#velo secret @eloise.dupre", visibility=Visibility.MENTIONED)
        tag = selectors.tag_get_for(actor=colleague, name="#Vélo")
        assert len(selectors.feed_tag(actor=colleague, tag=tag, cursor=Cursor()).items) == 2
        stranger = UserFactory()
        assert selectors.feed_tag(actor=stranger, tag=tag, cursor=Cursor()).items == [public]

    def test_profile_feed(self, employee, colleague, make_post):
        post = make_post(employee)
        make_post(colleague)
        assert selectors.feed_profile(actor=colleague, person=employee, cursor=Cursor()).items == [post]

    @pytest.mark.parametrize("feed", ["company", "tag", "profile"])
    def test_constant_query_count(self, employee, colleague, make_post, django_assert_num_queries, feed):
        for i in range(8):
            post = make_post(employee, f"Post {i} #tag", attachments=[image_upload()] if i % 2 else [])
            services.comment_create(actor=colleague, post=post, body="a")
            services.reaction_add(actor=colleague, post=post, emoji="👍")
        tag = selectors.tag_get_for(actor=colleague, name="tag")
        # posts, attachments, comments, my reactions
        with django_assert_num_queries(4):
            if feed == "company":
                selectors.feed_company(actor=colleague, cursor=Cursor())
            elif feed == "tag":
                selectors.feed_tag(actor=colleague, tag=tag, cursor=Cursor())
            else:
                selectors.feed_profile(actor=colleague, person=employee, cursor=Cursor())


class TestThreadsAndSuggestions:
    def test_threads_are_two_levels(self, employee, colleague, make_post):
        post = make_post(employee)
        top = services.comment_create(actor=colleague, post=post, body="Top")
        services.comment_create(actor=employee, post=post, body="Reply", parent=top)
        threads = selectors.comment_threads_for(actor=colleague, post=post)
        assert [t.comment.body for t in threads] == ["Top"]
        assert [r.body for r in threads[0].replies] == ["Reply"]

    def test_mentions_match_accent_insensitive_prefix_of_names(self, employee, colleague, guest):
        found = selectors.mention_suggestions_for(actor=employee, query="@elo")
        assert [p.user for p in found] == [colleague]
        assert [p.user for p in selectors.mention_suggestions_for(actor=employee, query="dup")] == [colleague]
        assert selectors.mention_suggestions_for(actor=guest, query="elo") == []

    def test_tag_suggestions(self, employee, make_post):
        make_post(employee, "#Vélo #vendredi #autre")
        assert [t.folded for t in selectors.tag_suggestions_for(actor=employee, query="#ve")] == ["velo", "vendredi"]

    def test_tag_suggestions_look_at_a_tags_newest_posts_a_tag_page_at_all(
        self, employee, colleague, secret_space, join, make_post
    ):
        """Bounded work per key typed: a name whose newest posts are all in a space the reader may not
        read is not suggested, though an older post of it resolves its page."""
        make_post(employee, "#Atlas en public")
        join(colleague, secret_space)
        for n in range(selectors.TAG_RECENT_POSTS):
            make_post(colleague, f"#Atlas n°{n}", space=secret_space)
        assert selectors.tag_suggestions_for(actor=employee, query="atl") == []
        assert selectors.tag_get_for(actor=employee, name="atlas").name == "Atlas"
        assert [t.name for t in selectors.tag_suggestions_for(actor=colleague, query="atl")] == ["Atlas"]


class TestReactors:
    @pytest.fixture
    def crowd(self, db):
        """Eleven people, in the order they react."""
        return [UserFactory(handle=f"fan.{n:02d}") for n in range(REACTORS_SHOWN + 3)]

    def test_the_summary_has_every_reaction_with_its_count_mine_and_the_latest_people(
        self, employee, colleague, crowd, make_post, django_assert_num_queries
    ):
        post = make_post(employee)
        for person in crowd:
            services.reaction_add(actor=person, post=post, emoji="🎉")
        services.reaction_add(actor=colleague, post=post, emoji="🙏")
        services.reaction_add(actor=employee, post=post, emoji="🙏")
        with django_assert_num_queries(2):  # the latest people of each reaction; mine
            summary = selectors.reaction_summary_for(actor=employee, post=post)
        assert [(g.emoji, g.count, g.me) for g in summary] == [
            ("👍", 0, False),
            ("❤️", 0, False),
            ("🎉", len(crowd), False),
            ("😄", 0, False),
            ("😮", 0, False),
            ("🙏", 2, True),
        ]
        tada, pray = summary[2], summary[5]
        assert tada.people == list(reversed(crowd))[:REACTORS_SHOWN], "the latest first, no more than shown"
        assert tada.more
        assert not pray.more
        assert pray.people == [employee, colleague]

    def test_everyone_who_reacted_comes_page_by_page_latest_first(self, employee, crowd, make_post):
        post = make_post(employee)
        for person in crowd:
            services.reaction_add(actor=person, post=post, emoji="🎉")
        services.reaction_add(actor=employee, post=post, emoji="👍")
        first = selectors.reactors_for(actor=employee, post=post, emoji="🎉", cursor=Cursor(limit=8))
        assert first.items == list(reversed(crowd))[:8]
        assert first.has_more
        rest = selectors.reactors_for(
            actor=employee, post=post, emoji="🎉", cursor=Cursor(max_id=first.next_max_id, limit=8)
        )
        assert rest.items == list(reversed(crowd))[8:]
        assert not rest.has_more

    def test_an_emoji_outside_the_set_is_refused_with_the_choices(self, employee, make_post):
        post = make_post(employee)
        with pytest.raises(ValidationError, match="👍"):
            selectors.reactors_for(actor=employee, post=post, emoji="💩", cursor=Cursor())

    def test_reactions_are_seen_only_with_their_post(self, employee, colleague, make_post):
        post = make_post(employee, visibility=Visibility.FOLLOWERS)
        services.reaction_add(actor=employee, post=post, emoji="👍")
        with pytest.raises(Http404):
            selectors.reaction_summary_for(actor=colleague, post=post)
        with pytest.raises(Http404):
            selectors.reactors_for(actor=colleague, post=post, emoji="👍", cursor=Cursor())
