from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.network.models import NetworkSettings
from essaim.network.selectors import network_settings
from essaim.people.demo import ADMIN_EMAIL, DEMO_PASSWORD, EMPLOYEE_EMAIL
from essaim.people.models import Follow, Profile, ProfileField

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("demo_data", *args, stdout=out)
    return out.getvalue()


class TestDemoData:
    def test_a_larger_company_loads_too(self):
        """600 people: the administrator who creates the photo club is then among its first quarter (and is not
        asked to join it again)."""
        run("--people", "600", "--no-photos")
        assert User.objects.count() == 600

    def test_creates_a_small_company_and_prints_how_to_sign_in(self):
        output = run("--people", "20", "--seed", "7")
        assert User.objects.count() == 20
        assert ADMIN_EMAIL in output
        assert EMPLOYEE_EMAIL in output
        assert DEMO_PASSWORD in output
        admin = User.objects.get(email=ADMIN_EMAIL)
        lea = User.objects.get(email=EMPLOYEE_EMAIL)
        assert admin.check_password(DEMO_PASSWORD)
        assert lea.check_password(DEMO_PASSWORD)
        assert lea.handle == "lea.martin"
        assert access.can(admin, Action.ADMINISTER_NETWORK)
        assert not access.can(lea, Action.ADMINISTER_NETWORK)

    def test_the_network_is_named_after_the_demo_company(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            run("--people", "20", "--no-activity")
        assert network_settings().name == "Atelier Boréal"

    def test_a_network_an_administrator_renamed_keeps_its_name(self, django_capture_on_commit_callbacks):
        NetworkSettings.objects.update_or_create(pk=1, defaults={"name": "Ruche"})
        with django_capture_on_commit_callbacks(execute=True):
            run("--people", "20", "--no-activity")
        assert network_settings().name == "Ruche"

    def test_everyone_has_a_profile_in_one_tree_under_the_ceo(self):
        run("--people", "20")
        profiles = list(Profile.objects.select_related("user", "department", "site"))
        assert len(profiles) == 20
        tops = [p for p in profiles if p.manager_id is None]
        assert len(tops) == 1
        ceo = tops[0].user
        assert all(p.department and p.site and p.job_title and p.bio and p.sort_key for p in profiles)
        # Everyone follows the CEO, and their own manager.
        follows = set(Follow.objects.values_list("follower_id", "followed_id"))
        for profile in profiles:
            if profile.user != ceo:
                assert (profile.user_id, ceo.pk) in follows
                assert (profile.user_id, profile.manager_id) in follows
        assert {f.label_fr for f in ProfileField.objects.all()} == {"Date d'arrivée", "Télétravail"}
        with_photo = sum(1 for p in profiles if p.photo)
        assert 20 // 3 <= with_photo < 20
        assert all(p.skills.exists() for p in profiles)

    def test_the_same_seed_gives_the_same_people(self, django_db_blocker):
        run("--people", "15", "--seed", "3", "--no-photos", "--no-activity")
        first = list(User.objects.order_by("pk").values_list("first_name", "last_name", "handle"))
        User.objects.all().delete()
        run("--people", "15", "--seed", "3", "--no-photos", "--no-activity")
        again = list(User.objects.order_by("pk").values_list("first_name", "last_name", "handle"))
        assert first == again

    def test_if_empty_keeps_existing_data(self):
        run("--people", "15", "--no-photos")
        run("--if-empty", "--people", "15")
        assert User.objects.count() == 15

    def test_every_demo_person_signs_in_with_the_demo_password(self):
        output = run("--people", "15", "--no-photos", "--no-activity")
        users = list(User.objects.all())
        assert len(users) == 15
        assert all(user.check_password(DEMO_PASSWORD) for user in users)
        assert "every demo person" in output

    def test_a_later_run_reminds_how_to_sign_in_and_nothing_else(self):
        run("--people", "12", "--no-photos", "--no-activity")
        output = run("--if-empty")
        assert ADMIN_EMAIL in output
        assert EMPLOYEE_EMAIL in output
        assert DEMO_PASSWORD in output
        assert "already exist" not in output
        assert len(output.strip().splitlines()) <= 6

    def test_a_network_without_the_demo_accounts_prints_no_demo_password(self):
        from tests.accounts.factories import UserFactory

        UserFactory()
        output = run("--if-empty")
        assert DEMO_PASSWORD not in output
        assert "already exist" in output

    def test_running_twice_without_if_empty_is_refused(self):
        run("--people", "12", "--no-photos")
        with pytest.raises(CommandError):
            run("--people", "12")


def test_the_readmes_directory_example_works_on_the_demo_data(db):
    """README: the directory's search ignores accents and finds handles ("eloise" finds "Éloïse Dupré")."""
    from essaim.people.selectors import DirectoryFilters, directory_profiles_for

    run("--people", "40", "--no-photos", "--no-activity")
    lea = User.objects.get(email=EMPLOYEE_EMAIL)
    for query in ("eloise", "Éloïse", "@eloise.dupre", "eloise.dupre"):
        page = directory_profiles_for(actor=lea, filters=DirectoryFilters(q=query))
        assert [p.user.get_full_name() for p in page.items] == ["Éloïse Dupré"], query
    assert User.objects.get(handle="eloise.dupre").profile.manager == lea


class TestDemoActivity:
    def test_the_first_screen_is_alive_with_spaces_posts_and_an_announcement(self, client):
        from essaim.spaces.models import Space
        from essaim.stream.models import Comment, HomeEntry, Post, Reaction

        output = run("--people", "24", "--seed", "5", "--no-photos")
        assert "posts" in output
        assert {"Actualités d'Atelier Boréal", "Direction R&D", "Projet Atlas", "Club photo"} <= set(
            Space.objects.values_list("name", flat=True)
        )
        assert Post.objects.count() >= 10
        assert Comment.objects.exists()
        assert Reaction.objects.exists()
        assert Post.objects.filter(is_announcement=True).count() == 1
        lea = User.objects.get(email=EMPLOYEE_EMAIL)
        assert HomeEntry.objects.filter(owner=lea).exists()
        client.force_login(lea)
        html = client.get("/").text
        assert html.count("post--pinned") == 1
        assert html.count('class="card post') >= 5

    def test_no_activity_loads_people_only(self):
        from essaim.stream.models import Post

        run("--people", "12", "--no-photos", "--no-activity")
        assert not Post.objects.exists()
