from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from essaim.accounts.models import User
from essaim.people import selectors
from essaim.people.models import Follow, Profile, ProfileFieldValue, Skill
from essaim.people.selectors import Cursor, DirectoryFilters
from tests.accounts.factories import UserFactory
from tests.people.factories import DepartmentFactory, ProfileFieldFactory, SiteFactory, person

pytestmark = pytest.mark.django_db


def names(page: selectors.Page[Profile]) -> list[str]:
    return [p.user.get_full_name() for p in page.items]


class TestVisibility:
    def test_a_guest_sees_only_themselves(self, guest, employee):
        assert list(selectors.person_list_for(actor=guest)) == [guest]
        with pytest.raises(Http404):
            selectors.person_get_for(actor=guest, handle=employee.handle)
        assert selectors.person_get_for(actor=guest, handle=guest.handle) == guest

    def test_inactive_people_are_hidden_from_employees_but_not_from_admins(self, employee, network_admin):
        gone = UserFactory(is_active=False, handle="parti")
        assert gone not in selectors.person_list_for(actor=employee)
        with pytest.raises(Http404):
            selectors.person_get_for(actor=employee, handle="parti")
        assert selectors.person_get_for(actor=network_admin, handle="parti") == gone

    def test_inactive_people_are_not_in_the_directory(self, employee):
        UserFactory(is_active=False, last_name="Absent")
        page = selectors.directory_profiles_for(actor=employee, filters=DirectoryFilters())
        assert "Absent" not in " ".join(names(page))


class TestDirectorySearch:
    @pytest.mark.parametrize("query", ["eloise", "ÉLOÏSE", "dup", "Dupré", "eloise dup", "eloise.d", "élo"])
    def test_search_is_accent_insensitive_on_any_word_prefix(self, employee, colleague, query):
        page = selectors.directory_profiles_for(actor=employee, filters=DirectoryFilters(q=query))
        assert names(page) == ["Éloïse Dupré"]

    @pytest.mark.parametrize("query", ["@eloise.dupre", "eloise.dupre", "@eloise", "@ELOÏSE.D"])
    def test_search_finds_a_handle_with_or_without_its_at_sign(self, employee, colleague, query):
        page = selectors.directory_profiles_for(actor=employee, filters=DirectoryFilters(q=query))
        assert names(page) == ["Éloïse Dupré"]

    def test_search_does_not_match_the_middle_of_a_word(self, employee, colleague):
        page = selectors.directory_profiles_for(actor=employee, filters=DirectoryFilters(q="upre"))
        assert names(page) == []

    def test_filters_by_department_site_and_skill(self, employee):
        rd, sales = DepartmentFactory(name="R&D"), DepartmentFactory(name="Ventes")
        lyon = SiteFactory(name="Lyon")
        alice = person(first_name="Alice", last_name="A", department=rd, site=lyon)
        person(first_name="Bruno", last_name="B", department=sales, site=lyon)
        person(first_name="Chloé", last_name="C", department=rd)
        python = Skill.objects.create(name="Python", folded="python")
        alice.profile.skills.add(python)
        by = lambda **f: names(selectors.directory_profiles_for(actor=employee, filters=DirectoryFilters(**f)))  # noqa: E731
        assert by(department=rd.pk) == ["Alice A", "Chloé C"]
        assert by(site=lyon.pk) == ["Alice A", "Bruno B"]
        assert by(department=rd.pk, site=lyon.pk) == ["Alice A"]
        assert by(skill="PYTHON") == ["Alice A"]

    def test_people_are_sorted_by_last_then_first_name(self, employee):
        person(first_name="Zoé", last_name="Abadie")
        person(first_name="Anne", last_name="Écuyer")
        person(first_name="Bob", last_name="Abadie")
        page = selectors.directory_profiles_for(actor=employee, filters=DirectoryFilters(q="a"))
        assert names(page) == ["Bob Abadie", "Zoé Abadie", "Anne Écuyer"]


