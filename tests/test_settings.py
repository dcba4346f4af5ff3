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
