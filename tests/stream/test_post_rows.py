"""stream.post_rows: feed posts read by hand-written SQL equal the ORM's select_related form."""

from __future__ import annotations

import pytest
from django.db.models import Q

from essaim.core.pagination import Cursor, apply_cursor, page_from_rows
from essaim.people.models import Profile
from essaim.spaces.models import Space, SpacePin
from essaim.stream.models import HomeEntry, Post, PostTag, Tag, TagFollow, Visibility
from essaim.stream.post_rows import followed_tag_ids, home_page, posts_by_id, space_page

# A first page, each direction of Mastodon's cursor, and everything at once.
EVERY_CURSOR = pytest.mark.parametrize(
    "cursor_of",
    [
        lambda ids: Cursor(limit=3),
        lambda ids: Cursor(limit=2, max_id=ids[3]),
        lambda ids: Cursor(limit=2, since_id=ids[1]),
        lambda ids: Cursor(limit=2, min_id=ids[1]),
        lambda ids: Cursor(limit=40),
    ],
    ids=["first", "max_id", "since_id", "min_id", "all"],
)


def _orm(ids: list[int]) -> dict[int, Post]:
    return {p.pk: p for p in Post.objects.select_related("author__profile", "space").filter(pk__in=ids)}


def _same(built: Post, orm: Post) -> None:
    for model_field in Post._meta.concrete_fields:
        assert getattr(built, model_field.attname) == getattr(orm, model_field.attname), model_field.name
    assert built.author == orm.author
    assert built.author.get_full_name() == orm.author.get_full_name()
    assert built.author.profile == orm.author.profile
    assert built.author.profile.photo == orm.author.profile.photo
    assert built.author.profile.job_title == orm.author.profile.job_title
    assert built.space == orm.space
    if orm.space is not None:
        assert (built.space.name, built.space.visibility, built.space.slug) == (
            orm.space.name,
            orm.space.visibility,
            orm.space.slug,
        )


class TestPostsById:
    def test_equal_to_the_orms_form_in_and_out_of_spaces(self, employee, member, public_space, join, make_post):
        join(member, public_space)
        posts = [make_post(employee, "Pour tous #vélo"), make_post(member, "Dans l'espace", space=public_space)]
        ids = [p.pk for p in posts]
        built, orm = posts_by_id(ids), _orm(ids)
        assert built.keys() == orm.keys()
        for pk in ids:
            _same(built[pk], orm[pk])

    def test_relations_are_loaded_with_the_posts(self, employee, make_post, django_assert_num_queries):
        post = make_post(employee, "Salut")
        with django_assert_num_queries(1):
            (loaded,) = posts_by_id([post.pk]).values()
            assert loaded.author.profile.job_title == employee.profile.job_title
            assert loaded.space is None

    def test_an_author_without_a_profile_raises_as_with_the_orm(self, employee, make_post):
        post = make_post(employee, "Salut")
        Profile.objects.filter(user=employee).delete()
        (loaded,) = posts_by_id([post.pk]).values()
        with pytest.raises(Profile.DoesNotExist):
            _ = loaded.author.profile

    def test_missing_ids_are_left_out_and_no_ids_cost_no_query(self, employee, make_post, django_assert_num_queries):
        post = make_post(employee, "Salut")
        assert list(posts_by_id([post.pk, post.pk + 1])) == [post.pk]
        with django_assert_num_queries(0):
            assert posts_by_id([]) == {}


def _timeline(owner_id: int, cursor: Cursor) -> list[Post]:
    return home_page(owner_id=owner_id, tag_ids=[], cursor=cursor)


