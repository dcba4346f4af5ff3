from __future__ import annotations

import gzip
import ipaddress
import time
import zlib
from http.server import BaseHTTPRequestHandler

import pytest

from essaim.core import safe_fetch
from essaim.core.safe_fetch import FetchError, Limits, address_is_blocked, fetch
from tests.core.loopback import LoopbackServer


@pytest.fixture
def server():
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def allow_loopback(settings):
    settings.FETCH_ALLOW = ["127.0.0.1"]


def _code(excinfo: pytest.ExceptionInfo[FetchError]) -> str:
    return excinfo.value.code


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.100.100.200",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - the address under test
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",  # 6to4 wrapping 127.0.0.1
    ],
)
def test_inside_addresses_are_blocked(address):
    assert address_is_blocked(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"])
def test_internet_addresses_are_not_blocked(address):
    assert not address_is_blocked(ipaddress.ip_address(address))


class TestFetchFromAnAllowedLoopbackServer:
    def test_gets_the_body_with_a_clear_user_agent_and_the_host_header(self, server, allow_loopback):
        server.route("/hello", body=b"bonjour", headers={"Content-Type": "text/plain; charset=utf-8", "ETag": '"v1"'})
        result = fetch(server.url("/hello"))
        assert result.ok
        assert result.body == b"bonjour"
        assert result.content_type == "text/plain"
        assert result.headers["etag"] == '"v1"'
        seen = server.requests[-1]
        assert seen.headers["user-agent"].startswith("Essaim/")
        assert seen.headers["host"] == f"127.0.0.1:{server.port}"

    def test_a_non_2xx_answer_is_returned_not_raised(self, server, allow_loopback):
        server.route("/gone", status=410)
        assert fetch(server.url("/gone")).status == 410

    def test_follows_a_redirect_to_another_allowed_page(self, server, allow_loopback):
        server.route("/old", status=301, headers={"Location": "/new"})
        server.route("/new", body=b"here")
        result = fetch(server.url("/old"))
        assert result.body == b"here"
        assert result.url == server.url("/new")

    def test_a_redirect_loop_is_cut(self, server, allow_loopback):
        server.route("/loop", status=302, headers={"Location": "/loop"})
        with pytest.raises(FetchError) as excinfo:
            fetch(server.url("/loop"), limits=Limits(max_redirects=3))
        assert _code(excinfo) == "too_many_redirects"
        assert len(server.requests) == 4

    def test_a_post_redirected_with_303_becomes_a_get(self, server, allow_loopback):
        server.route("/hook", status=303, headers={"Location": "/done"})
        server.route("/done", body=b"ok")
        assert fetch(server.url("/hook"), method="POST", body=b"{}").body == b"ok"
        assert [r.method for r in server.requests] == ["POST", "GET"]

    def test_redirects_can_be_left_to_the_caller(self, server, allow_loopback):
        server.route("/old", status=302, headers={"Location": "http://10.0.0.1/"})
        result = fetch(server.url("/old"), follow_redirects=False)
        assert result.status == 302

    def test_a_gzip_body_is_inflated(self, server, allow_loopback):
        server.route("/z", body=gzip.compress(b"<rss/>" * 100), headers={"Content-Encoding": "gzip"})
        assert fetch(server.url("/z")).body == b"<rss/>" * 100

    def test_a_deflate_body_is_inflated(self, server, allow_loopback):
        server.route("/d", body=zlib.compress(b"abc" * 100), headers={"Content-Encoding": "deflate"})
        assert fetch(server.url("/d")).body == b"abc" * 100


class TestRefusals:
    def test_loopback_is_refused_without_the_allow_list(self, server):
        server.route("/hello", body=b"secret")
        with pytest.raises(FetchError) as excinfo:
            fetch(server.url("/hello"))
        assert _code(excinfo) == "blocked_address"
        assert server.requests == []

    def test_a_name_that_resolves_to_loopback_is_refused(self, server):
        server.route("/hello", body=b"secret")
        with pytest.raises(FetchError) as excinfo:
            fetch(server.url("/hello", host="localhost"))
        assert _code(excinfo) == "blocked_address"
        assert server.requests == []

    def test_a_hostile_dns_answer_is_refused(self, server, monkeypatch):
        monkeypatch.setattr(safe_fetch, "resolve", lambda host, port: [ipaddress.ip_address("127.0.0.1")])
        with pytest.raises(FetchError) as excinfo:
            fetch(server.url("/", host="feeds.example.com"))
        assert _code(excinfo) == "blocked_address"

    def test_a_name_with_one_inside_address_among_public_ones_is_refused(self, monkeypatch):
        answers = [ipaddress.ip_address("93.184.215.14"), ipaddress.ip_address("10.0.0.5")]
        monkeypatch.setattr(safe_fetch, "resolve", lambda host, port: answers)
        with pytest.raises(FetchError) as excinfo:
            fetch("http://mixed.example.com/")
        assert _code(excinfo) == "blocked_address"

    def test_connects_to_the_checked_address_and_names_the_host(self, server, settings, monkeypatch):
        """No rebinding gap: the name is resolved once, and the connection goes to that very address."""
        settings.FETCH_ALLOW = ["intranet.example.com"]
        answers = iter([[ipaddress.ip_address("127.0.0.1")], [ipaddress.ip_address("93.184.215.14")]])
        monkeypatch.setattr(safe_fetch, "resolve", lambda host, port: next(answers))
        server.route("/feed", body=b"ok")
        assert fetch(server.url("/feed", host="intranet.example.com")).body == b"ok"
        assert server.requests[-1].headers["host"] == f"intranet.example.com:{server.port}"

    def test_a_redirect_to_a_private_address_is_refused(self, server, allow_loopback):
        server.route("/jump", status=302, headers={"Location": "http://10.0.0.1/admin"})
        with pytest.raises(FetchError) as excinfo:
            fetch(server.url("/jump"))
        assert _code(excinfo) == "blocked_address"

    def test_a_redirect_to_the_metadata_service_is_refused(self, server, allow_loopback):
        server.route("/jump", status=307, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
        with pytest.raises(FetchError) as excinfo:
            fetch(server.url("/jump"))
        assert _code(excinfo) == "blocked_address"

    def test_a_redirect_to_a_name_resolving_inside_is_refused(self, server, allow_loopback, monkeypatch):
        monkeypatch.setattr(safe_fetch, "resolve", lambda host, port: [ipaddress.ip_address("10.0.0.7")])
        server.route("/jump", status=302, headers={"Location": f"http://files.example.com:{server.port}/x"})
        with pytest.raises(FetchError) as excinfo:
            fetch(server.url("/jump"))
        assert _code(excinfo) == "blocked_address"

    def test_a_metadata_host_name_is_refused_before_resolving(self, monkeypatch):
        monkeypatch.setattr(safe_fetch, "resolve", lambda host, port: pytest.fail("resolved"))
        with pytest.raises(FetchError) as excinfo:
            fetch("http://metadata.google.internal/computeMetadata/v1/")
        assert _code(excinfo) == "blocked_address"

    @pytest.mark.parametrize(
        "url", ["ftp://example.com/x", "file:///etc/passwd", "http://user:pw@example.com/", "http://", "http://[::1"]
    )
    def test_urls_that_are_not_plain_http_are_refused(self, url):
        with pytest.raises(FetchError) as excinfo:
            fetch(url)
        assert _code(excinfo) == "bad_url"

    def test_a_gzip_bomb_is_refused_without_inflating_it(self, server, allow_loopback):
        bomb = gzip.compress(b"\0" * (50 * 1024 * 1024))
        assert len(bomb) < 100_000
        server.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
        with pytest.raises(FetchError) as excinfo:
            fetch(server.url("/bomb"), limits=Limits(max_bytes=1024 * 1024))
        assert _code(excinfo) == "decompression_bomb"

    def test_a_declared_oversized_body_is_refused_before_reading(self, server, allow_loopback):
        server.route("/big", body=b"x" * (2 * 1024 * 1024))
        with pytest.raises(FetchError) as excinfo:
            fetch(server.url("/big"), limits=Limits(max_bytes=1024 * 1024))
        assert _code(excinfo) == "too_large"

    def test_an_undeclared_oversized_body_is_cut_while_streaming(self, server, allow_loopback):
        def endless(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(200)
            handler.send_header("Connection", "close")
            handler.end_headers()
            try:
                for _ in range(1000):
                    handler.wfile.write(b"x" * 65536)
            except OSError:
                pass
            handler.close_connection = True

        server.route("/endless", handler=endless)
        with pytest.raises(FetchError) as excinfo:
            fetch(server.url("/endless"), limits=Limits(max_bytes=1024 * 1024))
        assert _code(excinfo) == "too_large"

    def test_a_slow_server_is_given_up_on(self, server, allow_loopback):
        def trickle(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Length", "100")
            handler.end_headers()
            try:
                for _ in range(100):
                    handler.wfile.write(b"x")
                    handler.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass

        server.route("/slow", handler=trickle)
        started = time.monotonic()
        with pytest.raises(FetchError) as excinfo:
            fetch(server.url("/slow"), limits=Limits(timeout=1.0))
        assert _code(excinfo) == "timeout"
        assert time.monotonic() - started < 3

    def test_a_server_that_never_answers_is_given_up_on(self, server, allow_loopback):
        server.route("/mute", handler=lambda handler: time.sleep(3))
        with pytest.raises(FetchError) as excinfo:
            fetch(server.url("/mute"), limits=Limits(timeout=0.5))
        assert _code(excinfo) == "timeout"

    def test_an_unknown_content_encoding_is_refused(self, server, allow_loopback):
        server.route("/br", body=b"xx", headers={"Content-Encoding": "br"})
        with pytest.raises(FetchError) as excinfo:
            fetch(server.url("/br"))
        assert _code(excinfo) == "bad_encoding"

    def test_a_closed_port_is_a_connection_error(self, allow_loopback):
        with pytest.raises(FetchError) as excinfo:
            fetch("http://127.0.0.1:9/")
        assert _code(excinfo) == "connection"

    def test_every_code_has_words(self):
        for code in safe_fetch.ERROR_CODES:
            assert safe_fetch.describe(code) != safe_fetch.describe("unknown")


class TestAllowList:
    def test_networks_and_wildcards(self):
        allowed = safe_fetch.AllowList.parse(["10.1.0.0/16", "*.intra.example", "ci.local", " "])
        assert allowed.permits_address(ipaddress.ip_address("10.1.2.3"))
        assert not allowed.permits_address(ipaddress.ip_address("10.2.0.1"))
        assert not allowed.permits_address(ipaddress.ip_address("::1"))
        assert allowed.permits_host("feeds.intra.example")
        assert allowed.permits_host("CI.local.")
        assert not allowed.permits_host("intra.example.com")

    def test_extra_entries_join_the_setting(self, server):
        server.route("/x", body=b"ok")
        assert fetch(server.url("/x"), extra_allow=["127.0.0.0/8"]).body == b"ok"


class TestSession:
    """A session keeps its connections open between requests (a webhook sender's), each request still checked."""

    @pytest.fixture
    def ports(self, server):
        seen: list[int] = []

        def answer(handler: BaseHTTPRequestHandler) -> None:
            seen.append(handler.client_address[1])
            handler.send_response(200)
            handler.send_header("Content-Length", "2")
            handler.end_headers()
            handler.wfile.write(b"ok")

        server.route("/hook", handler=answer)
        return seen

    def test_one_connection_serves_every_request(self, server, allow_loopback, ports):
        with safe_fetch.Session() as session:
            for _ in range(5):
                assert session.fetch(server.url("/hook"), method="POST", body=b"{}").body == b"ok"
        assert len(ports) == 5
        assert len(set(ports)) == 1
        for _ in range(2):
            fetch(server.url("/hook"))
        assert len(set(ports)) == 3  # without a session: a connection each

    def test_a_body_left_unread_closes_its_connection(self, server, allow_loopback, ports):
        server.route("/big", body=b"x" * 4096)
        with safe_fetch.Session() as session:
            with pytest.raises(FetchError):
                session.fetch(server.url("/big"), limits=Limits(max_bytes=1024))
            session.fetch(server.url("/hook"))
            session.fetch(server.url("/hook"))
        assert len(set(ports)) == 1  # a fresh connection, not the one with the unread body, then kept

    def test_every_request_is_still_checked(self, server, monkeypatch, settings):
        settings.FETCH_ALLOW = ["feeds.example.com"]
        server.route("/hello", body=b"hi")
        monkeypatch.setattr(safe_fetch, "resolve", lambda host, port: [ipaddress.ip_address("127.0.0.1")])
        with safe_fetch.Session() as session:
            assert session.fetch(server.url("/hello", host="feeds.example.com")).body == b"hi"
            with pytest.raises(FetchError) as excinfo:
                session.fetch(server.url("/hello", host="other.example.com"))  # rebinding to the same address
        assert _code(excinfo) == "blocked_address"
        assert len(server.requests) == 1
