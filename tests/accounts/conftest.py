from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def client_en(client: Client) -> Client:
    """A browser that prefers English (the source language of every message)."""
    client.cookies["django_language"] = "en"
    return client
