from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from PIL import Image

from essaim.accounts.models import User
from essaim.people import services
from essaim.people.models import Follow, Profile, ProfileField, ProfileFieldValue, Skill
from tests.accounts.factories import UserFactory
from tests.people.factories import DepartmentFactory, ProfileFieldFactory, SiteFactory, fake_png_upload, image_upload

pytestmark = pytest.mark.django_db


def _update(actor: User, profile: Profile, **changes: object) -> Profile:
    fields: dict[str, object] = {
        "job_title": profile.job_title,
        "department": profile.department,
        "site": profile.site,
        "phone": profile.phone,
        "manager": profile.manager,
        "languages": profile.languages,
        "bio": profile.bio,
    }
    fields.update(changes)
    return services.profile_update(actor=actor, profile=profile, **fields)  # type: ignore[arg-type]


class TestProfileUpdate:
    def test_a_person_updates_their_own_profile(self, employee):
        department, site = DepartmentFactory(name="R&D"), SiteFactory(name="Lyon")
        profile = _update(
            employee, employee.profile, job_title=" Ingénieure ", department=department, site=site, bio="Bonjour"
        )
        profile.refresh_from_db()
        assert (profile.job_title, profile.department, profile.site, profile.bio) == (
            "Ingénieure",
            department,
            site,
            "Bonjour",
        )

    def test_a_colleague_cannot_edit_someone_else(self, employee, colleague):
        with pytest.raises(PermissionDenied):
            _update(colleague, employee.profile, job_title="Pirate")

    def test_a_network_admin_edits_anyone(self, network_admin, employee):
        _update(network_admin, employee.profile, job_title="Cheffe de projet")
        employee.profile.refresh_from_db()
        assert employee.profile.job_title == "Cheffe de projet"

    def test_a_guest_cannot_even_see_an_employee_to_edit(self, guest, employee):
        with pytest.raises(Http404):
            _update(guest, employee.profile, job_title="x")

    def test_skills_are_created_on_the_fly_and_folded_for_dedup(self, employee, colleague):
        Skill.objects.create(name="Gestion de projet", folded="gestion de projet")
        _update(employee, employee.profile, skills=["Python", "gestion de PROJET", "python"])
        _update(colleague, colleague.profile, skills=["PYTHON"])
        assert sorted(employee.profile.skills.values_list("name", flat=True)) == ["Gestion de projet", "Python"]
        assert list(colleague.profile.skills.values_list("name", flat=True)) == ["Python"]
        assert Skill.objects.count() == 2

    def test_parse_skills_splits_on_commas_and_drops_duplicates(self):
        assert services.parse_skills(" Python,, python , Gestion  de projet,Éloquence, eloquence") == [
            "Python",
            "Gestion de projet",
            "Éloquence",
        ]

    def test_a_too_long_skill_is_refused_with_a_message(self):
        with pytest.raises(ValidationError, match="60"):
            services.parse_skills("x" * 61)

    def test_a_person_cannot_be_their_own_manager(self, employee):
        with pytest.raises(ValidationError) as info:
            _update(employee, employee.profile, manager=employee)
        assert "manager" in info.value.message_dict

    def test_a_loop_in_the_org_chart_is_refused(self, employee, colleague):
        _update(colleague, colleague.profile, manager=employee)
        with pytest.raises(ValidationError) as info:
            _update(employee, employee.profile, manager=colleague)
        assert "loop" in info.value.message_dict["manager"][0]

    def test_extra_fields_are_validated_and_stored(self, employee):
        text = ProfileFieldFactory(kind=ProfileField.Kind.TEXT)
        choice = ProfileFieldFactory(kind=ProfileField.Kind.CHOICE, choices="Sur site\nTélétravail")
        date = ProfileFieldFactory(kind=ProfileField.Kind.DATE)
        _update(
            employee,
            employee.profile,
            field_values={text.pk: " Bureau 12 ", choice.pk: "Télétravail", date.pk: "2024-03-01"},
        )
        values = dict(employee.profile.field_values.values_list("field_id", "value"))
        assert values == {text.pk: "Bureau 12", choice.pk: "Télétravail", date.pk: "2024-03-01"}

    def test_an_empty_extra_value_removes_it(self, employee):
        field = ProfileFieldFactory()
        ProfileFieldValue.objects.create(profile=employee.profile, field=field, value="old")
        _update(employee, employee.profile, field_values={field.pk: ""})
        assert not ProfileFieldValue.objects.exists()

    @pytest.mark.parametrize(("kind", "choices", "value"), [("choice", "A\nB", "C"), ("date", "", "31/02/2024")])
    def test_a_bad_extra_value_is_refused(self, employee, kind, choices, value):
        field = ProfileFieldFactory(kind=kind, choices=choices)
        with pytest.raises(ValidationError) as info:
            _update(employee, employee.profile, field_values={field.pk: value})
        assert f"field_{field.pk}" in info.value.message_dict


