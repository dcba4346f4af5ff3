"""``deploy/nginx/essaim.conf``, the nginx site docs/deploy.md gives: ``nginx -t`` accepts it, and a real nginx
running it (on free ports, its paths moved into a temporary directory, two stand-ins for Essaim's processes
behind it) redirects to HTTPS, sends the static files, public images and checked attachments itself with the
right headers, hides the private files, and passes a request on when one process is down. Skipped without
Debian's nginx (``apt-get install nginx``)."""

from __future__ import annotations

import datetime
import http.server
import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import httpx
import pytest

from tests.processes import REPO, wait_until

NGINX = Path("/usr/sbin/nginx")
SITE = REPO / "deploy" / "nginx" / "essaim.conf"
pytestmark = pytest.mark.skipif(not NGINX.exists(), reason="needs Debian's nginx: apt-get install nginx")

MAIN = """
pid {root}/nginx.pid;
error_log {root}/error.log;
{user}
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    include {root}/essaim.conf;
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def self_signed(directory: Path) -> None:
    """A certificate for rse.example.com and its key, where the site expects them."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rse.example.com")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("rse.example.com")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True)
    (directory / "fullchain.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (directory / "privkey.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


@dataclass
class Site:
    root: Path
    data_dir: Path
    http_port: int
    https_port: int
    app_ports: tuple[int, int]

    @property
    def conf(self) -> Path:
        return self.root / "nginx.conf"


def render(root: Path, app_ports: tuple[int, int]) -> Site:
    """The site as shipped, its machine-specific parts moved: paths into ``root``, ports to free ones."""
    site = Site(root, root / "var", free_port(), free_port(), app_ports)
    self_signed(root / "ssl")
    (root / "logs").mkdir()
    text = SITE.read_text()
    for shipped, here in {
        "/srv/essaim/var/": f"{site.data_dir}/",
        "/etc/ssl/essaim/": f"{root}/ssl/",
        "/var/log/nginx/": f"{root}/logs/",
        "listen 80;": f"listen 127.0.0.1:{site.http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{site.https_port} ssl http2;",
        "server 127.0.0.1:8001 ": f"server 127.0.0.1:{app_ports[0]} ",
        "server 127.0.0.1:8002 ": f"server 127.0.0.1:{app_ports[1]} ",
    }.items():
        assert shipped in text, f"the site no longer says {shipped!r}: update this test with it"
        text = text.replace(shipped, here)
    text = "\n".join(line for line in text.splitlines() if "listen [::]" not in line)  # no IPv6 needed here
    (root / "essaim.conf").write_text(text)
    user = "user root;" if os.geteuid() == 0 else ""  # its workers read the test's private temporary directory
    site.conf.write_text(MAIN.format(root=root, user=user))
    return site


class StandIn(http.server.BaseHTTPRequestHandler):
    """What an Essaim process answers, for the proxy's sake: an attachment download handed to nginx
    (``core.downloads``), and every other request echoed with the headers the proxy set."""

    protocol_version = "HTTP/1.1"
    name: ClassVar[str] = ""
    released: ClassVar[threading.Event] = threading.Event()  # the live stream's second event may go

    def do_GET(self) -> None:
        if self.path == "/live/events":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for event in (b"id: 1\nevent: post\ndata: {}\n\n", b"id: 2\nevent: post\ndata: {}\n\n"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
                self.wfile.flush()
                self.released.wait(10)
            self.wfile.write(b"0\r\n\r\n")
            return
        if self.path == "/attachments/7/":
            self.answer(
                b"",
                **{
                    "Content-Type": "application/octet-stream",
                    "Content-Disposition": "attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf",
                    "Cache-Control": "private, max-age=3600",
                    "X-Accel-Redirect": "/_essaim_private/stream/7/7-r%C3%A9sum%C3%A9.pdf",
                },
            )
            return
        seen = f"{self.name} {self.headers['Host']} {self.headers['X-Forwarded-Proto']} {self.path}"
        self.answer(seen.encode(), **{"Content-Type": "text/plain"})

    def answer(self, body: bytes, **headers: str) -> None:
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def stand_in(name: str) -> http.server.ThreadingHTTPServer:
    handler = type(f"StandIn{name}", (StandIn,), {"name": name})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def nginx(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(NGINX), *args], capture_output=True, text=True, check=False)  # noqa: S603


def test_nginx_accepts_the_site(tmp_path: Path) -> None:
    site = render(tmp_path, (8001, 8002))
    checked = nginx("-t", "-c", str(site.conf))
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[Site, http.server.ThreadingHTTPServer]]:
    """nginx running the site, with one stand-in process answering and the other's port closed."""
    app = stand_in("a")
    site = render(tmp_path, (int(app.server_address[1]), free_port()))
    for folder in ("static/essaim", "media/people", "private/stream/7"):
        (site.data_dir / folder).mkdir(parents=True)
    (site.data_dir / "static/essaim/essaim.3f2a9c1b04d7.css").write_text("body{}")
    (site.data_dir / "static/essaim/essaim.css").write_text("body{}")
    (site.data_dir / "media/people/lea.jpg").write_bytes(b"\xff\xd8photo")
    (site.data_dir / "media/people/notes.txt").write_text("not an image")
    (site.data_dir / "private/stream/7/7-résumé.pdf").write_bytes(b"%PDF secret")
    started = nginx("-c", str(site.conf))
    assert started.returncode == 0, started.stderr
    try:
        assert wait_until((site.root / "nginx.pid").exists, timeout=10)
        yield site, app
    finally:
        nginx("-c", str(site.conf), "-s", "stop")
        wait_until(lambda: not (site.root / "nginx.pid").exists(), timeout=10)
        app.shutdown()
        shutil.rmtree(site.root / "logs", ignore_errors=True)