class TestHomePageFromTheTimeline:
    @EVERY_CURSOR
    def test_the_same_rows_as_the_timelines_cursor(self, employee, colleague, make_post, cursor_of):
        ids = [make_post(employee if i % 2 else colleague, f"n°{i}").pk for i in range(6)]
        cursor = cursor_of(ids)
        entries = apply_cursor(HomeEntry.objects.filter(owner_id=employee.pk), cursor, field="post_id")
        expected = list(entries.values_list("post_id", flat=True))
        rows = _timeline(employee.pk, cursor)
        assert [p.pk for p in rows] == expected
        orm = _orm(expected)
        for post in rows:
            _same(post, orm[post.pk])

    def test_pages_like_page_from_rows_expects(self, employee, make_post):
        ids = [make_post(employee, f"n°{i}").pk for i in range(5)]
        page = page_from_rows(_timeline(employee.pk, Cursor(limit=2)), Cursor(limit=2))
        assert [p.pk for p in page.items] == [ids[4], ids[3]]
        assert page.next_max_id == ids[3]

    def test_only_the_owners_timeline(self, employee, colleague, make_post):
        make_post(colleague, "Pour mes abonnés", visibility=Visibility.FOLLOWERS)  # employee does not follow
        mine = make_post(employee, "À moi")
        assert mine.pk in [p.pk for p in _timeline(employee.pk, Cursor())]
        assert _timeline(10**12, Cursor()) == []

    def test_one_query(self, employee, make_post, django_assert_num_queries):
        for i in range(4):
            make_post(employee, f"n°{i}")
        with django_assert_num_queries(1):
            rows = _timeline(employee.pk, Cursor())
            assert all(p.author.profile is not None for p in rows)


class TestHomePageWithFollowedTags:
    """The timeline merged with the followed tags' posts that delivery would have given a follower."""

    @pytest.fixture
    def feed(self, employee, colleague, member, public_space, private_space, join, make_post):  # noqa: PLR0917 - pytest fixtures
        """``employee`` follows #velo and #rando; posts of every kind carry them, interleaved with
        ``employee``'s own (which are in their timeline). Returns the ids a tag brings, oldest first."""
        join(member, public_space)
        join(member, private_space)
        for name in ("velo", "rando"):
            TagFollow.objects.create(user=employee, tag=Tag.objects.create(name=name, folded=name))
        brought = []
        for i in range(3):
            make_post(employee, f"À moi n°{i}")
            brought.append(make_post(colleague, f"#velo pour tous n°{i}").pk)
            brought.append(make_post(member, f"#rando dans l'espace public n°{i}", space=public_space).pk)
            make_post(colleague, f"#velo pour mes abonnés n°{i}", visibility=Visibility.FOLLOWERS)
            make_post(colleague, f"#velo pour @mael.membre n°{i}", visibility=Visibility.MENTIONED)
            make_post(member, f"#rando dans l'espace privé n°{i}", space=private_space)
            make_post(colleague, f"#cuisine n°{i}")
        brought.append(make_post(employee, "#velo #rando à moi et taguée").pk)  # in both sources: once
        hidden = make_post(colleague, "#velo masquée")
        Post.objects.filter(pk=hidden.pk).update(hidden_at=hidden.created_at)
        return brought

    @EVERY_CURSOR
    def test_the_timelines_and_the_tags_rows_merged(self, employee, feed, cursor_of):
        tag_ids = followed_tag_ids(employee.pk)
        assert len(tag_ids) == 2
        brought = PostTag.objects.filter(post_id__in=feed).values("post_id")
        in_timeline = HomeEntry.objects.filter(owner_id=employee.pk).values("post_id")
        everything = Post.objects.filter(Q(pk__in=brought) | Q(pk__in=in_timeline))
        ids = sorted(everything.values_list("pk", flat=True))
        cursor = cursor_of(ids)
        expected = list(apply_cursor(everything, cursor).values_list("pk", flat=True))
        rows = home_page(owner_id=employee.pk, tag_ids=tag_ids, cursor=cursor)
        assert [p.pk for p in rows] == expected
        orm = _orm(expected)
        for post in rows:
            _same(post, orm[post.pk])

    def test_a_tag_brings_nothing_it_should_not(self, employee, feed):
        rows = home_page(owner_id=employee.pk, tag_ids=followed_tag_ids(employee.pk), cursor=Cursor(limit=100))
        mine = set(HomeEntry.objects.filter(owner_id=employee.pk).values_list("post_id", flat=True))
        assert {p.pk for p in rows} - mine == set(feed) - mine
        assert len(rows) == len({p.pk for p in rows})

    def test_one_query(self, employee, feed, django_assert_num_queries):
        tag_ids = followed_tag_ids(employee.pk)
        with django_assert_num_queries(1):
            rows = home_page(owner_id=employee.pk, tag_ids=tag_ids, cursor=Cursor())
            assert all(p.author.profile is not None for p in rows)