class TestKeys:
    def test_profile_refresh_keys_follows_a_name_change(self, employee):
        employee.first_name, employee.last_name = "Éloïse", "Dupré"
        employee.save()
        profile = services.profile_refresh_keys(user=employee)
        profile.refresh_from_db()
        assert profile.search_key == "eloise dupre lea.martin"
        assert profile.sort_key == "dupre eloise"

    def test_profile_ensure_creates_a_missing_profile_once(self, db):
        user = User.objects.create_user("nouveau@example.com", None, first_name="Zoé", last_name="Nouvel")
        first = services.profile_ensure(user=user)
        again = services.profile_ensure(user=user)
        assert first.pk == again.pk
        assert first.sort_key == "nouvel zoe"


class TestPhoto:
    def test_a_photo_is_cropped_square_resized_and_stripped_of_exif(self, employee):
        profile = services.profile_photo_set(
            actor=employee, profile=employee.profile, upload=image_upload(size=(1600, 900), exif=True)
        )
        with profile.photo.open("rb") as handle:
            image = Image.open(io.BytesIO(handle.read()))
        assert image.size == (services.PHOTO_SIDE, services.PHOTO_SIDE)
        assert not image.getexif()

    def test_an_html_page_renamed_png_is_refused_with_a_clear_message(self, employee):
        with pytest.raises(ValidationError) as info:
            services.profile_photo_set(actor=employee, profile=employee.profile, upload=fake_png_upload())
        assert "not an image" in info.value.message_dict["photo"][0]
        employee.profile.refresh_from_db()
        assert not employee.profile.photo

    def test_replacing_and_removing_a_photo_deletes_the_old_file(self, employee, django_capture_on_commit_callbacks):
        profile = employee.profile
        with django_capture_on_commit_callbacks(execute=True):
            services.profile_photo_set(actor=employee, profile=profile, upload=image_upload())
        first = profile.photo.name
        storage = profile.photo.storage
        with django_capture_on_commit_callbacks(execute=True):
            services.profile_photo_set(actor=employee, profile=profile, upload=image_upload())
        assert not storage.exists(first)
        second = profile.photo.name
        with django_capture_on_commit_callbacks(execute=True):
            services.profile_photo_remove(actor=employee, profile=profile)
        assert not storage.exists(second)
        profile.refresh_from_db()
        assert not profile.photo

    def test_someone_else_cannot_change_my_photo(self, employee, colleague):
        with pytest.raises(PermissionDenied):
            services.profile_photo_set(actor=colleague, profile=employee.profile, upload=image_upload())


