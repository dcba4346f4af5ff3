"""The one way Essaim makes an outgoing HTTP request (feeds, link previews, webhooks): the SSRF guard.

``fetch(url)`` resolves the host name itself, refuses the request when any address it resolves to is
loopback, private, link-local, multicast, reserved, unspecified or a cloud metadata address, and then
connects to the very address it checked (the ``Host`` header and TLS SNI/certificate check still name
the host), so a DNS answer that changes between the check and the connection (DNS rebinding) cannot
slip through. Redirects are followed by hand, each hop checked the same way. The body is read as a
stream and capped (``Limits.max_bytes``, after decompression: a gzip bomb is refused, not inflated),
as are the total time and the number of redirects. Proxies from the environment are not used.

A network admin may let Essaim reach inside addresses on purpose (an intranet feed, a CI server):
``ESSAIM_FETCH_ALLOW`` lists host names (``ci.intra``, ``*.intra.example``), addresses or networks
(``10.1.2.3``, ``10.1.0.0/16``) that are exempt from the address check; ``extra_allow`` adds entries
(e.g. an admin-editable list kept in the database by the caller).

A ``Session`` keeps connections open between requests (HTTP keep-alive) for a caller that sends many to one
place, a webhook sender to its endpoint: each request is still checked as above, and a connection is only ever
reused for the very address its request was checked for (one pool per scheme, host, port and address).

Errors are ``FetchError`` with a stable ``code`` (stored by callers, e.g. as a feed's last error) and
``describe(code)`` gives the words for people. A non-2xx answer is not an error: it is returned.
"""

from __future__ import annotations

import functools
import importlib.metadata
import ipaddress
import socket
import threading
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Metadata services that some clouds put on addresses ``is_global`` would otherwise let through.
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean...
        "169.254.170.2",  # AWS ECS task metadata
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
        "fd00:ec2::254",  # AWS IPv6
    )
)
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal"})

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """What one ``fetch`` may cost: bytes of body (after decompression), seconds in all, redirects."""

    max_bytes: int = 5 * 1024 * 1024
    timeout: float = 10.0
    connect_timeout: float = 5.0
    max_redirects: int = 5


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class FetchResult:
    url: str  # the final URL, after redirects
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


# code -> words for people (translated when shown, so a stored code reads in the reader's language)
ERROR_CODES = (
    "bad_url",
    "blocked_address",
    "dns",
    "connection",
    "tls",
    "timeout",
    "too_large",
    "decompression_bomb",
    "bad_encoding",
    "too_many_redirects",
)


def describe(code: str) -> str:
    """The words for a ``FetchError.code`` in the active language."""
    words = {
        "bad_url": _("The address is not a valid http or https URL."),
        "blocked_address": _(
            "The address leads inside the network (loopback, private, link-local or metadata address), which "
            "Essaim refuses unless a network admin allows it."
        ),
        "dns": _("The server name could not be found."),
        "connection": _("The server could not be reached."),
        "tls": _("The server's secure connection (TLS certificate) could not be verified."),
        "timeout": _("The server took too long to answer."),
        "too_large": _("The answer is larger than Essaim accepts."),
        "decompression_bomb": _("The compressed answer expands to more than Essaim accepts."),
        "bad_encoding": _("The answer is compressed in a way Essaim does not read."),
        "too_many_redirects": _("The address redirects too many times."),
    }
    return words.get(code, _("The request failed."))


