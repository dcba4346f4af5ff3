from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse

from essaim.accounts.models import User
from essaim.spaces.models import JoinRequest, Membership, Space, SpaceInvitation
from tests.accounts.factories import GuestFactory, UserFactory
from tests.spaces.factories import MembershipFactory, SpaceFactory


@pytest.fixture
def signed_in(client: Client, employee: User) -> Client:
    client.force_login(employee)
    return client


class TestDirectory:
    def test_lists_visible_spaces_with_join_and_request_buttons(self, signed_in: Client) -> None:
        SpaceFactory(name="Café philo", search_key="cafe philo")
        SpaceFactory(name="Direction", search_key="direction", visibility=Space.Visibility.PRIVATE)
        SpaceFactory(name="Comité secret", search_key="comite secret", visibility=Space.Visibility.SECRET)
        html = signed_in.get(reverse("spaces:directory")).content.decode()
        assert "Café philo" in html
        assert "Direction" in html
        assert "Comité secret" not in html
        assert "/join/" in html
        assert "/request/" in html

    def test_search_ignores_accents_and_case(self, signed_in: Client) -> None:
        SpaceFactory(name="Équipe Été", search_key="equipe ete")
        SpaceFactory(name="Autre", search_key="autre")
        html = signed_in.get(reverse("spaces:directory"), {"q": "ÉTÉ"}).content.decode()
        assert "Équipe Été" in html
        assert "Autre" not in html

    def test_my_spaces_filter(self, signed_in: Client, employee: User) -> None:
        mine = SpaceFactory(name="Le mien", search_key="le mien")
        MembershipFactory(space=mine, user=employee)
        SpaceFactory(name="Pas le mien", search_key="pas le mien")
        html = signed_in.get(reverse("spaces:directory"), {"scope": "mine"}).content.decode()
        assert "Le mien" in html
        assert "Pas le mien" not in html

    def test_keyset_pages_follow_each_other(self, signed_in: Client) -> None:
        for n in range(35):
            SpaceFactory(name=f"S{n:02}", search_key=f"s{n:02}")
        first = signed_in.get(reverse("spaces:directory"))
        assert "S29" in first.content.decode()
        assert "S30" not in first.content.decode()
        after = unquote(first.content.decode().split("after=")[1].split('"')[0])
        second = signed_in.get(reverse("spaces:directory"), {"after": after}, headers={"HX-Request": "true"})
        assert "S30" in second.content.decode()
        assert "S29" not in second.content.decode()

    def test_a_row_shared_through_the_cache_still_shows_each_reader_their_own_buttons(
        self, client: Client, employee: User
    ) -> None:
        space = SpaceFactory(name="Atlas", slug="atlas", search_key="atlas")
        member = MembershipFactory(space=space).user
        client.force_login(employee)
        assert "/spaces/atlas/join/" in client.get(reverse("spaces:directory"), {"q": "atl"}).content.decode()
        client.force_login(member)
        html = client.get(reverse("spaces:directory"), {"q": "atl"}).content.decode()
        assert "You are a member" in html
        assert "/spaces/atlas/join/" not in html

    def test_a_row_shows_a_change_at_once(self, signed_in: Client) -> None:
        space = SpaceFactory(name="Atlas", slug="atlas", search_key="atlas")
        assert "1 member" not in signed_in.get(reverse("spaces:directory")).content.decode()
        MembershipFactory(space=space)
        Space.objects.filter(pk=space.pk).update(description="Le projet Atlas")
        html = signed_in.get(reverse("spaces:directory")).content.decode()
        assert "1 member" in html
        assert "Le projet Atlas" in html

    def test_the_search_stays_in_the_space_search_box_only(self, signed_in: Client) -> None:
        html = signed_in.get(reverse("spaces:directory"), {"q": "atlas"}).content.decode()
        assert 'name="q" value="atlas"' in html
        assert html.count('value="atlas"') == 1  # the space search box's, not the top bar's

    def test_query_count_does_not_grow_with_rows(self, signed_in: Client, django_assert_max_num_queries) -> None:
        for n in range(30):
            space = SpaceFactory(visibility=Space.Visibility.PRIVATE if n % 2 else Space.Visibility.PUBLIC)
            MembershipFactory(space=space)
        with django_assert_max_num_queries(10):  # 8, the spaces menu's count (issue 17 item 8), the charter's (cold)
            signed_in.get(reverse("spaces:directory"))


