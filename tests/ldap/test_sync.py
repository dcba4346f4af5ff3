"""The sync against a real OpenLDAP (``server.py``): everyone the people's filter finds gets an account and a
profile from their entry, managers by DN, departments from groups (and so the spaces of the automatic
membership rules), deactivation of those who left (sessions and tokens revoked, what they wrote kept), and
retries sooner than the period while the server is down."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from essaim.accounts.models import User
from essaim.api.models import PersonalToken
from essaim.api.services import personal_token_create
from essaim.audit.models import AuditAction, AuditEntry
from essaim.core import schedule
from essaim.ldap import services
from essaim.ldap.models import LdapDirectory, LdapIdentity
from essaim.people.models import Department, Profile, Site
from essaim.spaces import services as spaces_services
from essaim.spaces.models import Membership
from essaim.stream.models import Post
from essaim.stream.services import post_create
from tests.accounts.factories import AdminFactory, UserFactory
from tests.ldap import server
from tests.ldap.server import Slapd
from tests.spaces.factories import SpaceFactory

pytestmark = pytest.mark.django_db


def _sync() -> services.sync.Summary:
    summary = services.directory_sync(force=True)
    assert summary is not None
    return summary


def _user(index: int) -> User:
    return User.objects.select_related("profile__department", "profile__manager", "profile__site").get(
        email=server.email(index)
    )


class TestAWholeDirectory:
    """A few hundred people, as a small company's directory; read in pages (the server answers 100 at most)."""

    @pytest.fixture
    def slapd_people(self) -> int:
        return server.PEOPLE

    def test_everyone_in_the_directory_gets_an_account_and_a_profile(
        self, directory: LdapDirectory, slapd: Slapd
    ) -> None:
        Site.objects.create(name="Nantes")
        summary = _sync()
        assert (summary.found, summary.created, summary.skipped, summary.deactivated) == (
            slapd.people,
            slapd.people,
            0,
            0,
        )
        assert User.objects.filter(email__endswith="@atelier.test", is_active=True).count() == slapd.people
        jules = _user(5)  # a head of department, in Nantes
        profile = jules.profile
        assert (jules.first_name, jules.last_name) == ("Jules", "Martin")
        assert profile.job_title == "Responsable"
        assert profile.department is not None
        assert profile.department.name == "Ventes"
        assert profile.site is not None
        assert profile.site.name == "Nantes"
        assert profile.phone == "+33 1 40 00 0005"
        assert LdapIdentity.objects.get(user=jules).dn == server.dn(5)
        directory.refresh_from_db()
        assert directory.last_sync_ok is True
        assert directory.failures == 0
        assert directory.last_sync_summary["found"] == slapd.people


