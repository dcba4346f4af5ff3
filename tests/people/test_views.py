from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from essaim.people.models import Follow, ProfileField, ProfileFieldValue, Skill
from tests.accounts.factories import UserFactory
from tests.people.factories import (
    DepartmentFactory,
    ProfileFieldFactory,
    SiteFactory,
    fake_png_upload,
    image_upload,
    person,
)

pytestmark = pytest.mark.django_db


# The layout costs a few queries of its own (session, user, network settings, the avatar in the top bar).
LAYOUT_QUERIES = 5


@pytest.fixture
def signed_in(client, employee):
    client.force_login(employee)
    client.get("/people/")  # warm up: the first request creates the network settings row
    return client


def queries_for(client, url: str, **kwargs: object) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(captured)


class TestProfilePage:
    def test_extra_field_labels_follow_the_readers_language(self, signed_in, employee):
        field = ProfileFieldFactory(label_fr="Télétravail", label_en="Remote work")
        ProfileFieldValue.objects.create(profile=employee.profile, field=field, value="2 jours")
        french = signed_in.get("/@lea.martin", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        english = signed_in.get("/@lea.martin", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Télétravail" in french
        assert "Remote work" not in french
        assert "Remote work" in english

    def test_shows_the_profile_with_manager_reports_skills_and_extra_fields(
        self, signed_in, employee, colleague, django_assert_max_num_queries
    ):
        boss = person(first_name="Bernard", last_name="Chef", handle="bernard.chef")
        profile = employee.profile
        profile.job_title, profile.manager = "Chargée de communication", boss
        profile.department, profile.site = DepartmentFactory(name="Communication"), SiteFactory(name="Nantes")
        profile.save()
        colleague.profile.manager = employee
        colleague.profile.save()
        profile.skills.add(Skill.objects.create(name="Rédaction", folded="redaction"))
        field = ProfileFieldFactory(label_fr="Télétravail", label_en="Remote work")
        ProfileFieldValue.objects.create(profile=profile, field=field, value="2 jours")
        Follow.objects.create(follower=colleague, followed=employee)
        with django_assert_max_num_queries(LAYOUT_QUERIES + 9):
            response = signed_in.get("/@lea.martin")
        html = response.content.decode()
        assert response.status_code == 200
        for text in [
            "Chargée de communication",
            "Communication",
            "Nantes",
            "Bernard Chef",
            "Éloïse Dupré",
            "Rédaction",
            "Remote work",  # the extra field label in the active language
            "2 jours",
            'id="profile-name"',
        ]:
            assert text in html
        assert f"{reverse('search:experts')}?q=R%C3%A9daction" in html  # a skill: who knows about it
        assert reverse("people:followers", kwargs={"handle": "lea.martin"}) in html
        assert reverse("people:profile-edit", kwargs={"handle": "lea.martin"}) in html

    def test_a_colleague_sees_a_follow_button_but_no_edit_link(self, signed_in, colleague):
        html = signed_in.get("/@eloise.dupre").content.decode()
        assert reverse("people:follow", kwargs={"handle": "eloise.dupre"}) in html
        assert reverse("people:profile-edit", kwargs={"handle": "eloise.dupre"}) not in html

    def test_missing_and_invisible_people_are_404(self, client, guest, employee):
        client.force_login(guest)
        assert client.get("/@lea.martin").status_code == 404
        assert client.get("/@nobody").status_code == 404
        assert client.get("/@gaspard.extern").status_code == 200

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, employee):
        response = client.get("/@lea.martin")
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


class TestFollowViews:
    def test_plain_post_follows_and_redirects_to_the_profile(self, signed_in, employee, colleague):
        response = signed_in.post("/@eloise.dupre/follow")
        assert response.status_code == 302
        assert response["Location"] == "/@eloise.dupre"
        assert Follow.objects.filter(follower=employee, followed=colleague).exists()
        response = signed_in.post("/@eloise.dupre/unfollow")
        assert response.status_code == 302
        assert not Follow.objects.exists()

    def test_htmx_post_swaps_the_button_and_updates_the_counts_out_of_band(self, signed_in, employee, colleague):
        response = signed_in.post("/@eloise.dupre/follow", headers={"HX-Request": "true"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html
        assert html.strip().startswith("<form")
        assert reverse("people:unfollow", kwargs={"handle": "eloise.dupre"}) in html
        assert 'id="profile-counts" hx-swap-oob="true"' in html
        assert "<strong>1</strong> follower" in html
        response = signed_in.post("/@eloise.dupre/unfollow", headers={"HX-Request": "true"})
        assert reverse("people:follow", kwargs={"handle": "eloise.dupre"}) in response.content.decode()
        assert not Follow.objects.exists()

    def test_following_oneself_is_forbidden(self, signed_in):
        assert signed_in.post("/@lea.martin/follow").status_code == 403

    def test_following_needs_a_post(self, signed_in, colleague):
        assert signed_in.get("/@eloise.dupre/follow").status_code == 405


class TestProfileEdit:
    def _data(self, **changes: str) -> dict[str, object]:
        data: dict[str, object] = {
            "job_title": "Cheffe de projet",
            "department": "",
            "site": "",
            "phone": "",
            "manager": "",
            "languages": "Français",
            "skills": "Python, python, Django",
            "bio": "Bonjour",
        }
        data.update(changes)
        return data

    def test_the_form_shows_current_values(self, signed_in, employee):
        employee.profile.job_title = "Graphiste"
        employee.profile.save()
        html = signed_in.get("/@lea.martin/edit").content.decode()
        assert 'value="Graphiste"' in html
        assert signed_in.get("/people/me/edit")["Location"] == "/@lea.martin/edit"

    def test_saving_updates_the_profile_and_redirects(self, signed_in, employee, colleague):
        field = ProfileFieldFactory(kind=ProfileField.Kind.DATE)
        response = signed_in.post(
            "/@lea.martin/edit",
            self._data(manager="@Eloise.Dupre", **{f"field_{field.pk}": "2023-09-04"}, photo=image_upload()),
        )
        assert response.status_code == 302
        profile = employee.profile
        profile.refresh_from_db()
        assert profile.job_title == "Cheffe de projet"
        assert profile.manager == colleague
        assert sorted(profile.skills.values_list("name", flat=True)) == ["Django", "Python"]
        assert profile.field_values.get().value == "2023-09-04"
        assert profile.photo

    def test_a_fake_image_is_refused_and_what_was_typed_is_kept(self, signed_in, employee):
        response = signed_in.post("/@lea.martin/edit", self._data(bio="Mon texte", photo=fake_png_upload()))
        html = response.content.decode()
        assert response.status_code == 400
        assert "not an image" in html
        assert "Mon texte" in html
        employee.profile.refresh_from_db()
        assert employee.profile.bio == ""

    def test_an_unknown_manager_is_a_form_error(self, signed_in):
        response = signed_in.post("/@lea.martin/edit", self._data(manager="personne"))
        assert response.status_code == 400
        assert "@personne" in response.content.decode()

    def test_the_manager_is_a_people_picker_showing_the_current_manager(self, signed_in, employee, colleague):
        employee.profile.manager = colleague
        employee.profile.save()
        html = signed_in.get("/@lea.martin/edit").content.decode()
        assert "data-picker" in html
        assert 'type="hidden" name="manager" value="@eloise.dupre"' in html
        assert "Remove Éloïse Dupré" in html

    def test_the_manager_may_be_chosen_by_e_mail_address(self, signed_in, employee, colleague):
        response = signed_in.post("/@lea.martin/edit", self._data(manager=colleague.email))
        assert response.status_code == 302
        employee.profile.refresh_from_db()
        assert employee.profile.manager == colleague

    def test_a_bad_choice_is_refused(self, signed_in):
        field = ProfileFieldFactory(kind=ProfileField.Kind.CHOICE, choices="Oui\nNon")
        response = signed_in.post("/@lea.martin/edit", self._data(**{f"field_{field.pk}": "Peut-être"}))
        assert response.status_code == 400

    def test_a_guest_edits_their_profile_without_the_companys_structure(self, client, guest, employee):
        """No department, site or manager field for a guest, and saving keeps what an administrator set."""
        department, site = DepartmentFactory(name="Direction financière"), SiteFactory(name="Siège de Lyon")
        guest.profile.department, guest.profile.site, guest.profile.manager = department, site, employee
        guest.profile.save()
        client.force_login(guest)
        html = client.get(f"/@{guest.handle}/edit").content.decode()
        assert "Direction financière" not in html
        assert "Siège de Lyon" not in html
        assert 'name="department"' not in html
        assert 'name="site"' not in html
        assert 'name="manager"' not in html
        posted = self._data(department=str(DepartmentFactory().pk), manager="@lea.martin")
        assert client.post(f"/@{guest.handle}/edit", posted).status_code == 302
        guest.profile.refresh_from_db()
        assert (guest.profile.department, guest.profile.site, guest.profile.manager) == (department, site, employee)
        assert guest.profile.job_title == "Cheffe de projet"

    def test_a_colleague_gets_403_and_an_admin_may_edit(self, client, employee, colleague, network_admin):
        client.force_login(colleague)
        assert client.get("/@lea.martin/edit").status_code == 403
        assert client.post("/@lea.martin/edit", self._data()).status_code == 403
        client.force_login(network_admin)
        assert client.post("/@lea.martin/edit", self._data()).status_code == 302
        employee.profile.refresh_from_db()
        assert employee.profile.job_title == "Cheffe de projet"


class TestDirectory:
    @pytest.mark.parametrize("query", ["@eloise.dupre", "eloise.dupre", "Éloïse"])
    def test_finds_a_handle_with_or_without_the_at_sign_and_a_name(self, signed_in, colleague, query):
        assert "Éloïse Dupré" in signed_in.get("/people/", {"q": query}).content.decode()

    def test_search_is_accent_insensitive(self, signed_in, colleague):
        response = signed_in.get("/people/?q=eloise")
        assert [p.user for p in response.context["page"].items] == [colleague]
        assert "Éloïse Dupré" in response.content.decode()

    def test_the_search_box_keeps_what_was_typed(self, signed_in, colleague):
        html = signed_in.get("/people/?q=%C3%A9lo%22").content.decode()
        assert 'value="élo&quot;"' in html

    def test_guests_are_forbidden(self, client, guest):
        client.force_login(guest)
        assert client.get("/people/").status_code == 403

    def test_constant_queries_and_a_next_page_link_that_also_loads_more_with_htmx(
        self, signed_in, django_assert_max_num_queries
    ):
        department = DepartmentFactory(name="Ventes")
        person(first_name="Vendeur", last_name="Seul", department=department)
        few = queries_for(signed_in, f"/people/?department={department.pk}")
        for i in range(29):
            person(first_name=f"Vendeur{i:02d}", last_name="Durand", department=department)
        many = queries_for(signed_in, f"/people/?department={department.pk}")
        assert few == many <= LAYOUT_QUERIES + 4
        with django_assert_max_num_queries(many):
            response = signed_in.get(f"/people/?department={department.pk}")
        html = response.content.decode()
        assert html.count('class="person__name"') == 24
        next_url = response.context["next_url"]
        assert next_url.startswith(f"/people/?department={department.pk}&after=")
        assert f'href="{next_url.replace("&", "&amp;")}"' in html
        with django_assert_max_num_queries(LAYOUT_QUERIES):
            more = signed_in.get(next_url, headers={"HX-Request": "true"})
        fragment = more.content.decode()
        assert "<html" not in fragment
        assert fragment.count('class="person__name"') == 30 - 24
        assert "Next page" not in fragment
        full = signed_in.get(next_url)
        assert full.content.decode().count('class="person__name"') == 30 - 24

    def test_a_bad_cursor_or_filter_shows_the_first_page(self, signed_in):
        assert signed_in.get("/people/?after=zzz&department=abc&site=-1").status_code == 200


class TestSuggestions:
    def test_people_by_name_handle_or_e_mail_as_listbox_options(self, signed_in, colleague):
        for query in ("élo", "@eloise.d", colleague.email[:8]):
            html = signed_in.get("/people/suggestions", {"q": query}).content.decode()
            assert 'role="option"' in html
            assert 'data-insert="@eloise.dupre"' in html, query
            assert 'data-label="Éloïse Dupré"' in html
            assert "<html" not in html

    def test_nobody_matches_is_a_disabled_option(self, signed_in):
        html = signed_in.get("/people/suggestions", {"q": "zzz"}).content.decode()
        assert 'aria-disabled="true"' in html
        assert "Nobody matches" in html

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, db):
        assert client.get("/people/suggestions", {"q": "a"}).status_code == 302


class TestOrgChartView:
    def test_shows_the_chain_and_reports_with_links_to_their_charts(
        self, signed_in, employee, django_assert_max_num_queries
    ):
        ceo = person(first_name="Claire", last_name="Top", handle="claire.top")
        employee.profile.manager = ceo
        employee.profile.save()
        person(first_name="Remi", last_name="Report", handle="remi.report", manager=employee)
        with django_assert_max_num_queries(LAYOUT_QUERIES + 4):
            response = signed_in.get("/@lea.martin/org")
        html = response.content.decode()
        assert response.status_code == 200
        assert html.index("Claire Top") < html.index("Léa Martin</a>") < html.index("Remi Report")
        assert reverse("people:org-chart", kwargs={"handle": "claire.top"}) in html
        assert reverse("people:org-chart", kwargs={"handle": "remi.report"}) in html


class TestFollowListViews:
    def test_followers_and_following_pages(self, signed_in, employee, colleague, django_assert_max_num_queries):
        Follow.objects.create(follower=colleague, followed=employee)
        few = queries_for(signed_in, "/@lea.martin/followers")
        for _ in range(40):
            Follow.objects.create(follower=UserFactory(), followed=employee)
        assert queries_for(signed_in, "/@lea.martin/followers") == few <= LAYOUT_QUERIES + 2
        response = signed_in.get("/@lea.martin/followers")
        assert response.context["next_url"] is not None
        last = signed_in.get(response.context["next_url"])
        assert "Éloïse Dupré" in last.content.decode()
        response = signed_in.get("/@eloise.dupre/following")
        assert "Léa Martin" in response.content.decode()

    def test_guests_cannot_see_follow_lists(self, client, guest):
        client.force_login(guest)
        assert client.get("/@gaspard.extern/followers").status_code == 403


class TestProfileFieldAdmin:
    def test_only_network_admins_reach_the_page(self, client, employee, network_admin):
        client.force_login(employee)
        assert client.get("/people/fields/").status_code == 403
        client.force_login(network_admin)
        assert client.get("/people/fields/").status_code == 200

    def test_admin_adds_edits_and_deletes_a_field(self, client, network_admin):
        client.force_login(network_admin)
        data = {
            "label_fr": "Télétravail",
            "label_en": "Remote work",
            "kind": "choice",
            "choices": "Oui\nNon",
            "position": "1",
        }
        assert client.post("/people/fields/", data).status_code == 302
        field = ProfileField.objects.get()
        assert client.post(f"/people/fields/{field.pk}/edit", {**data, "label_en": "Remote"}).status_code == 302
        field.refresh_from_db()
        assert field.label_en == "Remote"
        assert client.post(f"/people/fields/{field.pk}/delete").status_code == 302
        assert not ProfileField.objects.exists()

    def test_a_choice_field_without_choices_is_refused_with_a_message(self, client, network_admin):
        client.force_login(network_admin)
        response = client.post(
            "/people/fields/", {"label_fr": "A", "label_en": "A", "kind": "choice", "choices": "", "position": "1"}
        )
        assert response.status_code == 400
        assert "at least one choice" in response.content.decode()
        assert not ProfileField.objects.exists()


class TestFirstStepsDismiss:
    URL = "/people/me/first-steps/dismiss"

    @pytest.fixture
    def newbie(self, client):
        user = person(first_name="Nina", last_name="Nouvelle")
        user.profile.first_steps_open = True
        user.profile.save()
        client.force_login(user)
        return user

    def test_a_form_post_hides_them_and_goes_home_with_a_message(self, client, newbie):
        response = client.post(self.URL, follow=True)
        assert response.redirect_chain == [("/", 302)]
        assert "The first steps are hidden." in response.text
        assert 'id="first-steps"' not in response.text
        newbie.profile.refresh_from_db()
        assert not newbie.profile.first_steps_open

    def test_htmx_gets_a_status_line_in_their_place(self, client, newbie):
        response = client.post(self.URL, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert 'role="status"' in response.text
        newbie.profile.refresh_from_db()
        assert not newbie.profile.first_steps_open

    def test_only_a_post_and_only_signed_in(self, client, newbie):
        assert client.get(self.URL).status_code == 405
        client.logout()
        response = client.post(self.URL)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        newbie.profile.refresh_from_db()
        assert newbie.profile.first_steps_open
