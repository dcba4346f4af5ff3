"""Sign-in, throttling, sign-up policy, passwords, invitations and two-factor, through the test client."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from essaim.accounts import services
from essaim.accounts.models import Invitation, User
from essaim.network.models import NetworkSettings
from tests.accounts.factories import PASSWORD, UserFactory

STRONG = "violet-tandem-harbour-42"
LOGIN = "/accounts/login/"


def sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def open_signup(**fields: object) -> None:
    NetworkSettings.objects.update_or_create(pk=1, defaults={"signup_open": True, **fields})


def labelled_inputs_are_all_labelled(html: str) -> bool:
    ids = re.findall(r'<input[^>]*type="(?:text|email|password)"[^>]*id="([^"]+)"', html)
    ids += re.findall(r'<input[^>]*id="([^"]+)"[^>]*type="(?:text|email|password)"', html)
    return bool(ids) and all(f'for="{i}"' in html for i in ids)


class TestSignIn:
    def test_the_sign_in_page_uses_our_layout_with_labels(self, client_en: Client, db: None) -> None:
        response = client_en.get(LOGIN)
        html = response.content.decode()
        assert response.status_code == 200
        assert 'class="topbar"' in html  # our base.html
        assert 'class="field"' in html
        assert labelled_inputs_are_all_labelled(html)
        assert "Ask an administrator of your network for an invitation" in html

    def test_the_right_password_signs_in(self, client: Client, employee: User) -> None:
        response = sign_in(client, employee.email)
        assert response.status_code == 302
        assert client.get("/accounts/settings/").status_code == 200

    def test_a_wrong_password_is_answered_next_to_the_form(self, client_en: Client, employee: User) -> None:
        response = sign_in(client_en, employee.email, "wrong-password")
        assert response.status_code == 200  # allauth re-renders the form
        assert 'class="errorlist nonfield"' in response.content.decode()
        assert employee.email in response.content.decode()  # what was typed is kept

    def test_a_deactivated_person_cannot_sign_in(self, client: Client, employee: User) -> None:
        User.objects.filter(pk=employee.pk).update(is_active=False)
        sign_in(client, employee.email)
        assert client.get("/accounts/settings/").status_code == 302

    def test_sign_out_is_a_post(self, client: Client, employee: User) -> None:
        client.force_login(employee)
        assert client.get("/accounts/logout/").status_code == 200  # a confirmation page
        assert client.get("/accounts/settings/").status_code == 200
        assert client.post("/accounts/logout/").status_code == 302
        assert client.get("/accounts/settings/").status_code == 302


class TestThrottling:
    def test_the_sixth_attempt_is_refused_even_with_the_right_password(
        self, client_en: Client, employee: User, colleague: User
    ) -> None:
        for _ in range(5):
            sign_in(client_en, employee.email, "wrong-password")
        response = sign_in(client_en, employee.email)
        assert response.status_code == 200
        assert "Too many failed sign-in attempts for this account" in response.content.decode()
        assert "_auth_user_id" not in client_en.session
        # Another account is not affected.
        assert sign_in(client_en, colleague.email).status_code == 302
        assert client_en.session["_auth_user_id"] == str(colleague.pk)

    def test_the_count_is_the_accounts_whatever_the_host_header_or_the_addresss_case(
        self, client_en: Client, employee: User
    ) -> None:
        """Seven wrong passwords sent with seven ``Host`` ports were seven first attempts (the review)."""
        for port in range(7):
            email = employee.email.upper() if port % 2 else f" {employee.email} "
            client_en.post(
                reverse("account_login"),
                {"login": email, "password": "wrong-password"},
                headers={"Host": f"127.0.0.1:{8100 + port}"},
            )
        response = client_en.post(
            reverse("account_login"),
            {"login": employee.email, "password": PASSWORD},
            headers={"Host": "127.0.0.1:8200"},
        )
        assert "Too many failed sign-in attempts for this account" in response.content.decode()
        assert "_auth_user_id" not in client_en.session


class TestSignupPolicy:
    def test_sign_up_is_closed_by_default(self, client_en: Client, db: None) -> None:
        response = client_en.get("/accounts/signup/")
        assert "Ask an administrator for an invitation" in response.content.decode()
        client_en.post(
            "/accounts/signup/",
            {"email": "x@example.com", "first_name": "X", "last_name": "Y", "password1": STRONG, "password2": STRONG},
        )
        assert not User.objects.filter(email="x@example.com").exists()

    def test_open_sign_up_creates_the_person_with_a_profile(self, client_en: Client, db: None) -> None:
        open_signup()
        page = client_en.get("/accounts/signup/")
        assert labelled_inputs_are_all_labelled(page.content.decode())
        response = client_en.post(
            "/accounts/signup/",
            {"email": "x@example.com", "first_name": "Xé", "last_name": "Yo", "password1": STRONG, "password2": STRONG},
        )
        assert response.status_code == 302
        user = User.objects.get(email="x@example.com")
        assert (user.first_name, user.handle, user.language) == ("Xé", "xe.yo", "en")
        assert user.profile.search_key == "xe yo xe.yo"

    def test_open_sign_up_can_be_limited_to_company_domains(self, client_en: Client, db: None) -> None:
        open_signup(signup_domains="example.com, example.fr")
        data = {"first_name": "X", "last_name": "Y", "password1": STRONG, "password2": STRONG}
        response = client_en.post("/accounts/signup/", {**data, "email": "x@gmail.com"})
        html = response.content.decode()
        assert "Sign-up is reserved for company addresses (@example.com, @example.fr)" in html
        assert 'value="x@gmail.com"' in html
        assert not User.objects.filter(email="x@gmail.com").exists()
        assert client_en.post("/accounts/signup/", {**data, "email": "x@example.fr"}).status_code == 302

    def test_a_weak_password_is_refused_at_sign_up(self, client: Client, db: None) -> None:
        open_signup()
        client.post(
            "/accounts/signup/",
            {
                "email": "x@example.com",
                "first_name": "X",
                "last_name": "Y",
                "password1": "azerty",
                "password2": "azerty",
            },
        )
        assert not User.objects.filter(email="x@example.com").exists()


class TestPasswords:
    def test_reset_by_email(self, client: Client, employee: User) -> None:
        response = client.post("/accounts/password/reset/", {"email": employee.email})
        assert response.status_code == 302
        assert client.get(response["Location"]).status_code == 200  # the "done" page
        assert len(mail.outbox) == 1
        link = re.search(r"http://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body)
        assert link is not None
        page = client.get(link.group(0), follow=True)
        assert page.status_code == 200
        form_url = page.redirect_chain[-1][0] if page.redirect_chain else link.group(0)
        done = client.post(form_url, {"password1": STRONG, "password2": STRONG})
        assert done.status_code == 302
        employee.refresh_from_db()
        assert employee.check_password(STRONG)

    def test_change_refuses_a_weak_password(self, client_en: Client, employee: User) -> None:
        client_en.force_login(employee)
        page = client_en.get("/accounts/password/change/")
        assert labelled_inputs_are_all_labelled(page.content.decode())
        response = client_en.post(
            "/accounts/password/change/", {"oldpassword": PASSWORD, "password1": "12345678", "password2": "12345678"}
        )
        assert response.status_code == 200
        assert "This password is too short" in response.content.decode()
        employee.refresh_from_db()
        assert employee.check_password(PASSWORD)

    def test_change_accepts_a_strong_password(self, client: Client, employee: User) -> None:
        client.force_login(employee)
        response = client.post(
            "/accounts/password/change/", {"oldpassword": PASSWORD, "password1": STRONG, "password2": STRONG}
        )
        assert response.status_code == 302
        employee.refresh_from_db()
        assert employee.check_password(STRONG)


class TestInvitationAcceptance:
    def _invite(self, admin: User, capture) -> str:
        with capture(execute=True):
            services.invitation_send(actor=admin, email="noe@example.com", first_name="Noé", last_name="Nouveau")
        return re.search(r"/accounts/invitation/([^/\s]+)/", mail.outbox[-1].body).group(1)

    def test_end_to_end(self, client_en: Client, network_admin: User, django_capture_on_commit_callbacks) -> None:
        token = self._invite(network_admin, django_capture_on_commit_callbacks)
        url = reverse("accounts:invitation-accept", kwargs={"token": token})
        page = client_en.get(url)
        assert page.status_code == 200
        assert 'value="Noé"' in page.content.decode()
        assert labelled_inputs_are_all_labelled(page.content.decode())
        response = client_en.post(
            url, {"first_name": "Noé", "last_name": "Nouveau", "password1": STRONG, "password2": STRONG}
        )
        assert response.status_code == 302
        user = User.objects.get(email="noe@example.com")
        assert client_en.session["_auth_user_id"] == str(user.pk)
        assert user.profile.pk is not None
        # The link is spent now.
        client_en.logout()
        assert client_en.get(url).status_code == 410
        # And the password works for signing in.
        assert sign_in(client_en, "noe@example.com", STRONG).status_code == 302

    def test_a_weak_password_is_refused_next_to_the_field(
        self, client_en: Client, network_admin: User, django_capture_on_commit_callbacks
    ) -> None:
        token = self._invite(network_admin, django_capture_on_commit_callbacks)
        url = reverse("accounts:invitation-accept", kwargs={"token": token})
        response = client_en.post(
            url, {"first_name": "Noé", "last_name": "Nouveau", "password1": "password", "password2": "password"}
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert 'id="id_password1_error"' in html
        assert "This password is too common" in html
        assert not User.objects.filter(email="noe@example.com").exists()

    def test_mismatched_passwords_are_refused(
        self, client_en: Client, network_admin: User, django_capture_on_commit_callbacks
    ) -> None:
        token = self._invite(network_admin, django_capture_on_commit_callbacks)
        url = reverse("accounts:invitation-accept", kwargs={"token": token})
        response = client_en.post(url, {"first_name": "N", "last_name": "N", "password1": STRONG, "password2": "x"})
        assert response.status_code == 400
        assert "The two passwords differ" in response.content.decode()

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"revoked_at": timezone.now()}, "withdrawn by an administrator"),
            ({"expires_at": timezone.now()}, "This invitation has expired"),
        ],
    )
    def test_unusable_links_answer_410_with_a_reason(
        self,
        client_en: Client,
        network_admin: User,
        django_capture_on_commit_callbacks,
        change: dict[str, object],
        message: str,
    ) -> None:
        token = self._invite(network_admin, django_capture_on_commit_callbacks)
        Invitation.objects.update(**change)
        response = client_en.get(reverse("accounts:invitation-accept", kwargs={"token": token}))
        assert response.status_code == 410
        assert message in response.content.decode()

    def test_an_unknown_link_answers_404(self, client_en: Client, db: None) -> None:
        response = client_en.get(reverse("accounts:invitation-accept", kwargs={"token": "made-up"}))
        assert response.status_code == 404
        assert "We do not know this invitation link" in response.content.decode()


class TestTwoFactor:
    def test_a_person_with_totp_is_asked_for_the_code_after_the_password(self, client: Client, db: None) -> None:
        user = UserFactory()
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        response = sign_in(client, user.email)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
        assert "_auth_user_id" not in client.session
        page = client.get(reverse("mfa_authenticate"))
        assert page.status_code == 200
        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert "_auth_user_id" not in client.session
        assert wrong.status_code == 200
        code = format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))
        assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
        assert client.session["_auth_user_id"] == str(user.pk)

    def test_totp_can_be_activated_from_the_settings(self, client_en: Client, employee: User) -> None:
        sign_in(client_en, employee.email)
        settings_page = client_en.get("/accounts/settings/").content.decode()
        assert reverse("mfa_index") in settings_page
        assert reverse("account_change_password") in settings_page
        assert client_en.get(reverse("mfa_index")).status_code == 200
        page = client_en.get(reverse("mfa_activate_totp"), follow=True)
        if page.redirect_chain:  # allauth may ask for the password again first
            assert 'class="topbar"' in page.content.decode()
            page = client_en.post(page.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
        assert page.status_code == 200
        html = page.content.decode()
        assert 'class="qr-code"' in html
        secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', html).group(1)
        code = format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))
        response = client_en.post(reverse("mfa_activate_totp"), {"code": code})
        assert response.status_code == 302
        assert Authenticator.objects.filter(user=employee, type=Authenticator.Type.TOTP).exists()
        # Recovery codes come with it and their page renders in our layout.
        codes = client_en.get(reverse("mfa_view_recovery_codes"))
        assert codes.status_code == 200
        assert 'class="topbar"' in codes.content.decode()


@pytest.mark.parametrize(
    "url_name",
    ["account_login", "account_signup", "account_reset_password", "account_reset_password_done"],
)
def test_anonymous_account_pages_render_in_our_layout(client_en: Client, db: None, url_name: str) -> None:
    response = client_en.get(reverse(url_name))
    assert response.status_code == 200
    assert 'class="topbar"' in response.content.decode()


@pytest.mark.parametrize(
    "url_name",
    ["account_logout", "account_change_password", "account_email", "mfa_index", "accounts:settings"],
)
def test_signed_in_account_pages_render_in_our_layout(client_en: Client, employee: User, url_name: str) -> None:
    sign_in(client_en, employee.email)
    response = client_en.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="topbar"' in html
    assert "<script>" not in html  # CSP: no inline script without a nonce


class TestLanguageSwitch:
    def test_a_signed_in_person_switches_and_the_choice_is_saved(self, client, employee):
        client.force_login(employee)
        response = client.post("/accounts/language/", {"language": "en", "next": "/people/"})
        assert response.status_code == 302
        assert response["Location"] == "/people/"
        employee.refresh_from_db()
        assert employee.language == "en"
        assert '<html lang="en">' in client.get("/people/").content.decode()
        client.post("/accounts/language/", {"language": "fr", "next": "/people/"})
        assert '<html lang="fr">' in client.get("/people/").content.decode()

    def test_an_anonymous_visitor_gets_a_cookie(self, client, db):
        response = client.post("/accounts/language/", {"language": "en", "next": "/accounts/login/"})
        assert response.cookies["django_language"].value == "en"
        assert '<html lang="en">' in client.get("/accounts/login/").content.decode()

    def test_an_outside_next_url_is_ignored(self, client, db):
        response = client.post("/accounts/language/", {"language": "en", "next": "https://evil.example/"})
        assert response["Location"] == "/"


class TestSettingsPage:
    """The person's settings: real labels, empty choices in words, and the theme applied to every page."""

    @pytest.mark.parametrize("language", ["en", "fr"])
    def test_labels_and_choices_are_words(self, client: Client, employee: User, language: str) -> None:
        client.force_login(employee)
        client.cookies["django_language"] = language
        html = client.get("/accounts/settings/").text
        assert "---------" not in html
        assert "Choose an option" not in html
        expected = {
            "en": ["Like your browser", "Time zone", "Theme", "Automatic, like your device", "Light", "Dark"],
            "fr": ["Comme votre navigateur", "Fuseau horaire", "Thème", "Automatique, comme votre appareil", "Clair"],
        }[language]
        for words in expected:
            assert words in html

    def test_the_theme_chosen_applies_to_every_page(self, client: Client, employee: User) -> None:
        client.force_login(employee)
        default = client.get("/people/").text
        assert '<html lang="en">' in default  # automatic: the device decides
        assert '<meta name="color-scheme" content="light dark">' in default
        response = client.post(
            "/accounts/settings/", {"language": "en", "timezone": "Europe/Paris", "theme": "dark"}, follow=True
        )
        assert "Your preferences are saved." in response.text
        employee.refresh_from_db()
        assert employee.theme == "dark"
        page = client.get("/people/").text
        assert '<html lang="en" data-theme="dark">' in page
        assert '<meta name="color-scheme" content="dark">' in page
        client.post("/accounts/settings/", {"language": "en", "timezone": "Europe/Paris", "theme": "light"})
        assert '<html lang="en" data-theme="light">' in client.get("/people/").text

    def test_an_unknown_theme_is_answered_next_to_the_field(self, client: Client, employee: User) -> None:
        client.force_login(employee)
        client.cookies["django_language"] = "en"
        response = client.post("/accounts/settings/", {"language": "", "timezone": "Europe/Paris", "theme": "pink"})
        assert response.status_code == 400
        assert 'id="id_theme_error"' in response.text
        employee.refresh_from_db()
        assert employee.theme == "auto"

    def test_switching_the_language_keeps_the_theme(self, client: Client, employee: User) -> None:
        employee.theme = "dark"
        employee.save()
        client.force_login(employee)
        client.post("/accounts/language/", {"language": "fr", "next": "/"})
        employee.refresh_from_db()
        assert (employee.language, employee.theme) == ("fr", "dark")