class TestPersonSuggestions:
    """The mention and people-picker suggestions: visible people, closest first."""

    def handles(self, actor: User, query: str) -> list[str]:
        return [p.user.handle for p in selectors.person_suggestions_for(actor=actor, query=query)]

    def test_the_exact_handle_comes_first_then_name_prefixes_then_other_words(self, employee):
        person(first_name="Marc", last_name="Zed", handle="marc.zed")
        person(first_name="Anne", last_name="Marceau", handle="anne.marceau")
        person(first_name="Bob", last_name="Marc", handle="marc")
        # "marc" is Bob's handle; Marc Zed's first name starts with it; Anne's last name does.
        assert self.handles(employee, "marc") == ["marc", "marc.zed", "anne.marceau"]
        assert self.handles(employee, "@marc") == ["marc", "marc.zed", "anne.marceau"]

    def test_colleagues_i_follow_or_share_a_space_with_come_before_the_rest(self, employee):
        from essaim.spaces.models import AutoMembershipRule
        from tests.spaces.factories import MembershipFactory, SpaceFactory

        stranger = person(first_name="Alain", last_name="Aubert", handle="alain.aubert")
        followed = person(first_name="Alice", last_name="Zola", handle="alice.zola")
        teammate = person(first_name="Alix", last_name="Yvon", handle="alix.yvon")
        Follow.objects.create(follower=employee, followed=followed)
        team = SpaceFactory(name="Projet Atlas")
        MembershipFactory(space=team, user=employee)
        MembershipFactory(space=team, user=teammate)
        everyone = SpaceFactory(name="Actualités")  # a company-wide space brings nobody closer
        AutoMembershipRule.objects.create(space=everyone)
        MembershipFactory(space=everyone, user=employee)
        MembershipFactory(space=everyone, user=stranger)
        assert self.handles(employee, "al") == ["alix.yvon", "alice.zola", "alain.aubert"]

    def test_closeness_ranks_within_the_name_prefix_group_not_above_it(self, employee):
        person(first_name="Paul", last_name="Zed", handle="paul.zed")
        followed = person(first_name="Anne", last_name="Paulin", handle="anne.paulin")
        Follow.objects.create(follower=employee, followed=followed)
        assert self.handles(employee, "paul") == ["paul.zed", "anne.paulin"]

    def test_an_e_mail_address_finds_its_owner(self, employee, colleague):
        colleague.email = "e.dupre@atelier.example"
        colleague.save()
        assert self.handles(employee, "e.dupre@atelier") == ["eloise.dupre"]
        assert self.handles(employee, "E.DUPRE@ATELIER.EXAMPLE") == ["eloise.dupre"]

    def test_only_active_people_the_actor_may_see(self, employee, colleague, guest):
        UserFactory(first_name="Éloi", last_name="Parti", handle="eloi.parti", is_active=False)
        assert self.handles(employee, "elo") == ["eloise.dupre"]
        assert self.handles(guest, "elo") == []
        assert self.handles(guest, "gaspard") == ["gaspard.extern"]

    def test_an_empty_query_suggests_nobody(self, employee, colleague):
        assert self.handles(employee, "") == []
        assert self.handles(employee, "@") == []

    def test_one_query(self, employee, colleague, django_assert_num_queries):
        with django_assert_num_queries(1):
            selectors.person_suggestions_for(actor=employee, query="elo")


class TestDirectoryPagination:
    def test_keyset_pages_cover_everyone_once_in_order(self, employee):
        for i in range(selectors.DIRECTORY_PAGE_SIZE * 2 + 3):
            person(first_name=f"P{i:03d}", last_name="Same")  # identical sort keys: the id breaks ties
        seen: list[int] = []
        cursor = None
        while True:
            page = selectors.directory_profiles_for(actor=employee, filters=DirectoryFilters(q="same"), cursor=cursor)
            seen += [p.pk for p in page.items]
            if page.next_cursor is None:
                break
            cursor = Cursor.decode(page.next_cursor)
        assert len(seen) == len(set(seen)) == selectors.DIRECTORY_PAGE_SIZE * 2 + 3
        assert seen == list(
            Profile.objects.filter(sort_key__startswith="same").order_by("sort_key", "id").values_list("pk", flat=True)
        )

    @pytest.mark.parametrize("raw", ["", "abc", "12", ":x", "x:12"])
    def test_a_malformed_cursor_means_the_first_page(self, raw):
        cursor = Cursor.decode(raw)
        assert cursor is None or cursor == Cursor(sort_key="", id=12)

    def test_cursor_round_trips(self):
        cursor = Cursor(sort_key="dupre eloise", id=42)
        assert Cursor.decode(cursor.encode()) == cursor

    def test_a_page_is_one_query(self, employee, colleague, django_assert_num_queries):
        with django_assert_num_queries(1):
            selectors.directory_profiles_for(actor=employee, filters=DirectoryFilters(q="dup", department=1))


def _bulk_people(count: int) -> None:
    users = User.objects.bulk_create(
        [
            User(email=f"p{i}@example.com", handle=f"p{i}", first_name=f"Prénom{i}", last_name=f"Nom{i % 997}")
            for i in range(count)
        ]
    )
    profiles = []
    for user in users:
        profile = Profile(user=user)
        profile.refresh_keys()
        profiles.append(profile)
    Profile.objects.bulk_create(profiles, batch_size=2000)


def _plan_of_directory_query(actor: User, filters: DirectoryFilters) -> str:
    with CaptureQueriesContext(connection) as captured:
        selectors.directory_profiles_for(actor=actor, filters=filters)
    sql = captured.captured_queries[-1]["sql"]
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


