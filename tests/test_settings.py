"""Settings: production by default (kept secret key, host names from the address); database connections."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


# Cookies and debug mode, then the database: CONN_MAX_AGE and the whole entry.
PRINT_SETTINGS = (
    "import essaim.settings as s; d = s.DATABASES['default']; "
    "print(s.SESSION_COOKIE_SECURE, s.DEBUG); print(d['CONN_MAX_AGE'], d)"
)
# The server's identity: key, host names, address, cookies, HSTS, trusted origins (one JSON line).
PRINT_SERVER = (
    "import json, essaim.settings as s; print(json.dumps({'key': s.SECRET_KEY, 'hosts': s.ALLOWED_HOSTS, "
    "'site': s.SITE_URL, 'debug': s.DEBUG, 'secure': [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE], "
    "'hsts': s.SECURE_HSTS_SECONDS, 'origins': s.CSRF_TRUSTED_ORIGINS}))"
)


def load_settings(*, code: str = PRINT_SETTINGS, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ESSAIM_")}
    environment.update(env)
    return subprocess.run(  # noqa: S603 - this interpreter, code from this file
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def server_settings(data_dir: Path, **env: str) -> dict[str, Any]:
    result = load_settings(code=PRINT_SERVER, ESSAIM_DATA_DIR=str(data_dir), **env)
    assert result.returncode == 0, result.stderr
    loaded: dict[str, Any] = json.loads(result.stdout)
    return loaded


class TestProductionByDefault:
    """``make run`` with nothing set: debug off, a kept key, host names from the address it listens on."""

    def test_debug_is_off_and_a_secret_key_is_made_once_and_kept_private(self, tmp_path):
        first = server_settings(tmp_path)
        assert first["debug"] is False
        key_file = tmp_path / "secret_key"
        assert key_file.read_text().strip() == first["key"]
        assert len(first["key"]) >= 50
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert server_settings(tmp_path)["key"] == first["key"], "the key survives a restart"
        assert server_settings(tmp_path.parent / f"{tmp_path.name}-other")["key"] != first["key"]

    def test_a_key_in_the_environment_wins_and_nothing_is_written(self, tmp_path):
        assert server_settings(tmp_path, ESSAIM_SECRET_KEY="k" * 50)["key"] == "k" * 50
        assert not (tmp_path / "secret_key").exists()

    def test_an_empty_key_file_is_refused_with_a_clear_message(self, tmp_path):
        (tmp_path / "secret_key").write_text("")
        result = load_settings(code=PRINT_SERVER, ESSAIM_DATA_DIR=str(tmp_path))
        assert result.returncode != 0
        assert "secret_key" in result.stderr
        assert "ImproperlyConfigured" in result.stderr

    def test_host_names_and_site_address_follow_the_bind(self, tmp_path):
        loaded = server_settings(tmp_path, ESSAIM_BIND="127.0.0.1:8123")
        assert loaded["site"] == "http://127.0.0.1:8123"
        assert {"127.0.0.1", "localhost", "[::1]"} <= set(loaded["hosts"])
        assert "*" not in loaded["hosts"]
        assert server_settings(tmp_path, ESSAIM_BIND="[::1]:8124")["site"] == "http://[::1]:8124"
        named = server_settings(tmp_path, ESSAIM_BIND="rse.intranet:8125")
        assert (named["site"], named["hosts"]) == ("http://rse.intranet:8125", ["rse.intranet"])

    @pytest.mark.parametrize("bind", ["0.0.0.0:8126", "[::]:8126"])
    def test_a_bind_on_every_interface_answers_any_host_name(self, tmp_path, bind):
        loaded = server_settings(tmp_path, ESSAIM_BIND=bind)
        assert loaded["hosts"] == ["*"], "people reach this machine by names it cannot know"
        assert loaded["site"].endswith(":8126")

    def test_the_site_address_gives_the_host_names_and_the_trusted_origin(self, tmp_path):
        loaded = server_settings(tmp_path, ESSAIM_BIND="0.0.0.0:8000", ESSAIM_SITE_URL="https://rse.example.com/")
        assert loaded["site"] == "https://rse.example.com"
        assert loaded["hosts"][0] == "rse.example.com"
        assert "*" not in loaded["hosts"]
        assert loaded["origins"] == ["https://rse.example.com"]

    def test_allowed_hosts_in_the_environment_win(self, tmp_path):
        loaded = server_settings(
            tmp_path, ESSAIM_SITE_URL="https://rse.example.com", ESSAIM_ALLOWED_HOSTS="a.example, b.example"
        )
        assert loaded["hosts"] == ["a.example", "b.example"]

    def test_cookies_are_secure_when_the_site_is_served_over_https_whatever_debug_says(self, tmp_path):
        plain = server_settings(tmp_path, ESSAIM_BIND="127.0.0.1:8127")
        assert (plain["secure"], plain["hsts"]) == ([False, False], 0), "sign-in works over http://127.0.0.1"
        https = server_settings(tmp_path, ESSAIM_SITE_URL="https://rse.example.com")
        assert (https["secure"], https["hsts"]) == ([True, True], 31536000)
        debug = server_settings(tmp_path, ESSAIM_SITE_URL="https://rse.example.com", ESSAIM_DEBUG="1")
        assert debug["debug"] is True
        assert debug["secure"] == [True, True]


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


# --- Monitoring and logs (essaim/health, docs/monitoring.md): a mistake in them stops the start, saying which.
@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ESSAIM_METRICS_ALLOW", "127.0.0.1,10.0.0.0/33", "ESSAIM_METRICS_ALLOW: '10.0.0.0/33' does not appear to be"),
        ("ESSAIM_METRICS_ALLOW", "localhost", "ESSAIM_METRICS_ALLOW: 'localhost' does not appear to be"),
        ("ESSAIM_LOG_FORMAT", "xml", "ESSAIM_LOG_FORMAT must be text or json."),
    ],
)
def test_a_wrong_monitoring_setting_is_refused_with_its_name(tmp_path, variable, value, message):
    result = load_settings(ESSAIM_DATA_DIR=str(tmp_path), **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_metrics_are_for_loopback_alone_by_default_and_an_empty_list_leaves_only_the_token(tmp_path):
    code = "import essaim.settings as s; print(s.METRICS_ALLOW, repr(s.METRICS_TOKEN))"
    assert load_settings(code=code, ESSAIM_DATA_DIR=str(tmp_path)).stdout.strip() == "['127.0.0.0/8', '::1'] ''"
    empty = load_settings(code=code, ESSAIM_DATA_DIR=str(tmp_path), ESSAIM_METRICS_ALLOW="", ESSAIM_METRICS_TOKEN="t")
    assert empty.stdout.strip() == "[] 't'"
