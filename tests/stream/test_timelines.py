"""Materialised home timelines: who gets a post, rebuilding after a follow, trimming to the cap."""

from __future__ import annotations

from essaim.people.models import Follow
from essaim.stream import timelines
from essaim.stream.models import HomeEntry, Visibility


def _owners(post):
    return set(HomeEntry.objects.filter(post=post).values_list("owner_id", flat=True))


def test_mentioned_only_post_goes_to_author_and_mentioned(employee, colleague, follower, make_post):
    post = make_post(employee, "Pour @eloise.dupre", visibility=Visibility.MENTIONED)
    assert _owners(post) == {employee.pk, colleague.pk}


def test_secret_space_post_goes_to_members_only(employee, member, secret_space, join, make_post):
    join(employee, secret_space)
    join(member, secret_space)
    post = make_post(employee, "Confidentiel", space=secret_space)
    assert _owners(post) == {employee.pk, member.pk}


def test_tag_followers_get_company_posts_with_the_tag(employee, colleague, make_post):
    from essaim.stream import services

    services.tag_follow(actor=colleague, tag=services.tag_get_or_create(name="velo"))
    post = make_post(employee, "#velo ce soir")
    assert colleague.pk in _owners(post)


def test_rebuild_backfills_after_a_follow_and_forgets_after_unfollow(employee, colleague, make_post):
    post = make_post(colleague, "Avant le suivi")
    Follow.objects.create(follower=employee, followed=colleague)
    timelines.rebuild(user=employee)
    assert HomeEntry.objects.filter(owner=employee, post=post).exists()
    Follow.objects.filter(follower=employee).delete()
    timelines.rebuild(user=employee)
    assert not HomeEntry.objects.filter(owner=employee, post=post).exists()


def test_trim_keeps_the_newest(employee, make_post):
    posts = [make_post(employee, f"n°{i}") for i in range(5)]
    assert timelines.trim(owner_id=employee.pk, keep=2) == 3
    assert set(HomeEntry.objects.filter(owner=employee).values_list("post_id", flat=True)) == {
        posts[4].pk,
        posts[3].pk,
    }


def test_delivering_a_deleted_post_does_nothing(db):
    assert timelines.deliver(post_id=123) == 0
    assert not HomeEntry.objects.exists()
