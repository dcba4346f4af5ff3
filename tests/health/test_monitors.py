"""Who reads the monitoring endpoints: client × endpoint → status (and whether /readyz shows its numbers).

Liveness and readiness answer everyone (a load balancer has no secret); the numbers behind readiness and the
metrics are for monitors: an allowed address connecting directly, or the token. Roles grant nothing here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from essaim.health.monitors import address_allowed, has_token
from tests.access.conftest import read_table

TOKEN = "a-long-random-metrics-token"
OUTSIDER = "203.0.113.9"
# How each client connects: its address, and the headers it sends (a proxy adds X-Forwarded-*).
CLIENTS: dict[str, tuple[str, dict[str, str]]] = {
    "loopback": ("127.0.0.1", {}),
    "loopback_v6": ("::1", {}),
    "loopback_seen_over_v6": ("::ffff:127.0.0.1", {}),
    "allowed_network": ("10.20.0.7", {}),
    "outsider": (OUTSIDER, {}),
    "outsider_with_token": (OUTSIDER, {"authorization": f"Bearer {TOKEN}"}),
    "outsider_wrong_token": (OUTSIDER, {"authorization": "Bearer not-the-token"}),
    "outsider_token_not_bearer": (OUTSIDER, {"authorization": f"Basic {TOKEN}"}),
    "through_proxy": ("127.0.0.1", {"x-forwarded-for": OUTSIDER, "x-forwarded-proto": "https"}),
    "through_proxy_spoofing": ("127.0.0.1", {"x-forwarded-for": "127.0.0.1"}),
    "through_proxy_with_token": ("127.0.0.1", {"x-forwarded-proto": "https", "authorization": f"Bearer {TOKEN}"}),
    "outsider_network_admin": (OUTSIDER, {}),
}
COLUMNS = ["healthz", "readyz", "details", "metrics"]
TABLE = """
                                healthz  readyz  details  metrics
    loopback                    200      200     yes      200
    loopback_v6                 200      200     yes      200
    loopback_seen_over_v6       200      200     yes      200
    allowed_network             200      200     yes      200
    outsider                    200      200     no       403
    outsider_with_token         200      200     yes      200
    outsider_wrong_token        200      200     no       403
    outsider_token_not_bearer   200      200     no       403
    through_proxy               200      200     no       403
    through_proxy_spoofing      200      200     no       403
    through_proxy_with_token    200      200     yes      200
    outsider_network_admin      200      200     no       403
"""
ANSWERS = read_table(TABLE, COLUMNS, header=True)


@pytest.fixture
def monitoring(settings: Any) -> None:
    settings.METRICS_ALLOW = ["127.0.0.0/8", "::1", "10.20.0.0/16"]
    settings.METRICS_TOKEN = TOKEN


@pytest.mark.django_db
@pytest.mark.usefixtures("monitoring")
@pytest.mark.parametrize("who", CLIENTS)
def test_who_reads_what(client: Client, who: str, network_admin: Any) -> None:
    address, headers = CLIENTS[who]
    if who.endswith("network_admin"):
        client.force_login(network_admin)
    answers = {
        "healthz": str(client.get("/healthz", REMOTE_ADDR=address, headers=headers).status_code),
        "metrics": str(client.get("/metrics", REMOTE_ADDR=address, headers=headers).status_code),
    }
    readyz = client.get("/readyz", REMOTE_ADDR=address, headers=headers)
    answers["readyz"] = str(readyz.status_code)
    answers["details"] = "yes" if "ms" in readyz.json()["checks"]["database"] else "no"
    assert answers == {column: ANSWERS[(who, column)] for column in COLUMNS}


def test_the_table_covers_every_client() -> None:
    assert {row for row, _column in ANSWERS} == set(CLIENTS)


@pytest.mark.django_db
def test_a_refused_scrape_says_how_to_be_allowed(client: Client) -> None:
    refused = client.get("/metrics", REMOTE_ADDR=OUTSIDER)
    assert refused["Content-Type"] == "text/plain; charset=utf-8"
    assert "ESSAIM_METRICS_ALLOW" in refused.content.decode()
    assert "ESSAIM_METRICS_TOKEN" in refused.content.decode()


def test_without_a_token_set_no_bearer_opens_the_metrics(settings: Any, rf: Any) -> None:
    settings.METRICS_TOKEN = ""
    assert not has_token(rf.get("/metrics", headers={"authorization": "Bearer "}))


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("192.168.1.2", False),
        ("", False),
        ("nonsense", False),
    ],
)
def test_by_default_only_loopback_is_allowed(address: str, allowed: bool) -> None:
    assert address_allowed(address) is allowed
