"""A personal token opens read-only pages (attachment downloads), never unsafe ones."""

from django.test import Client

from essaim.api.services import personal_token_create


def bearer(user, client: Client | None = None) -> Client:
    _token, raw = personal_token_create(actor=user, name="script")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_a_token_reads_a_page_as_its_owner(employee):
    response = bearer(employee).get("/people/")
    assert response.status_code == 200
    assert "Léa" in response.text


def test_a_wrong_token_is_treated_as_signed_out(db):
    client = Client(headers={"Authorization": "Bearer essaim_not-a-token"})
    assert client.get("/people/").status_code == 302


def test_a_token_never_authorises_an_unsafe_page_request(employee, colleague):
    response = bearer(employee).post(f"/@{colleague.handle}/follow")
    assert response.status_code == 302  # to the sign-in page: no session, no follow
    assert not employee.following_set.exists()


def test_a_token_from_before_a_deactivation_no_longer_opens_pages_after_the_reactivation(employee, network_admin):
    from essaim.accounts.services import user_deactivate, user_reactivate

    client = bearer(employee)
    assert client.get("/people/").status_code == 200
    user_deactivate(actor=network_admin, user=employee)
    user_reactivate(actor=network_admin, user=employee)
    assert client.get("/people/").status_code == 302  # signed out: the token was revoked
    assert client.get("/api/v1/accounts/verify_credentials").status_code == 401
