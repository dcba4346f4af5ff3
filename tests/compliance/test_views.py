"""The pages' wiring: a refused form answers 400 with its message and keeps what was typed; a French reader reads
the refusals of the services in French; what was done is listed."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from essaim.accounts.models import User
from essaim.compliance import services
from essaim.compliance.models import LegalHold
from essaim.spaces.models import Space

pytestmark = pytest.mark.django_db


def test_a_refused_policy_keeps_what_was_typed(client: Client, network_admin: User) -> None:
    client.force_login(network_admin)
    response = client.post(reverse("compliance:retention"), {"space": "", "mode": "delete", "days": "0"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_days_error"' in body
    (delete,) = re.findall(r'<input type="radio" name="mode" value="delete"[^>]*>', body)
    assert "checked" in delete


def test_a_policy_is_listed_with_its_scope(client: Client, network_admin: User, secret_space: Space) -> None:
    client.force_login(network_admin)
    client.post(reverse("compliance:retention"), {"space": secret_space.pk, "mode": "archive", "days": "365"})
    body = client.get(reverse("compliance:retention")).content.decode()
    assert "Projet Orion" in body
    assert "Archived after 365 days" in body


def test_a_hold_needs_one_subject_and_a_second_one_is_refused_in_the_readers_language(
    client: Client, officer: User, employee: User
) -> None:
    client.force_login(officer)
    response = client.post(reverse("compliance:holds"), {"reason": "Affaire"})
    assert response.status_code == 400
    assert "Choose either a person or a space." in response.content.decode()
    services.legal_hold_place(actor=officer, user=employee, reason="Affaire A")
    response = client.post(
        reverse("compliance:holds"), {"person": f"@{employee.handle}", "reason": "Affaire B"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "A legal hold already covers them" in response.content.decode()
    assert LegalHold.objects.count() == 1


def test_the_officer_sees_their_ready_export_with_its_link(client: Client, officer: User, secret_space: Space) -> None:
    export = services.compliance_export_request(
        actor=officer, space=secret_space, since=date(2026, 1, 1), until=date(2026, 12, 31)
    )
    services.compliance_export_build.call(export.pk)
    client.force_login(officer)
    body = client.get(reverse("compliance:exports")).content.decode()
    assert reverse("compliance:export-download", kwargs={"export_id": export.pk}) in body
    assert "Projet Orion" in body