def _get(site: Site, path: str) -> httpx.Response:
    url = f"https://127.0.0.1:{site.https_port}{path}"
    return httpx.get(url, headers={"Host": "rse.example.com"}, verify=False, timeout=10)  # noqa: S501 - self-signed


def test_plain_http_is_sent_to_https(running: tuple[Site, object]) -> None:
    site, _app = running
    answer = httpx.get(f"http://127.0.0.1:{site.http_port}/spaces/?page=2", headers={"Host": "rse.example.com"})
    assert answer.status_code == 301
    assert answer.headers["Location"] == "https://rse.example.com/spaces/?page=2"


def test_pages_reach_a_process_that_answers_told_the_host_and_https(running: tuple[Site, object]) -> None:
    site, _app = running
    for _ in range(4):  # one process of the two is down: every request still reaches the other
        answer = _get(site, "/spaces/")
        assert answer.status_code == 200
        assert answer.text == "a rse.example.com https /spaces/"


def test_static_files_with_a_hashed_name_are_cached_a_year_the_others_a_minute(running: tuple[Site, object]) -> None:
    site, _app = running
    hashed = _get(site, "/static/essaim/essaim.3f2a9c1b04d7.css")
    assert (hashed.status_code, hashed.text) == (200, "body{}")
    assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert hashed.headers["X-Content-Type-Options"] == "nosniff"
    assert hashed.headers["Content-Type"].startswith("text/css")
    plain = _get(site, "/static/essaim/essaim.css")
    assert plain.headers["Cache-Control"] == "public, max-age=60"


def test_public_images_are_sent_and_nothing_else_under_media(running: tuple[Site, object]) -> None:
    site, _app = running
    photo = _get(site, "/media/people/lea.jpg")
    assert (photo.status_code, photo.content) == (200, b"\xff\xd8photo")
    assert photo.headers["Content-Type"] == "image/jpeg"
    assert photo.headers["Cache-Control"] == "public, max-age=86400"
    assert _get(site, "/media/people/notes.txt").status_code == 404
    for sneaky in (
        "/media/../private/stream/7/7-r%C3%A9sum%C3%A9.pdf",
        "/media/%2e%2e/private/stream/7/7-r%C3%A9sum%C3%A9.pdf",
    ):
        assert b"secret" not in _get(site, sneaky).content


def test_a_checked_attachment_is_sent_by_nginx_with_essaims_headers(running: tuple[Site, object]) -> None:
    site, _app = running
    download = _get(site, "/attachments/7/")
    assert download.status_code == 200
    assert download.content == b"%PDF secret"
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert download.headers["Content-Disposition"] == "attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf"
    assert download.headers["Cache-Control"] == "private, max-age=3600"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "X-Accel-Redirect" not in download.headers


def test_the_private_files_are_not_reachable_from_outside(running: tuple[Site, object]) -> None:
    site, _app = running
    assert _get(site, "/_essaim_private/stream/7/7-r%C3%A9sum%C3%A9.pdf").status_code == 404
    assert "secret" not in _get(site, "/_essaim_private/stream/7/7-r%C3%A9sum%C3%A9.pdf").text


def test_a_live_event_reaches_the_page_at_once_not_when_the_stream_ends(running: tuple[Site, object]) -> None:
    site, app = running
    url = f"https://127.0.0.1:{site.https_port}/live/events"
    with httpx.stream("GET", url, headers={"Host": "rse.example.com"}, verify=False, timeout=5) as stream:  # noqa: S501
        lines = stream.iter_lines()
        assert next(lines) == "id: 1"  # before the process sends anything else: nginx buffered nothing
        app.RequestHandlerClass.released.set()  # type: ignore[attr-defined]  # the stand-in's handler class
        assert [next(lines) for _ in range(4)] == ["event: post", "data: {}", "", "id: 2"]


def test_metrics_are_not_served_through_the_proxy(running: tuple[Site, object]) -> None:
    site, _app = running
    assert _get(site, "/metrics").status_code == 404