class FetchError(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail

    def describe(self) -> str:
        return describe(self.code)


def user_agent() -> str:
    return f"Essaim/{_version()} (+{settings.SITE_URL})"


@functools.cache
def _version() -> str:
    try:
        return importlib.metadata.version("essaim")
    except importlib.metadata.PackageNotFoundError:
        return "0"


# --- the address check ----------------------------------------------------------------------------


def address_is_blocked(address: IPAddress) -> bool:
    """Loopback, private, link-local, multicast, reserved, unspecified, shared or metadata: not the Internet."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if mapped is not None and address_is_blocked(mapped):
            return True
    return (
        address in METADATA_ADDRESSES
        or not address.is_global
        or address.is_multicast
        or address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_reserved
        or address.is_unspecified
    )


@dataclass(frozen=True)
class AllowList:
    hosts: frozenset[str]
    suffixes: tuple[str, ...]
    networks: tuple[IPNetwork, ...]

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        hosts: set[str] = set()
        suffixes: list[str] = []
        networks: list[IPNetwork] = []
        for raw in entries:
            entry = raw.strip().lower()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                if entry.startswith("*."):
                    suffixes.append(entry[1:])
                else:
                    hosts.add(entry.rstrip("."))
        return cls(frozenset(hosts), tuple(suffixes), tuple(networks))

    def permits_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return host in self.hosts or any(host.endswith(suffix) for suffix in self.suffixes)

    def permits_address(self, address: IPAddress) -> bool:
        return any(address in network for network in self.networks if network.version == address.version)


def allow_list(extra: Iterable[str] = ()) -> AllowList:
    return AllowList.parse([*getattr(settings, "FETCH_ALLOW", []), *extra])


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (tests patch this to play a hostile DNS)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError("dns", host) from exc
    addresses: list[IPAddress] = []
    for *_info, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError("dns", host)
    return addresses


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as in the URL, lower case, no brackets
    port: int
    path: str  # path and query
    address: IPAddress  # the checked address to connect to

    @property
    def host_header(self) -> str:
        shown = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return shown if self.port == default else f"{shown}:{self.port}"


def check_url(url: str, *, allowed: AllowList | None = None) -> Target:
    """The address to connect to for ``url``, after the scheme, name and every resolved address are checked."""
    allowed = allowed if allowed is not None else allow_list()
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchError("bad_url", url[:200]) from exc
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if scheme not in {"http", "https"} or not host or parts.username or parts.password:
        raise FetchError("bad_url", url[:200])
    port = port or (443 if scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host_allowed = allowed.permits_host(host)
    if host in METADATA_HOSTS and not host_allowed:
        raise FetchError("blocked_address", host)
    try:
        addresses: list[IPAddress] = [ipaddress.ip_address(host)]
    except ValueError:
        addresses = resolve(host, port)
    if not host_allowed:
        for address in addresses:
            if address_is_blocked(address) and not allowed.permits_address(address):
                raise FetchError("blocked_address", f"{host} -> {address}")
    return Target(scheme, host, port, path, addresses[0])


# --- the request ----------------------------------------------------------------------------------


def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    limits: Limits = DEFAULT_LIMITS,
    follow_redirects: bool = True,
    extra_allow: Iterable[str] = (),
) -> FetchResult:
    """One guarded request; the answer whatever its status, or ``FetchError``. Its connection is closed after."""
    with Session(extra_allow=extra_allow) as session:
        return session.fetch(
            url, method=method, headers=headers, body=body, limits=limits, follow_redirects=follow_redirects
        )


PoolKey = tuple[str, str, int, str]


class Session:
    """Guarded requests that keep their connections open for the next ones (``with Session(maxsize=8) as s:``).

    Safe to share between threads: ``maxsize`` connections per address at most, a thread waits for a free one
    rather than opening more. The allow-list is read once, when the session starts."""

    def __init__(self, *, maxsize: int = 1, extra_allow: Iterable[str] = ()) -> None:
        self.maxsize = maxsize
        self.allowed = allow_list(extra_allow)
        self._pools: dict[PoolKey, urllib3.HTTPConnectionPool] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()

    def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        limits: Limits = DEFAULT_LIMITS,
        follow_redirects: bool = True,
    ) -> FetchResult:
        """As the module's ``fetch``, on this session's connections."""
        deadline = time.monotonic() + limits.timeout
        redirects = 0
        while True:
            target = check_url(url, allowed=self.allowed)
            result = _request_once(
                self._pool(target), target, method=method, headers=headers or {}, body=body, limits=limits,
                deadline=deadline,
            )  # fmt: skip
            location = result.headers.get("location")
            if not (follow_redirects and result.status in REDIRECT_STATUSES and location):
                return FetchResult(url, result.status, result.headers, result.body)
            redirects += 1
            if redirects > limits.max_redirects:
                raise FetchError("too_many_redirects", url[:200])
            url = urljoin(url, location)
            if result.status == 303 or (result.status in {301, 302} and method == "POST"):
                method, body = "GET", None

    def _pool(self, target: Target) -> urllib3.HTTPConnectionPool:
        """The connections to ``target``'s checked address (made on first use)."""
        key = (target.scheme, target.host, target.port, str(target.address))
        with self._lock:
            pool = self._pools.get(key)
            if pool is None:
                pool = self._pools[key] = _new_pool(target, self.maxsize)
            return pool


def _new_pool(target: Target, maxsize: int) -> urllib3.HTTPConnectionPool:
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            str(target.address),
            target.port,
            retries=False,
            maxsize=maxsize,
            block=True,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
        )
    return urllib3.HTTPConnectionPool(str(target.address), target.port, retries=False, maxsize=maxsize, block=True)