class TestDirectoryAtScale:
    def test_ten_thousand_people_one_query_per_page_walking_the_sort_index(
        self, employee, django_assert_max_num_queries
    ):
        _bulk_people(10_000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        with django_assert_max_num_queries(1):
            page = selectors.directory_profiles_for(actor=employee, filters=DirectoryFilters(q="nom12"))
        assert len(page.items) == selectors.DIRECTORY_PAGE_SIZE
        assert all(p.user.last_name.startswith("Nom12") for p in page.items)
        with django_assert_max_num_queries(1):
            page = selectors.directory_profiles_for(
                actor=employee, filters=DirectoryFilters(), cursor=Cursor.decode(page.next_cursor)
            )
        assert len(page.items) == selectors.DIRECTORY_PAGE_SIZE
        # Browsing walks the sort index in order and stops after one page: no sort of 10,000 rows.
        plan = _plan_of_directory_query(employee, DirectoryFilters())
        if connection.vendor == "sqlite":
            assert "SCAN people_profile USING INDEX profile_sort" in plan
            assert "TEMP B-TREE" not in plan
        else:
            assert "Index Scan using profile_sort on people_profile" in plan
            assert "Sort Key" not in plan


class TestProfileDetails:
    def test_extra_fields_are_labelled_in_the_active_language_and_dates_formatted(self, employee):
        date = ProfileFieldFactory(label_fr="Date d'arrivée", label_en="Arrival date", kind="date", position=2)
        remote = ProfileFieldFactory(label_fr="Télétravail", label_en="Remote work", kind="text", position=1)
        ProfileFieldValue.objects.create(profile=employee.profile, field=date, value="2024-03-01")
        ProfileFieldValue.objects.create(profile=employee.profile, field=remote, value="2 jours")
        with translation.override("fr"):
            shown = selectors.profile_fields_for(profile=employee.profile)
        assert [(f.label, f.value) for f in shown] == [("Télétravail", "2 jours"), ("Date d'arrivée", "1 mars 2024")]
        with translation.override("en"):
            shown = selectors.profile_fields_for(profile=employee.profile)
        assert [f.label for f in shown] == ["Remote work", "Arrival date"]

    def test_follow_counts_ignore_inactive_people(self, employee, colleague, django_assert_num_queries):
        gone = UserFactory(is_active=False)
        Follow.objects.create(follower=colleague, followed=employee)
        Follow.objects.create(follower=gone, followed=employee)
        Follow.objects.create(follower=employee, followed=colleague)
        with django_assert_num_queries(1):
            counts = selectors.follow_counts_for(actor=employee, user=employee)
        assert (counts.followers, counts.following) == (1, 1)

    def test_is_following(self, employee, colleague):
        Follow.objects.create(follower=employee, followed=colleague)
        assert selectors.is_following(actor=employee, user=colleague)
        assert not selectors.is_following(actor=colleague, user=employee)


class TestOrgChart:
    def test_the_chain_goes_up_to_the_top_and_reports_come_down(self, employee, django_assert_max_num_queries):
        ceo = person(first_name="Claire", last_name="Top")
        director = person(first_name="Denis", last_name="Middle", manager=ceo)
        lead = person(first_name="Lise", last_name="Lead", manager=director)
        report = person(first_name="Remi", last_name="Report", manager=lead)
        with django_assert_max_num_queries(4):
            chain = selectors.manager_chain_for(actor=employee, user=lead)
        assert chain == [director, ceo]
        assert selectors.direct_reports_for(actor=employee, user=lead) == [report]

    def test_a_loop_in_bad_data_stops(self, employee):
        a = person(first_name="A", last_name="A")
        b = person(first_name="B", last_name="B", manager=a)
        a.profile.manager = b
        a.profile.save()
        assert selectors.manager_chain_for(actor=employee, user=a) == [b]

    def test_the_chain_is_capped_at_twenty_levels(self, employee, django_assert_max_num_queries):
        boss = person(first_name="Level", last_name="0")
        for level in range(1, 30):
            boss = person(first_name="Level", last_name=str(level), manager=boss)
        with django_assert_max_num_queries(selectors.MAX_CHAIN):
            chain = selectors.manager_chain_for(actor=employee, user=boss)
        assert len(chain) == selectors.MAX_CHAIN


class TestManagerFor:
    def test_a_manager_the_reader_may_not_see_is_no_manager(self, employee, guest, network_admin):
        gone = person(first_name="Didier", last_name="Parti", is_active=False)
        subject = person(manager=gone)
        assert selectors.manager_for(actor=employee, profile=subject.profile) is None
        assert selectors.manager_for(actor=guest, profile=subject.profile) is None
        assert selectors.manager_for(actor=network_admin, profile=subject.profile) == gone

    def test_an_employee_sees_an_active_manager_without_a_query(self, employee, django_assert_num_queries):
        boss = person(first_name="Claire", last_name="Top")
        subject = User.objects.select_related("profile__manager").get(pk=person(manager=boss).pk)
        with django_assert_num_queries(0):
            assert selectors.manager_for(actor=employee, profile=subject.profile) == boss


class TestFollowLists:
    def test_followers_and_following_are_paginated_most_recent_first(self, employee, django_assert_max_num_queries):
        fans = [UserFactory() for _ in range(selectors.FOLLOWS_PAGE_SIZE + 2)]
        for fan in fans:
            Follow.objects.create(follower=fan, followed=employee)
        with django_assert_max_num_queries(1):
            first = selectors.followers_for(actor=employee, user=employee)
        assert first.items[0] == fans[-1]
        assert first.next_cursor is not None
        second = selectors.followers_for(actor=employee, user=employee, before=int(first.next_cursor))
        assert first.items + second.items == list(reversed(fans))
        assert second.next_cursor is None
        assert selectors.following_for(actor=employee, user=fans[0]).items == [employee]