class TestPeopleAndProfiles:
    def test_accounts_are_written_by_the_directory_as_its_own_actor(self, directory: LdapDirectory) -> None:
        _sync()
        entry = AuditEntry.objects.filter(action=AuditAction.USER_PROVISIONED, target_id=str(_user(7).pk)).get()
        assert entry.actor_id is None
        assert entry.actor_name == f"LDAP: {directory.server_uri}"

    def test_photos_come_from_jpeg_photo_and_change_only_when_the_entry_does(
        self, directory: LdapDirectory, slapd: Slapd
    ) -> None:
        _sync()
        boss = _user(1).profile
        assert boss.photo
        assert not _user(30).profile.photo
        first = boss.photo.name
        _sync()
        assert Profile.objects.get(pk=boss.pk).photo.name == first  # the same photo: not written again
        slapd.modify(server.dn(1), jpegPhoto=[server.photo(99)])
        _sync()
        assert Profile.objects.get(pk=boss.pk).photo.name != first
        slapd.modify(server.dn(1), jpegPhoto=[])
        _sync()
        assert not Profile.objects.get(pk=boss.pk).photo

    def test_an_existing_account_with_the_address_is_linked_not_duplicated(self, directory: LdapDirectory) -> None:
        existing = UserFactory(email=server.email(12), first_name="Old", last_name="Name")
        _sync()
        existing.refresh_from_db()
        assert User.objects.filter(email=server.email(12)).count() == 1
        assert LdapIdentity.objects.get(user=existing).dn == server.dn(12)
        assert existing.first_name != "Old"

    def test_a_renamed_entry_renames_the_account(self, directory: LdapDirectory, slapd: Slapd) -> None:
        _sync()
        slapd.modify(server.dn(20), sn=["Lefèvre"], mail=["p0020.new@atelier.test"])
        _sync()
        identity = LdapIdentity.objects.select_related("user").get(dn_folded=server.dn(20).lower())
        assert (identity.user.last_name, identity.user.email) == ("Lefèvre", "p0020.new@atelier.test")

    def test_an_entry_that_moves_keeps_its_account(self, directory: LdapDirectory, slapd: Slapd) -> None:
        _sync()
        user = _user(21)
        slapd.admin().rename_s(server.dn(21), "uid=p0021-moved")
        summary = _sync()
        assert summary.deactivated == 0
        assert _user(21) == user
        assert _user(21).is_active
        assert LdapIdentity.objects.get(user=user).dn == f"uid=p0021-moved,{server.PEOPLE_BASE}"

    def test_an_unreadable_filter_result_deactivates_nobody(self, directory: LdapDirectory) -> None:
        _sync()
        LdapDirectory.objects.filter(pk=1).update(user_filter="(objectClass=nobodyHasThis)")
        summary = _sync()
        assert summary.error == "empty"
        assert User.objects.filter(email__endswith="@atelier.test", is_active=False).count() == 0


class TestManagers:
    def test_managers_come_from_the_manager_dn(self, directory: LdapDirectory, slapd: Slapd) -> None:
        _sync()
        assert _user(1).profile.manager is None
        assert _user(5).profile.manager == _user(1)
        engineer = next(i for i in range(12, slapd.people) if server.department_of(i) == "Ingénierie")
        assert _user(engineer).profile.manager == _user(server.head_of("Ingénierie"))
        with_manager = Profile.objects.filter(user__email__endswith="@atelier.test", manager__isnull=False).count()
        assert with_manager == slapd.people - 1

    def test_a_new_manager_dn_moves_the_person(self, directory: LdapDirectory, slapd: Slapd) -> None:
        _sync()
        slapd.modify(server.dn(40), manager=[server.dn(3)])
        _sync()
        assert _user(40).profile.manager == _user(3)

    def test_a_manager_outside_the_directory_is_no_manager(self, directory: LdapDirectory, slapd: Slapd) -> None:
        _sync()
        slapd.modify(server.dn(40), manager=["uid=ghost,ou=people,dc=atelier,dc=test"])
        _sync()
        assert _user(40).profile.manager is None


class TestGroups:
    def test_a_group_named_like_a_department_puts_its_members_in_it(
        self, directory: LdapDirectory, slapd: Slapd
    ) -> None:
        slapd.modify(server.dn(30), departmentNumber=[])
        _sync()
        assert _user(30).profile.department == Department.objects.get(name=server.department_of(30))

    def test_the_automatic_membership_rules_follow_the_department(self, directory: LdapDirectory, slapd: Slapd) -> None:
        engineering = Department.objects.create(name="Ingénierie")
        space = SpaceFactory(name="Ingénierie")
        spaces_services.rule_create(actor=AdminFactory(), space=space, department_id=engineering.pk)
        _sync()
        engineers = [i for i in range(1, slapd.people + 1) if server.department_of(i) == "Ingénierie"]
        members = set(Membership.objects.filter(space=space).values_list("user__email", flat=True))
        assert {server.email(i) for i in engineers} <= members
        assert server.email(1) not in members
        mover = engineers[-1]
        slapd.modify(server.dn(mover), departmentNumber=["Finance"])
        slapd.modify(server.group_dn("Ingénierie"), member=[server.dn(i) for i in engineers if i != mover])
        _sync()
        assert not Membership.objects.filter(space=space, user=_user(mover)).exists()