def _request_once(
    pool: urllib3.HTTPConnectionPool,
    target: Target,
    *,
    method: str,
    headers: dict[str, str],
    body: bytes | None,
    limits: Limits,
    deadline: float,
) -> FetchResult:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError("timeout")
    timeout = urllib3.Timeout(connect=min(limits.connect_timeout, remaining), read=min(limits.timeout, remaining))
    sent = {"User-Agent": user_agent(), "Accept-Encoding": "gzip, deflate", **headers, "Host": target.host_header}
    try:
        response = pool.urlopen(
            method,
            target.path,
            body=body,
            headers=sent,
            timeout=timeout,
            pool_timeout=max(1, int(remaining)),  # waiting for a free connection of the session
            redirect=False,
            retries=False,
            preload_content=False,
            decode_content=False,
            assert_same_host=False,
        )
        read = False
        try:
            names = {name.lower() for name in response.headers}
            got = {name: ", ".join(response.headers.getlist(name)) for name in names}
            content = b"" if method == "HEAD" else _read_body(response, got, limits=limits, deadline=deadline)
            read = True
        finally:
            if not read:  # a body left unread (refused, too slow): its connection is not reused
                response.close()
            response.release_conn()
    except urllib3.exceptions.SSLError as exc:
        raise FetchError("tls", str(exc)[:200]) from exc
    except urllib3.exceptions.NewConnectionError as exc:  # a subclass of the timeout error, but refused
        raise FetchError("connection", str(exc)[:200]) from exc
    except urllib3.exceptions.EmptyPoolError as exc:  # every connection busy until the deadline
        raise FetchError("timeout", str(exc)[:200]) from exc
    except (urllib3.exceptions.TimeoutError, TimeoutError) as exc:
        raise FetchError("timeout", str(exc)[:200]) from exc
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise FetchError("connection", str(exc)[:200]) from exc
    return FetchResult("", response.status, got, content)


class _Decoder:
    """Inflates gzip/deflate a bounded amount at a time: never more than ``limit`` bytes come out."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.inflater: zlib._Decompress | None = None
        if encoding in {"gzip", "x-gzip"}:
            self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.inflater = zlib.decompressobj()
            self.raw_deflate_tried = False
        elif encoding not in {"", "identity"}:
            raise FetchError("bad_encoding", encoding)

    def feed(self, data: bytes, limit: int) -> bytes:
        if self.inflater is None:
            return data
        out = bytearray()
        pending = data
        try:
            while True:
                out += self.inflater.decompress(pending, limit + 1 - len(out))
                if len(out) > limit:
                    raise FetchError("decompression_bomb")
                pending = self.inflater.unconsumed_tail
                if not pending:
                    return bytes(out)
        except zlib.error as exc:
            if self.encoding == "deflate" and not out and not getattr(self, "raw_deflate_tried", True):
                self.raw_deflate_tried = True  # servers that send raw deflate without the zlib header
                self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.feed(data, limit)
            raise FetchError("bad_encoding", str(exc)) from exc


def _read_body(
    response: urllib3.BaseHTTPResponse, headers: dict[str, str], *, limits: Limits, deadline: float
) -> bytes:
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError("too_large", declared)
    decoder = _Decoder(headers.get("content-encoding", "").strip().lower())
    body = bytearray()
    raw_total = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError("timeout", "body")
        chunk = response.read1(CHUNK, decode_content=False)
        if not chunk:
            return bytes(body)
        raw_total += len(chunk)
        if raw_total > limits.max_bytes:
            raise FetchError("too_large", str(raw_total))
        decoded = decoder.feed(chunk, limits.max_bytes - len(body))
        body += decoded
        if len(body) > limits.max_bytes:
            raise FetchError("too_large", str(len(body)))
