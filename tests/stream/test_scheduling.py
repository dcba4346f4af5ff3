"""Scheduled posts (``essaim/stream/scheduling.py``): kept, moved, cancelled by their author, published once by the
periodic job through ``post_create``, or failed with a reason when the author lost the right meanwhile."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection
from django.http import Http404
from django.utils import timezone

from essaim.accounts.models import User
from essaim.core import schedule
from essaim.core.ids import time_ordered_id
from essaim.notifications.models import Notification
from essaim.spaces.models import Membership, Space
from essaim.stream import scheduling, services
from essaim.stream.models import Attachment, Post, PostKind, ScheduledPost
from tests.databases import shared_by_threads
from tests.spaces.factories import MembershipFactory, SpaceFactory
from tests.stream.factories import image_upload

LATER = timedelta(hours=2)


def schedule_post(actor: User, body: str = "Bonne année !", **extra: Any) -> ScheduledPost:
    return scheduling.scheduled_post_create(actor=actor, scheduled_at=timezone.now() + LATER, body=body, **extra)


def publish_all() -> int:
    return scheduling.scheduled_posts_publish_due(now=timezone.now() + LATER + timedelta(seconds=1))


class TestCreate:
    def test_kept_as_given_and_nothing_published(self, employee: User) -> None:
        scheduled = schedule_post(employee, "  Bonne année !  ")
        assert scheduled.body == "Bonne année !"
        assert scheduled.state == ScheduledPost.State.SCHEDULED
        assert not Post.objects.exists()

    def test_less_than_five_minutes_ahead_is_refused(self, employee: User) -> None:
        with pytest.raises(ValidationError) as refused:
            scheduling.scheduled_post_create(
                actor=employee, scheduled_at=timezone.now() + timedelta(minutes=4), body="Trop tôt"
            )
        assert "5 minutes" in refused.value.message_dict["scheduled_at"][0]
        with pytest.raises(ValidationError):
            scheduling.scheduled_post_create(
                actor=employee, scheduled_at=timezone.now() + timedelta(days=400), body="Trop tard"
            )
        assert not ScheduledPost.objects.exists()

    def test_checked_as_a_post_is(self, employee: User) -> None:
        with pytest.raises(ValidationError):
            schedule_post(employee, "   ")
        with pytest.raises(ValidationError):
            schedule_post(employee, "Bonjour @personne")
        reader_space = SpaceFactory()
        MembershipFactory(space=reader_space, user=employee, role=Membership.Role.READER)
        with pytest.raises(PermissionDenied):
            schedule_post(employee, space=reader_space)
        assert not ScheduledPost.objects.exists()

    def test_its_files_are_reserved_and_not_purged(self, employee: User) -> None:
        upload = services.media_upload(actor=employee, upload=image_upload("voeux.jpg"))
        scheduled = schedule_post(employee, media=[upload])
        assert list(scheduled.attachments.all()) == [upload]
        Attachment.objects.filter(pk=upload.pk).update(id=time_ordered_id(at=timezone.now() - timedelta(days=3)))
        assert services.media_purge_unattached(older_than=timedelta(days=1)) == 0
        with pytest.raises(ValidationError):  # no longer a pending upload another post may take
            services.post_create(
                actor=employee, body="Ailleurs", media=list(Attachment.objects.filter(original_name="voeux.jpg"))
            )


class TestPublish:
    def test_published_at_its_time_through_post_create_with_its_files(
        self, employee: User, colleague: User, drain_outbox: Any
    ) -> None:
        upload = services.media_upload(actor=employee, upload=image_upload("voeux.jpg"))
        schedule_post(employee, "Bonne année @eloise.dupre", media=[upload])
        assert scheduling.scheduled_posts_publish_due() == 0  # not yet
        assert publish_all() == 1
        post = Post.objects.get()
        assert post.author == employee
        assert list(post.attachments.values_list("original_name", flat=True)) == ["voeux.jpg"]
        assert not ScheduledPost.objects.exists()
        assert Attachment.objects.get().scheduled_post_id is None
        drain_outbox()
        assert Notification.objects.filter(recipient=colleague, kind="mention").exists()

    def test_a_poll_is_published_as_a_poll(self, employee: User) -> None:
        schedule_post(
            employee,
            "Quel jour ?",
            kind=PostKind.POLL,
            kind_data={"options": ["Lundi", "Mardi"], "multiple": False, "hide_totals": False, "anonymous": True},
        )
        publish_all()
        assert Post.objects.get().kind == PostKind.POLL

    def test_published_only_once(self, employee: User) -> None:
        scheduled = schedule_post(employee)
        later = timezone.now() + LATER + timedelta(seconds=1)
        assert scheduling.scheduled_post_publish(scheduled_id=scheduled.pk, now=later) is not None
        assert scheduling.scheduled_post_publish(scheduled_id=scheduled.pk, now=later) is None
        assert Post.objects.count() == 1

    def test_the_space_pre_approval_applies_at_publication(self, employee: User) -> None:
        space = SpaceFactory(post_approval=Space.PostApproval.MEMBERS)
        MembershipFactory(space=space, user=employee)
        schedule_post(employee, space=space)
        publish_all()
        assert Post.objects.get().awaiting_approval

    def test_a_right_lost_meanwhile_fails_with_a_reason_and_nothing_is_posted(self, employee: User) -> None:
        space = SpaceFactory()
        membership = MembershipFactory(space=space, user=employee)
        upload = services.media_upload(actor=employee, upload=image_upload("voeux.jpg"))
        scheduled = schedule_post(employee, space=space, media=[upload])
        membership.role = Membership.Role.READER
        membership.save()
        assert publish_all() == 0
        scheduled.refresh_from_db()
        assert scheduled.state == ScheduledPost.State.FAILED
        assert scheduled.failure
        assert not Post.objects.exists()
        assert list(scheduled.attachments.all()) == [upload]  # kept for another try
        assert publish_all() == 0  # a failed one is not tried again by itself

    def test_the_reason_is_in_the_author_s_language(self, employee: User) -> None:
        employee.language = "fr"
        employee.save(update_fields=["language"])
        space = SpaceFactory(visibility=Space.Visibility.SECRET)
        membership = MembershipFactory(space=space, user=employee)
        scheduled = schedule_post(employee, space=space)
        membership.delete()
        publish_all()
        scheduled.refresh_from_db()
        assert scheduled.state == ScheduledPost.State.FAILED
        assert scheduled.failure  # the French text arrives with the merged catalogue


class TestChange:
    def test_rescheduling_a_failed_post_tries_it_again(self, employee: User) -> None:
        scheduled = schedule_post(employee)
        ScheduledPost.objects.filter(pk=scheduled.pk).update(state=ScheduledPost.State.FAILED, failure="Non")
        scheduled.refresh_from_db()
        scheduling.scheduled_post_reschedule(
            actor=employee, scheduled=scheduled, scheduled_at=timezone.now() + timedelta(hours=1)
        )
        scheduled.refresh_from_db()
        assert (scheduled.state, scheduled.failure) == (ScheduledPost.State.SCHEDULED, "")
        assert publish_all() == 1

    def test_only_the_author_changes_or_cancels_it(self, employee: User, colleague: User) -> None:
        scheduled = schedule_post(employee)
        with pytest.raises(Http404):
            scheduling.scheduled_post_cancel(actor=colleague, scheduled=scheduled)
        with pytest.raises(Http404):
            scheduling.scheduled_post_reschedule(actor=colleague, scheduled=scheduled, scheduled_at=timezone.now())
        with pytest.raises(Http404):
            scheduling.scheduled_post_get_for(actor=colleague, scheduled_id=scheduled.pk)
        assert scheduling.scheduled_post_list_for(actor=colleague) == []

    def test_cancelled_it_is_never_published_and_its_files_are_pending_again(self, employee: User) -> None:
        upload = services.media_upload(actor=employee, upload=image_upload("voeux.jpg"))
        scheduled = schedule_post(employee, media=[upload])
        scheduling.scheduled_post_cancel(actor=employee, scheduled=scheduled)
        assert publish_all() == 0
        assert not Post.objects.exists()
        assert Attachment.objects.get().scheduled_post_id is None

    def test_the_list_soonest_first_in_a_fixed_number_of_queries(
        self, employee: User, django_assert_num_queries: Any
    ) -> None:
        for hours in (3, 1, 2):
            scheduling.scheduled_post_create(
                actor=employee, scheduled_at=timezone.now() + timedelta(hours=hours), body=f"Dans {hours} h"
            )
        with django_assert_num_queries(2):
            found = scheduling.scheduled_post_list_for(actor=employee)
        assert [s.body for s in found] == ["Dans 1 h", "Dans 2 h", "Dans 3 h"]


def test_the_scheduler_runs_the_job(employee: User) -> None:
    schedule_post(employee)
    job = schedule.jobs()["stream.scheduled_posts"]
    ScheduledPost.objects.update(scheduled_at=timezone.now() - timedelta(seconds=1))
    token = schedule.claim(job, now=timezone.now())
    assert token is not None
    assert schedule.run_claimed(job, token)
    assert Post.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not shared_by_threads(), reason="an in-memory SQLite database answers a second writer 'locked'")
def test_two_workers_at_once_publish_it_once(employee: User) -> None:
    """Two threads (two connections) publish the same due posts at the same moment: each is published once (on
    PostgreSQL in CI; on SQLite with a file database)."""
    for n in range(4):
        schedule_post(employee, f"Message {n}")
    ScheduledPost.objects.update(scheduled_at=timezone.now() - timedelta(seconds=1))
    barrier, errors = threading.Barrier(2), []

    def worker() -> None:
        try:
            barrier.wait()
            scheduling.scheduled_posts_publish_due()
        except Exception as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Post.objects.count() == 4
    assert sorted(Post.objects.values_list("body", flat=True)) == [f"Message {n}" for n in range(4)]
    assert not ScheduledPost.objects.exists()
