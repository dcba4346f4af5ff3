import pytest


@pytest.mark.django_db
def test_anonymous_home_redirects_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_signed_in_home_renders(client, employee):
    client.force_login(employee)
    response = client.get("/")
    assert response.status_code == 200
    assert "Léa" in response.content.decode()


def test_mail_goes_to_the_test_outbox(mailoutbox):
    from django.core.mail import send_mail

    send_mail("Bonjour", "Corps", "a@example.com", ["b@example.com"])
    assert [m.subject for m in mailoutbox] == ["Bonjour"]
