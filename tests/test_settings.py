"""Settings: production refuses to start without a secret key and allowed hosts; database connections."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


# Cookies and debug mode, then the database: CONN_MAX_AGE and the whole entry.
PRINT_SETTINGS = (
    "import essaim.settings as s; d = s.DATABASES['default']; "
    "print(s.SESSION_COOKIE_SECURE, s.DEBUG); print(d['CONN_MAX_AGE'], d)"
)


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ESSAIM_")}
    environment.update(env)
    return subprocess.run(  # noqa: S603 - this interpreter, code from this file
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "env",
    [
        {"ESSAIM_DEBUG": "0", "ESSAIM_ALLOWED_HOSTS": "rse.example.com"},
        {"ESSAIM_DEBUG": "0", "ESSAIM_SECRET_KEY": "k" * 50},
    ],
)
def test_production_refuses_to_start_without_key_or_hosts(env, tmp_path):
    result = load_settings(ESSAIM_DATA_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_with_key_and_hosts_uses_secure_cookies(tmp_path):
    result = load_settings(
        ESSAIM_DATA_DIR=str(tmp_path),
        ESSAIM_DEBUG="0",
        ESSAIM_SECRET_KEY="k" * 50,
        ESSAIM_ALLOWED_HOSTS="rse.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].split() == ["True", "False"]


def test_security_headers_on_every_page(client, db):
    response = client.get("/accounts/login/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'nonce-" in csp
    assert "'unsafe-inline'" not in csp


def _database(tmp_path: Path, **env: str) -> str:
    result = load_settings(ESSAIM_DATA_DIR=str(tmp_path), **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[1]


def test_sqlite_connections_are_kept_between_requests(tmp_path):
    assert _database(tmp_path).startswith("600 ")


def test_postgresql_connections_are_kept_and_never_jit_compile(tmp_path):
    printed = _database(
        tmp_path, ESSAIM_DATABASE_URL="postgres://u@127.0.0.1:5432/essaim?options=-c%20statement_timeout%3D5000"
    )
    assert printed.startswith("600 ")
    assert "-c jit=off" in printed
    assert "statement_timeout" in printed, "options given in the URL are kept"


# --- The site's address (issue 17, point 2): ESSAIM_SITE_URL, else where ESSAIM_BIND listens.


def _site_url(tmp_path: Path, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ESSAIM_")}
    environment.update(ESSAIM_DATA_DIR=str(tmp_path), **env)
    code = "import essaim.settings as s; print(s.SITE_URL)"
    result = subprocess.run(  # noqa: S603 - this interpreter, code from this file
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_site_address_follows_the_bind_when_no_site_url_is_set(tmp_path):
    assert _site_url(tmp_path, ESSAIM_BIND="127.0.0.1:8101") == "http://127.0.0.1:8101"
    assert _site_url(tmp_path) == "http://127.0.0.1:8000"


def test_an_explicit_site_url_wins_over_the_bind(tmp_path):
    assert _site_url(tmp_path, ESSAIM_BIND="0.0.0.0:8101", ESSAIM_SITE_URL="https://rse.example.com/") == (
        "https://rse.example.com"
    )


@pytest.mark.parametrize(
    ("bind", "expected"),
    [
        ("127.0.0.1:8101", "http://127.0.0.1:8101"),
        ("localhost:9000", "http://localhost:9000"),
        ("rse.intranet:80", "http://rse.intranet"),
        ("0.0.0.0:8000", "http://127.0.0.1:8000"),  # every interface: this machine answers on its loopback
        ("[::]:8000", "http://[::1]:8000"),
        (":::8000", "http://[::1]:8000"),
        ("::1:8000", "http://[::1]:8000"),
        ("[::1]:8000", "http://[::1]:8000"),
        (":8000", "http://127.0.0.1:8000"),
        ("8000", "http://127.0.0.1:8000"),
        ("", "http://127.0.0.1:8000"),
    ],
)
def test_a_bind_becomes_an_address_a_browser_can_open(bind, expected):
    from essaim.settings import site_url_from

    assert site_url_from(site_url="", bind=bind) == expected
