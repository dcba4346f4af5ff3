"""The raw data administration for accounts (/django-admin/)."""

from __future__ import annotations

from django.test import Client

from essaim.accounts.models import User
from tests.accounts.factories import AdminFactory

STRONG = "violet-tandem-harbour-42"


def superuser_client(client: Client) -> Client:
    client.force_login(AdminFactory(is_staff=True, is_superuser=True))
    return client


def test_the_user_pages_open(client: Client, employee: User) -> None:
    client = superuser_client(client)
    assert client.get("/django-admin/accounts/user/").status_code == 200
    assert client.get("/django-admin/accounts/user/?q=lea").status_code == 200
    assert client.get(f"/django-admin/accounts/user/{employee.pk}/change/").status_code == 200
    assert client.get("/django-admin/accounts/invitation/").status_code == 200
    assert client.get("/django-admin/network/networksettings/").status_code == 200


def test_adding_a_user_gives_them_a_profile(client: Client, db: None) -> None:
    client = superuser_client(client)
    response = client.post(
        "/django-admin/accounts/user/add/",
        {
            "email": "new@example.com",
            "first_name": "Noé",
            "last_name": "Nouveau",
            "kind": "employee",
            "usable_password": "true",
            "password1": STRONG,
            "password2": STRONG,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="new@example.com")
    assert user.handle == "noe.nouveau"
    assert user.profile.pk is not None
    assert user.check_password(STRONG)


def test_invitations_cannot_be_added_there(client: Client, db: None) -> None:
    client = superuser_client(client)
    assert client.get("/django-admin/accounts/invitation/add/").status_code == 403


def test_renaming_someone_refreshes_their_directory_keys(client: Client, employee: User) -> None:
    client = superuser_client(client)
    response = client.post(
        f"/django-admin/accounts/user/{employee.pk}/change/",
        {
            "email": employee.email,
            "first_name": "Léonie",
            "last_name": "Martin",
            "handle": employee.handle,
            "kind": "employee",
            "is_active": "on",
            "language": "",
            "timezone": "Europe/Paris",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    employee.profile.refresh_from_db()
    assert employee.profile.search_key.startswith("leonie martin")


def test_unticking_active_there_revokes_every_credential_too(client: Client, employee: User) -> None:
    from essaim.api import selectors as api_selectors
    from essaim.api import services as api_services

    _token, raw = api_services.personal_token_create(actor=employee, name="Script")
    session = Client()
    session.force_login(employee)
    client = superuser_client(client)
    change = {
        "email": employee.email,
        "first_name": employee.first_name,
        "last_name": employee.last_name,
        "handle": employee.handle,
        "kind": "employee",
        "language": "",
        "timezone": "Europe/Paris",
    }
    url = f"/django-admin/accounts/user/{employee.pk}/change/"
    assert client.post(url, change).status_code == 302  # "active" unticked
    assert client.post(url, {**change, "is_active": "on"}).status_code == 302  # and ticked again
    assert api_selectors.personal_token_authenticate(raw=raw) is None
    assert session.get("/").status_code == 302