class TestSpaceCreation:
    def test_creates_and_redirects_to_the_space(self, signed_in: Client) -> None:
        response = signed_in.post(reverse("spaces:space-new"), {"name": "Projet Atlas", "visibility": "private"})
        assert response.status_code == 302
        assert response.url == "/spaces/projet-atlas/"

    def test_duplicate_name_keeps_what_was_typed(self, signed_in: Client) -> None:
        SpaceFactory(name="Atlas", search_key="atlas")
        response = signed_in.post(
            reverse("spaces:space-new"), {"name": "atlas", "visibility": "public", "description": "Mon texte"}
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "already exists" in html
        assert "Mon texte" in html

    def test_guest_is_refused(self, client: Client, db: None) -> None:
        client.force_login(GuestFactory())
        assert client.get(reverse("spaces:space-new")).status_code == 403


class TestSpacePage:
    def test_shows_welcome_markdown_sanitised(self, signed_in: Client) -> None:
        SpaceFactory(slug="atlas", welcome="**Bienvenue** <script>alert(1)</script>")
        html = signed_in.get("/spaces/atlas/").content.decode()
        assert "<strong>Bienvenue</strong>" in html
        assert "<script>alert" not in html

    def test_guest_banner_and_external_badge(self, signed_in: Client, employee: User) -> None:
        space = SpaceFactory(slug="atlas")
        MembershipFactory(space=space, user=employee)
        MembershipFactory(space=space, user=GuestFactory(first_name="Gaspard"))
        html = signed_in.get("/spaces/atlas/").content.decode()
        assert "External guests are members of this space" in html
        assert "badge--external" in html

    def test_secret_space_is_not_found(self, signed_in: Client) -> None:
        SpaceFactory(slug="cache", visibility=Space.Visibility.SECRET)
        assert signed_in.get("/spaces/cache/").status_code == 404


class TestMembersPage:
    def test_search_is_accent_insensitive_and_htmx_gets_the_fragment(self, signed_in: Client, employee: User) -> None:
        space = SpaceFactory(slug="atlas")
        MembershipFactory(space=space, user=employee)
        response = signed_in.get("/spaces/atlas/members/", {"q": "lea"}, headers={"HX-Request": "true"})
        html = response.content.decode()
        assert "Léa Martin" in html
        assert "<html" not in html

    def test_query_count_is_bounded(self, signed_in: Client, employee: User, django_assert_max_num_queries) -> None:
        space = SpaceFactory(slug="atlas")
        MembershipFactory(space=space, user=employee, role=Membership.Role.ADMIN)
        for _ in range(40):
            MembershipFactory(space=space)
        # and the usage charter's requirement, read once then cached; whether the space has an idea box (its tab)
        with django_assert_max_num_queries(14):
            assert signed_in.get("/spaces/atlas/members/").status_code == 200


class TestJoining:
    def test_join_a_public_space(self, signed_in: Client, employee: User) -> None:
        space = SpaceFactory(slug="atlas")
        assert signed_in.post("/spaces/atlas/join/").status_code == 302
        assert Membership.objects.filter(space=space, user=employee).exists()

    def test_request_then_second_request_says_it_was_sent(self, signed_in: Client, employee: User) -> None:
        SpaceFactory(slug="direction", visibility=Space.Visibility.PRIVATE)
        assert signed_in.post("/spaces/direction/request/", {"message": "Bonjour"}).status_code == 302
        assert JoinRequest.objects.get(user=employee).message == "Bonjour"
        again = signed_in.post("/spaces/direction/request/", {"message": "Encore"})
        assert again.status_code == 400
        assert "already asked" in again.content.decode()

    @pytest.mark.parametrize("page", ["/spaces/", "/spaces/direction/"])
    def test_an_invited_person_is_offered_the_invitation_not_a_request(
        self, signed_in: Client, employee: User, page: str
    ) -> None:
        space = SpaceFactory(slug="direction", name="Direction", visibility=Space.Visibility.PRIVATE)
        SpaceFactory(slug="atelier", name="Atelier", visibility=Space.Visibility.PRIVATE)
        SpaceInvitation.objects.create(space=SpaceFactory(slug="autre"), user=UserFactory())  # someone else's
        invitation = SpaceInvitation.objects.create(space=space, user=employee)
        html = signed_in.get(page).content.decode()
        assert f'action="/spaces/invitations/{invitation.pk}/accept/"' in html
        assert "Accept the invitation" in html
        assert "/spaces/direction/request/" not in html
        if page == "/spaces/":
            assert "/spaces/atelier/request/" in html  # not invited there: asking stays
            assert html.count("/accept/") == 1
        assert signed_in.post(f"/spaces/invitations/{invitation.pk}/accept/").status_code == 302
        assert Membership.objects.filter(space=space, user=employee).exists()
        after = signed_in.get(page).content.decode()
        assert "Accept the invitation" not in after

    def test_an_invitation_by_address_is_offered_too(self, signed_in: Client, employee: User) -> None:
        space = SpaceFactory(slug="club", name="Club", visibility=Space.Visibility.PUBLIC)
        invitation = SpaceInvitation.objects.create(space=space, email=employee.email.lower())
        for page in ("/spaces/", "/spaces/club/"):
            html = signed_in.get(page).content.decode()
            assert f'action="/spaces/invitations/{invitation.pk}/accept/"' in html, page
            assert 'action="/spaces/club/join/"' not in html, page

    def test_last_owner_leaving_gets_a_clear_400(self, signed_in: Client, employee: User) -> None:
        space = SpaceFactory(slug="atlas")
        MembershipFactory(space=space, user=employee, role=Membership.Role.OWNER)
        response = signed_in.post("/spaces/atlas/leave/")
        assert response.status_code == 400
        assert "last owner" in response.content.decode()


class TestDirectoryAtScale:
    def test_twenty_thousand_spaces_keep_a_constant_number_of_queries(
        self, signed_in: Client, employee: User, django_assert_max_num_queries
    ) -> None:
        visibilities = [Space.Visibility.PUBLIC, Space.Visibility.PRIVATE, Space.Visibility.SECRET]
        Space.objects.bulk_create(
            [
                Space(
                    name=f"Équipe {n:05}",
                    slug=f"equipe-{n:05}",
                    search_key=f"equipe {n:05}",
                    visibility=visibilities[n % 3],
                )
                for n in range(20_000)
            ],
            batch_size=2000,
        )
        mine = Space.objects.filter(slug__in=["equipe-00003", "equipe-00005"])
        # 8 queries, and the spaces menu's count (issue 17 item 8)
        Membership.objects.bulk_create([Membership(space=s, user=employee) for s in mine])
        with django_assert_max_num_queries(10):  # the first page reads the charter's requirement; then cached
            first = signed_in.get(reverse("spaces:directory"))
        assert first.status_code == 200
        assert "Équipe 00000" in first.content.decode()
        assert "Équipe 00002" not in first.content.decode()  # secret, not a member
        with django_assert_max_num_queries(9):
            search = signed_in.get(reverse("spaces:directory"), {"q": "EQUIPE 1999"})
        assert "Équipe 19990" in search.content.decode()
        with django_assert_max_num_queries(9):
            my_spaces = signed_in.get(reverse("spaces:directory"), {"scope": "mine"})
        assert "Équipe 00005" in my_spaces.content.decode()
        assert "Équipe 00000" not in my_spaces.content.decode()
        with django_assert_max_num_queries(9):
            later = signed_in.get(reverse("spaces:directory"), {"after": "15000:equipe 15000"})
        assert "Équipe 15001" in later.content.decode()


class TestSpaceStream:
    def test_members_read_the_space_posts_and_outsiders_of_a_private_space_do_not(
        self, client: Client, employee: User, colleague: User, django_assert_max_num_queries
    ) -> None:
        from essaim.stream import services as stream_services

        space = SpaceFactory(slug="direction", visibility=Space.Visibility.PRIVATE)
        MembershipFactory(space=space, user=employee)
        for n in range(3):
            stream_services.post_create(actor=employee, body=f"Ordre du jour numéro {n}", space=space)
        client.force_login(employee)
        with django_assert_max_num_queries(25):
            html = client.get("/spaces/direction/").content.decode()
        assert "Ordre du jour numéro 2" in html
        client.force_login(colleague)
        html = client.get("/spaces/direction/").content.decode()
        assert "Ordre du jour" not in html
        assert "Ask to join" in html

    def test_bad_cursor_is_a_400(self, signed_in: Client) -> None:
        SpaceFactory(slug="atlas")
        assert signed_in.get("/spaces/atlas/", {"max_id": "abc"}).status_code == 400


class TestSpacePageActions:
    """Issue 17, item 8: the stream tab says what it shows, leaving is a quiet action that a sole owner is
    not offered (with the reason), and what waits for someone is counted where they look."""

    def test_the_stream_tab_is_named_posts(self, signed_in: Client) -> None:
        SpaceFactory(slug="atlas")
        html = signed_in.get("/spaces/atlas/").content.decode()
        assert '<a href="/spaces/atlas/" aria-current="page">Posts</a>' in html
        assert ">About</a>" not in html

    def test_a_member_leaves_through_a_secondary_action(self, signed_in: Client, employee: User) -> None:
        space = SpaceFactory(slug="atlas")
        MembershipFactory(space=space, user=employee)
        html = signed_in.get("/spaces/atlas/").content.decode()
        assert 'action="/spaces/atlas/leave/"' in html
        assert 'class="linklike muted space-header__leave"' in html
        assert "only owner" not in html

    def test_a_sole_owner_is_told_why_they_cannot_leave(self, signed_in: Client, employee: User) -> None:
        space = SpaceFactory(slug="atlas")
        MembershipFactory(space=space, user=employee, role=Membership.Role.OWNER)
        html = signed_in.get("/spaces/atlas/").content.decode()
        assert "/spaces/atlas/leave/" not in html
        assert "You are the only owner: name another owner before leaving." in html
        MembershipFactory(space=space, role=Membership.Role.OWNER)  # a second owner: leaving is offered
        html = signed_in.get("/spaces/atlas/").content.decode()
        assert 'action="/spaces/atlas/leave/"' in html
        assert "only owner" not in html

    def test_the_sole_owner_note_is_in_french(self, signed_in: Client, employee: User) -> None:
        space = SpaceFactory(slug="atlas")
        MembershipFactory(space=space, user=employee, role=Membership.Role.OWNER)
        html = signed_in.get("/spaces/atlas/", headers={"accept-language": "fr"}).content.decode()
        # The header is a cached fragment: characters beyond Latin-1 are references (``core.fragments.narrow``).
        assert "Vous êtes l&#8217;unique propriétaire\u00a0: nommez un autre propriétaire avant de partir." in html
        assert ">Publications</a>" in html

    def test_requests_tab_counts_what_waits(self, signed_in: Client, employee: User) -> None:
        space = SpaceFactory(slug="direction", visibility=Space.Visibility.PRIVATE)
        MembershipFactory(space=space, user=employee, role=Membership.Role.ADMIN)
        html = signed_in.get("/spaces/direction/").content.decode()
        assert 'class="count"' not in html  # nothing waits: no count
        JoinRequest.objects.create(space=space, user=UserFactory())
        JoinRequest.objects.create(space=space, user=UserFactory())
        JoinRequest.objects.create(space=space, user=UserFactory(), status=JoinRequest.Status.REFUSED)
        html = signed_in.get("/spaces/direction/requests/").content.decode()
        count = '<span class="count" aria-hidden="true">2</span><span class="visually-hidden">(2 waiting)'
        assert f"Requests {count}" in html

    def test_spaces_menu_counts_requests_and_invitations(self, signed_in: Client, employee: User) -> None:
        mine = SpaceFactory(slug="direction", name="Direction", visibility=Space.Visibility.PRIVATE)
        MembershipFactory(space=mine, user=employee, role=Membership.Role.OWNER)
        JoinRequest.objects.create(space=mine, user=UserFactory())
        other = SpaceFactory(slug="autre", visibility=Space.Visibility.PRIVATE)
        JoinRequest.objects.create(space=other, user=UserFactory())  # not the reader's to answer
        SpaceInvitation.objects.create(space=other, user=employee)
        SpaceInvitation.objects.create(space=SpaceFactory(), email=employee.email.lower())
        SpaceInvitation.objects.create(space=SpaceFactory(), user=employee, status=SpaceInvitation.Status.DECLINED)
        html = signed_in.get("/").content.decode()
        assert '<span class="count navlink__count" aria-hidden="true">3</span>' in html
        assert "(1 request to answer, 2 invitations for you)" in html
        directory = signed_in.get(reverse("spaces:directory")).content.decode()
        assert "Waiting for you" in directory
        assert 'href="/spaces/direction/requests/">Direction</a>' in directory
        assert "2 invitations for you" in directory

    def test_spaces_menu_shows_no_count_when_nothing_waits(self, signed_in: Client) -> None:
        html = signed_in.get("/").content.decode()
        assert "navlink__count" not in html
        assert "Waiting for you" not in signed_in.get(reverse("spaces:directory")).content.decode()

    def test_the_menu_count_follows_a_new_request_at_once(self, signed_in: Client, employee: User) -> None:
        """The menu is a cached fragment: the count is part of its key."""
        mine = SpaceFactory(slug="direction", visibility=Space.Visibility.PRIVATE)
        MembershipFactory(space=mine, user=employee, role=Membership.Role.ADMIN)
        assert "navlink__count" not in signed_in.get("/").content.decode()
        JoinRequest.objects.create(space=mine, user=UserFactory())
        assert '<span class="count navlink__count" aria-hidden="true">1</span>' in signed_in.get("/").content.decode()
