"""A newcomer's first steps: each step ticked from the real state, suggestions through ``access``, and the
home page's budget (nothing once closed, two queries while open)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from essaim.accounts.backends import signed_in_user
from essaim.accounts.models import User
from essaim.people import services
from essaim.people.first_steps import first_steps_for, people_suggestions_for, space_suggestions_for
from essaim.people.models import Follow
from essaim.spaces.models import AutoMembershipRule, Membership, Space
from essaim.spaces.services.memberships import membership_join
from essaim.stream import services as stream_services
from tests.accounts.factories import GuestFactory, UserFactory
from tests.people.factories import DepartmentFactory, image_upload, person
from tests.spaces.factories import MembershipFactory, SpaceFactory


def newcomer(**fields: object) -> User:
    """A person who just arrived (``accounts.user_create`` opens the steps), read as a request reads them."""
    user = person(**fields)
    user.profile.first_steps_open = True
    user.profile.save()
    found = signed_in_user(user.pk)
    assert found is not None
    return found


@pytest.fixture
def newbie(db: None) -> User:
    return newcomer(first_name="Nina", last_name="Nouvelle", handle="nina.nouvelle")


class TestState:
    PROFILE = {"job_title": "Comptable", "department": None, "site": None, "phone": "", "manager": None,
               "languages": "", "bio": ""}  # fmt: skip

    def test_everything_is_open_for_a_newcomer(self, newbie: User) -> None:
        steps = first_steps_for(actor=newbie)
        assert steps is not None
        assert steps.steps == {"photo": False, "profile": False, "spaces": False, "people": False, "mention": False}
        assert (steps.done, steps.total, steps.complete) == (0, 5, False)

    def test_each_step_is_ticked_by_what_the_person_did(self, newbie: User, colleague: User) -> None:
        services.profile_photo_set(actor=newbie, profile=newbie.profile, upload=image_upload())
        services.profile_update(actor=newbie, profile=newbie.profile, **self.PROFILE)
        steps = first_steps_for(actor=newbie)
        assert steps is not None
        assert steps.steps["photo"]
        assert not steps.steps["profile"]  # a job title alone is not enough: skills too
        services.profile_update(actor=newbie, profile=newbie.profile, **self.PROFILE, skills=["Fiscalité"])
        membership_join(actor=newbie, space=SpaceFactory())
        services.follow_create(actor=newbie, user=colleague)
        stream_services.post_create(actor=newbie, body=f"Bonjour @{colleague.handle} !")
        steps = first_steps_for(actor=newbie)
        assert steps is not None
        assert steps.complete

    def test_a_mention_in_a_comment_counts(self, newbie: User, colleague: User) -> None:
        post = stream_services.post_create(actor=colleague, body="Bienvenue")
        stream_services.comment_create(actor=newbie, post=post, body=f"Merci @{colleague.handle}")
        steps = first_steps_for(actor=newbie)
        assert steps is not None
        assert steps.steps["mention"]

    def test_spaces_joined_by_an_automatic_rule_do_not_count(self, newbie: User) -> None:
        space = SpaceFactory()
        rule = AutoMembershipRule.objects.create(space=space)
        Membership.objects.create(space=space, user=newbie, added_by_rule=rule)
        steps = first_steps_for(actor=newbie)
        assert steps is not None
        assert not steps.steps["spaces"]

    def test_guests_get_the_steps_they_can_take(self, db: None) -> None:
        guest = newcomer(kind=User.Kind.GUEST)
        steps = first_steps_for(actor=guest)
        assert steps is not None
        assert list(steps.steps) == ["photo", "profile", "mention"]
        assert (steps.spaces, steps.people) == ([], [])

    def test_closed_or_anonymous_costs_no_query(self, employee: User, django_assert_num_queries) -> None:
        reader = signed_in_user(employee.pk)
        with django_assert_num_queries(0):
            assert first_steps_for(actor=reader) is None
            assert first_steps_for(actor=AnonymousUser()) is None

    def test_open_costs_two_queries_at_most(self, newbie: User, django_assert_max_num_queries) -> None:
        SpaceFactory.create_batch(4)
        UserFactory.create_batch(4)
        with django_assert_max_num_queries(2):
            steps = first_steps_for(actor=newbie)
        assert steps is not None
        assert len(steps.spaces) == 3


class TestSuggestions:
    def test_spaces_the_person_may_join_the_most_joined_first(self, newbie: User, colleague: User) -> None:
        quiet = SpaceFactory(name="Calme")
        busy = SpaceFactory(name="Ruche")
        MembershipFactory.create_batch(3, space=busy)
        SpaceFactory(name="Secret", visibility=Space.Visibility.SECRET)
        SpaceFactory(name="Privé", visibility=Space.Visibility.PRIVATE)
        SpaceFactory(name="Archivé", archived_at="2026-01-01T00:00:00Z")
        joined = SpaceFactory(name="Déjà")
        membership_join(actor=newbie, space=joined)
        assert space_suggestions_for(actor=newbie) == [busy, quiet]

    def test_guests_get_no_space(self, db: None) -> None:
        guest = GuestFactory()
        SpaceFactory()
        assert space_suggestions_for(actor=guest) == []

    def test_people_close_to_the_person_then_the_most_followed(self, db: None) -> None:
        team = DepartmentFactory(name="Finance")
        boss = person(first_name="Bea", last_name="Boss")
        teammate = person(first_name="Tom", last_name="Team", department=team)
        star = person(first_name="Sam", last_name="Star")
        for _ in range(3):
            Follow.objects.create(follower=UserFactory(), followed=star)
        gone = person(first_name="Gus", last_name="Gone", is_active=False)
        me = newcomer(department=team, manager=boss)
        suggested = people_suggestions_for(actor=me, profile=me.profile)
        assert suggested[:2] in ([boss, teammate], [teammate, boss])
        assert suggested[2] == star
        assert gone not in suggested
        assert me not in suggested

    def test_spaces_come_first_then_people(self, newbie: User, colleague: User) -> None:
        space = SpaceFactory()
        steps = first_steps_for(actor=newbie)
        assert steps is not None
        assert (steps.spaces, steps.people) == ([space], [])
        membership_join(actor=newbie, space=space)
        steps = first_steps_for(actor=newbie)
        assert steps is not None
        assert (steps.spaces, steps.people) == ([], [colleague])


class TestClose:
    def test_closing_hides_the_steps_for_good(self, newbie: User) -> None:
        services.first_steps_close(actor=newbie, user=newbie)
        assert first_steps_for(actor=signed_in_user(newbie.pk)) is None

    def test_nobody_closes_someone_elses(self, newbie: User, colleague: User) -> None:
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            services.first_steps_close(actor=colleague, user=newbie)
        newbie.profile.refresh_from_db()
        assert newbie.profile.first_steps_open