class TestSpacePage:
    @EVERY_CURSOR
    def test_the_orms_rows_without_the_pinned(self, member, public_space, join, make_post, cursor_of):
        elsewhere = Space.objects.create(name="Ailleurs", slug="ailleurs", visibility=Space.Visibility.PUBLIC)
        join(member, public_space)
        join(member, elsewhere)
        ids = [make_post(member, f"n°{i}", space=public_space).pk for i in range(7)]
        make_post(member, "Ailleurs", space=elsewhere)
        make_post(member, "Hors des espaces")
        SpacePin.objects.create(space=public_space, post_id=ids[2], pinned_by=member)
        cursor = cursor_of(ids)
        posts = Post.objects.filter(space=public_space).exclude(pk__in=[ids[2]])
        expected = list(apply_cursor(posts, cursor).values_list("pk", flat=True))
        rows = space_page(space_ids=[public_space.pk], cursor=cursor)
        assert [p.pk for p in rows] == expected
        orm = _orm(expected)
        for post in rows:
            _same(post, orm[post.pk])

    @EVERY_CURSOR
    def test_with_sub_spaces_the_orms_rows_merged(self, member, public_space, join, make_post, cursor_of):
        children = [Space.objects.create(name=f"Enfant {n}", slug=f"enfant-{n}", parent=public_space) for n in range(2)]
        elsewhere = Space.objects.create(name="Ailleurs", slug="ailleurs", visibility=Space.Visibility.PUBLIC)
        for space in (public_space, *children, elsewhere):
            join(member, space)
        ids = [make_post(member, f"n°{i}", space=[public_space, *children][i % 3]).pk for i in range(9)]
        make_post(member, "Ailleurs", space=elsewhere)
        SpacePin.objects.create(space=public_space, post_id=ids[3], pinned_by=member)
        SpacePin.objects.create(space=children[0], post_id=ids[1], pinned_by=member)  # pinned in the child only
        cursor = cursor_of(ids)
        space_ids = [public_space.pk, *(c.pk for c in children)]
        posts = Post.objects.filter(space_id__in=space_ids).exclude(pk=ids[3])
        expected = list(apply_cursor(posts, cursor).values_list("pk", flat=True))
        rows = space_page(space_ids=space_ids, cursor=cursor)
        assert [p.pk for p in rows] == expected
        orm = _orm(expected)
        for post in rows:
            _same(post, orm[post.pk])

    def test_one_query(self, member, public_space, join, make_post, django_assert_num_queries):
        join(member, public_space)
        for i in range(4):
            make_post(member, f"n°{i}", space=public_space)
        with django_assert_num_queries(1):
            rows = space_page(space_ids=[public_space.pk], cursor=Cursor())
            assert [p.space.slug for p in rows] == [public_space.slug] * 4
            assert all(p.author.profile is not None for p in rows)


def test_an_author_and_a_space_met_twice_are_one_instance(employee, member, public_space, join, make_post):
    join(member, public_space)
    posts = [make_post(member, f"n°{i}", space=public_space) for i in range(3)]
    loaded = list(posts_by_id([p.pk for p in posts]).values())
    assert len({id(p.author) for p in loaded}) == 1
    assert len({id(p.space) for p in loaded}) == 1
    assert loaded[0].author.profile is loaded[1].author.profile
