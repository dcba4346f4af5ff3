"""Shared counters (``core.counters``): the SQLite file of the embedded default, Redis when configured, and
the limits they serve, checked on a real server with three workers."""

from __future__ import annotations

import http.client
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches

from essaim.core import counters
from essaim.core.counters import SQLiteCounterCache

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path: Path) -> SQLiteCounterCache:
    return SQLiteCounterCache(str(tmp_path / "counters.sqlite3"), {})


class TestSQLiteCounterCache:
    def test_count_creates_then_adds_one(self, store: SQLiteCounterCache) -> None:
        assert [store.count("k", 60) for _ in range(3)] == [1, 2, 3]
        assert store.get("k") == 3

    def test_a_count_starts_again_once_expired(
        self, store: SQLiteCounterCache, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        store.count("k", 10)
        store.count("k", 10)
        later = time.time() + 11
        monkeypatch.setattr(time, "time", lambda: later)
        assert store.get("k") is None
        assert store.count("k", 10) == 1

    def test_django_cache_api(self, store: SQLiteCounterCache) -> None:
        assert store.add("lock", True, timeout=10) is True
        assert store.add("lock", True, timeout=10) is False  # taken
        assert store.get("lock") is True
        store.set("history", [3.5, 1.25], timeout=10)
        assert store.get("history") == [3.5, 1.25]
        assert store.delete("lock") is True
        assert store.delete("lock") is False
        assert store.add("lock", True, timeout=10) is True
        store.set("n", 5)
        assert store.incr("n", 2) == 7
        with pytest.raises(ValueError, match="not found"):
            store.incr("missing")
        assert store.touch("n", timeout=None) is True
        assert store.get("missing", "default") == "default"
        store.set("gone", 1, timeout=0)
        assert store.get("gone") is None
        store.clear()
        assert store.get("n") is None

    def test_add_takes_an_expired_key(self, store: SQLiteCounterCache, monkeypatch: pytest.MonkeyPatch) -> None:
        store.add("lock", "first", timeout=1)
        later = time.time() + 2
        monkeypatch.setattr(time, "time", lambda: later)
        assert store.add("lock", "second", timeout=1) is True
        assert store.get("lock") == "second"

    def test_expired_rows_are_purged(self, store: SQLiteCounterCache, monkeypatch: pytest.MonkeyPatch) -> None:
        store.count("old", 1)
        later = time.time() + counters.PURGE_EVERY_S + 2
        monkeypatch.setattr(time, "time", lambda: later)
        store.count("new", 60)
        assert store._db().execute("SELECT key FROM counter").fetchall() == [(":1:new",)]

    @pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
    def test_processes_count_together(self, store: SQLiteCounterCache) -> None:
        """Four processes forked after this one opened the file, as a server's workers may be, each
        open their own connection and add 200: nothing is lost."""
        global _forked_store  # noqa: PLW0603 - what the forked children inherit
        _forked_store = store
        store.count("shared", 60)
        with multiprocessing.get_context("fork").Pool(4) as pool:
            pool.map(_count_many, [200] * 4)
        assert store.count("shared", 60) == 802


_forked_store: SQLiteCounterCache | None = None


def _count_many(times: int) -> None:
    assert _forked_store is not None
    for _ in range(times):
        _forked_store.count("shared", 60)


def test_the_ratelimit_alias_is_shared_never_a_process_s_memory() -> None:
    backend = type(caches[counters.ALIAS])
    expected = counters.RedisCounterCache if settings.REDIS_URL else SQLiteCounterCache
    assert backend is expected


def test_hit_counts_in_the_ratelimit_alias() -> None:
    assert [counters.hit("api-rate:test", window=60) for _ in range(3)] == [1, 2, 3]
    assert caches[counters.ALIAS].get("api-rate:test") == 3


def test_allauth_counts_in_the_ratelimit_alias() -> None:
    from allauth.core.internal import ratelimit

    ratelimit.cache.set("allauth-probe", 1)
    assert caches[counters.ALIAS].get("allauth-probe") == 1


# --- A real server: ``manage.py serve --workers 3``, its requests spread over the workers ---------------

PASSWORD = "Bon-mot-de-passe-2026"
WRONG = "Mauvais-mot-de-passe"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_env(data_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ESSAIM_DATABASE_URL"}  # SQLite in data_dir
    env.update(ESSAIM_DATA_DIR=data_dir, ESSAIM_DEBUG="1", ESSAIM_FAST_PASSWORD_HASHER="1", ESSAIM_LOG_LEVEL="ERROR")
    env["ESSAIM_RATE_LIMITS"] = ""  # the limits a deployment has (the tests turn them off elsewhere)
    return env


SETUP = f"""
from django.core.management import call_command
call_command("migrate", verbosity=0)
from essaim.accounts.services import user_create
from essaim.api.services import personal_token_create
users = [user_create(email=f"p{{i}}@example.com", first_name="P", last_name=str(i), password="{PASSWORD}",
                     email_verified=True) for i in range(3)]
print(personal_token_create(actor=users[0], name="t")[1])
"""


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[int, str]]:
    """A server with three web workers on a fresh data directory: its port and a personal token."""
    data_dir = tempfile.mkdtemp(prefix="essaim-served-")
    env = _server_env(data_dir)
    manage = [sys.executable, "manage.py"]
    setup = subprocess.run(  # noqa: S603 - fixed argv
        [*manage, "shell", "-c", SETUP], cwd=REPO, env=env, check=True, capture_output=True, text=True
    )
    token = setup.stdout.strip().splitlines()[-1]  # after the shell's own line
    if settings.REDIS_URL:  # the same Redis database as this test process: start from nothing
        caches[counters.ALIAS].clear()
    port = _free_port()
    command = [*manage, "serve", "--workers", "3", "--threads", "1", "--no-worker", "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        _wait_until_served(port)
        yield port, token
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_until_served(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _request(port, "GET", "/accounts/login/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError("the server did not answer")


def _request(
    port: int, method: str, path: str, *, headers: dict[str, str] | None = None, body: str | None = None
) -> tuple[int, dict[str, str], str]:
    """One request on a new connection, so that the kernel hands it to any of the workers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers={"Accept-Language": "en", **(headers or {})})
        response = connection.getresponse()
        cookies = SimpleCookie()
        for value in response.headers.get_all("Set-Cookie") or []:
            cookies.load(value)
        return response.status, {k: m.value for k, m in cookies.items()}, response.read().decode()
    finally:
        connection.close()


def _sign_in(port: int, email: str, password: str, *, host: str | None = None) -> tuple[int, str]:
    """allauth's sign-in form, as a browser fills it: its status (302 = signed in) and page."""
    headers = {"Host": host} if host else {}
    _status, cookies, page = _request(port, "GET", "/accounts/login/", headers=headers)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match is not None
    body = urllib.parse.urlencode({"login": email, "password": password, "csrfmiddlewaretoken": match.group(1)})
    headers |= {"Cookie": f"csrftoken={cookies['csrftoken']}", "Content-Type": "application/x-www-form-urlencoded"}
    status, _cookies, page = _request(port, "POST", "/accounts/login/", headers=headers, body=body)
    return status, page


TOO_MANY = "Too many failed sign-in attempts"


class TestSharedByTheWorkersOfARealServer:
    def test_an_account_locks_after_exactly_five_wrong_passwords(self, server: tuple[int, str]) -> None:
        port, _token = server
        for _attempt in range(5):
            status, page = _sign_in(port, "p1@example.com", WRONG)
            assert status == 200
            assert TOO_MANY not in page
        status, page = _sign_in(port, "p1@example.com", PASSWORD)
        assert status == 200, "the right password, after five wrong ones, must wait"
        assert TOO_MANY in page

    def test_the_host_header_s_port_does_not_reset_an_account_s_count(self, server: tuple[int, str]) -> None:
        port, _token = server
        for attempt in range(7):
            status, page = _sign_in(port, "p2@example.com", WRONG, host=f"127.0.0.1:{20000 + attempt}")
            assert status == 200
            assert (TOO_MANY in page) is (attempt >= 5)
        status, page = _sign_in(port, "p2@example.com", PASSWORD, host="127.0.0.1:29999")
        assert status == 200
        assert TOO_MANY in page

    def test_the_api_limit_lets_exactly_its_count_through(self, server: tuple[int, str]) -> None:
        port, token = server
        limit, window = 300, 300  # the default: ESSAIM_RATE_LIMITS' api=300/300
        left = window - time.time() % window
        if left < 20:  # a fixed window: do not straddle two
            time.sleep(left + 0.5)
        headers = {"Authorization": f"Bearer {token}"}
        with ThreadPoolExecutor(6) as pool:
            statuses = list(
                pool.map(lambda _i: _request(port, "GET", "/api/v1/accounts/verify_credentials", headers=headers)[0],
                         range(limit + 30))
            )  # fmt: skip
        assert statuses.count(200) == limit
        assert statuses.count(429) == 30