class TestDeprovisioning:
    def test_someone_who_leaves_is_deactivated_signed_out_and_keeps_what_they_wrote(
        self, directory: LdapDirectory, slapd: Slapd
    ) -> None:
        _sync()
        leaver = _user(35)
        post = post_create(actor=leaver, body="Mon dernier rapport")
        personal_token_create(actor=leaver, name="script")
        slapd.delete(server.dn(35))
        summary = _sync()
        assert summary.deactivated == 1
        leaver.refresh_from_db()
        assert not leaver.is_active
        assert leaver.credentials_revoked_at is not None  # every session ends with it
        assert not PersonalToken.objects.filter(user=leaver, revoked_at=None).exists()
        assert Post.objects.filter(pk=post.pk).exists()
        assert AuditEntry.objects.filter(action=AuditAction.USER_DEACTIVATED, target_id=str(leaver.pk)).exists()
        assert LdapIdentity.objects.get(user=leaver).deprovisioned_at is not None
        assert _sync().deactivated == 0  # once

    def test_someone_who_comes_back_is_reactivated(self, directory: LdapDirectory, slapd: Slapd) -> None:
        _sync()
        slapd.delete(server.dn(35))
        _sync()
        slapd.add_person(35)
        _sync()
        assert _user(35).is_active
        assert LdapIdentity.objects.get(user=_user(35)).deprovisioned_at is None

    def test_with_deprovisioning_off_nobody_is_deactivated(self, directory: LdapDirectory, slapd: Slapd) -> None:
        _sync()
        LdapDirectory.objects.filter(pk=1).update(deprovision=False)
        slapd.delete(server.dn(35))
        _sync()
        assert _user(35).is_active

    def test_people_the_directory_never_knew_are_left_alone(self, directory: LdapDirectory, slapd: Slapd) -> None:
        local = UserFactory()
        _sync()
        slapd.delete(server.dn(35))
        _sync()
        local.refresh_from_db()
        assert local.is_active


class TestRetries:
    def test_a_server_down_is_said_and_tried_again_sooner_each_time(
        self, directory: LdapDirectory, slapd: Slapd
    ) -> None:
        _sync()
        slapd.stop()
        before = timezone.now()
        summary = _sync()
        assert summary.error == "unreachable"
        directory.refresh_from_db()
        assert directory.last_sync_ok is False
        assert directory.failures == 1
        assert directory.next_sync_at is not None
        assert before + timedelta(seconds=50) < directory.next_sync_at < before + timedelta(minutes=2)
        assert User.objects.filter(email__endswith="@atelier.test", is_active=False).count() == 0  # nobody deactivated
        _sync()
        directory.refresh_from_db()
        assert directory.failures == 2
        assert directory.next_sync_at > timezone.now() + timedelta(seconds=110)  # two minutes after the second
        assert services.directory_sync() is None  # not due yet
        slapd.start()
        LdapDirectory.objects.filter(pk=1).update(next_sync_at=timezone.now() - timedelta(seconds=1))  # time passed
        summary_after = services.directory_sync()
        assert summary_after is not None
        assert not summary_after.error
        directory.refresh_from_db()
        assert directory.failures == 0
        assert directory.last_sync_ok is True
        assert directory.next_sync_at > timezone.now() + timedelta(minutes=59)

    def test_the_retry_delay_doubles_up_to_the_period(self) -> None:
        directory = LdapDirectory(sync_every_minutes=10)
        delays = []
        for failures in range(1, 7):
            directory.failures = failures
            delays.append(services.retry_delay(directory))
        assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8, 10, 10)]

    def test_the_workers_scheduler_queues_the_sync_when_it_is_due(self, directory: LdapDirectory, slapd: Slapd) -> None:
        job = schedule.jobs()["ldap.sync"]
        token = schedule.claim(job, now=timezone.now())
        assert token is not None
        assert schedule.run_claimed(job, token)  # queued, and run at once by the tests' task backend
        assert job.run() is False  # done: not due again before its period
        assert User.objects.filter(email__endswith="@atelier.test").count() == slapd.people

    def test_a_disabled_directory_is_not_synced(self, directory: LdapDirectory) -> None:
        LdapDirectory.objects.filter(pk=1).update(enabled=False)
        assert services.directory_sync(force=True) is None
        assert not User.objects.filter(email__endswith="@atelier.test").exists()