class TestFollow:
    def test_following_twice_keeps_one_follow(self, employee, colleague):
        first = services.follow_create(actor=employee, user=colleague)
        second = services.follow_create(actor=employee, user=colleague)
        assert first.pk == second.pk
        assert Follow.objects.count() == 1

    def test_nobody_follows_themselves(self, employee):
        with pytest.raises(PermissionDenied):
            services.follow_create(actor=employee, user=employee)

    def test_an_inactive_person_cannot_be_followed(self, employee):
        gone = UserFactory(is_active=False)
        with pytest.raises(Http404):
            services.follow_create(actor=employee, user=gone)

    def test_a_guest_cannot_follow_an_employee_they_cannot_see(self, guest, employee):
        with pytest.raises(Http404):
            services.follow_create(actor=guest, user=employee)

    def test_unfollowing_is_idempotent(self, employee, colleague):
        services.follow_create(actor=employee, user=colleague)
        services.follow_delete(actor=employee, user=colleague)
        services.follow_delete(actor=employee, user=colleague)
        assert not Follow.objects.exists()


class TestProfileFields:
    def test_a_network_admin_creates_updates_and_deletes_a_field(self, network_admin, employee):
        field = services.profile_field_create(
            actor=network_admin, label_fr="Télétravail", label_en="Remote work", kind="choice", choices="Oui\nNon"
        )
        ProfileFieldValue.objects.create(profile=employee.profile, field=field, value="Oui")
        services.profile_field_update(
            actor=network_admin,
            field=field,
            label_fr="Télétravail",
            label_en="Remote",
            kind="choice",
            choices="Oui\nNon\nParfois",
            position=3,
        )
        field.refresh_from_db()
        assert (field.label_en, field.choice_list, field.position) == ("Remote", ["Oui", "Non", "Parfois"], 3)
        services.profile_field_delete(actor=network_admin, field=field)
        assert not ProfileField.objects.exists()
        assert not ProfileFieldValue.objects.exists()

    def test_new_fields_go_last(self, network_admin):
        first = services.profile_field_create(actor=network_admin, label_fr="A", label_en="A", kind="text")
        second = services.profile_field_create(actor=network_admin, label_fr="B", label_en="B", kind="text")
        assert second.position > first.position

    def test_a_choice_field_needs_choices(self, network_admin):
        with pytest.raises(ValidationError) as info:
            services.profile_field_create(actor=network_admin, label_fr="Choix", label_en="Choice", kind="choice")
        assert "choices" in info.value.message_dict

    def test_an_employee_cannot_define_fields(self, employee):
        with pytest.raises(PermissionDenied):
            services.profile_field_create(actor=employee, label_fr="A", label_en="A", kind="text")


class TestFollowFeedsTheHomeTimeline:
    def test_following_someone_brings_their_earlier_posts_home(
        self, employee, colleague, django_capture_on_commit_callbacks, drain_outbox
    ):
        from essaim.core.pagination import Cursor
        from essaim.stream import selectors as stream_selectors
        from essaim.stream.models import Visibility
        from essaim.stream.services import post_create

        with django_capture_on_commit_callbacks(execute=True):
            post = post_create(actor=colleague, body="Avant le suivi", visibility=Visibility.FOLLOWERS)
        services.follow_create(actor=employee, user=colleague)
        _pinned, page = stream_selectors.feed_home(actor=employee, cursor=Cursor(), with_announcements=False)
        assert post not in page.items  # the timeline is rebuilt by the outbox's consumer
        drain_outbox()
        _pinned, page = stream_selectors.feed_home(actor=employee, cursor=Cursor(), with_announcements=False)
        assert post in page.items

    def test_unfollowing_takes_their_followers_only_posts_away(
        self, employee, colleague, django_capture_on_commit_callbacks
    ):
        from essaim.core.pagination import Cursor
        from essaim.stream import selectors as stream_selectors
        from essaim.stream.models import Visibility
        from essaim.stream.services import post_create

        with django_capture_on_commit_callbacks(execute=True):
            services.follow_create(actor=employee, user=colleague)
            post = post_create(actor=colleague, body="Pour mes abonnés", visibility=Visibility.FOLLOWERS)
        with django_capture_on_commit_callbacks(execute=True):
            services.follow_delete(actor=employee, user=colleague)
        _pinned, page = stream_selectors.feed_home(actor=employee, cursor=Cursor(), with_announcements=False)
        assert post not in page.items
