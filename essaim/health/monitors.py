"""Who may read ``/metrics`` and the details of ``/readyz``: a monitor, not a person.

A monitor is a client that connects directly from an address of ``ESSAIM_METRICS_ALLOW`` (loopback only
by default), or any client that sends ``Authorization: Bearer <ESSAIM_METRICS_TOKEN>`` when that is set.

A request that came through a reverse proxy (it carries ``Forwarded``, ``X-Forwarded-For``…) is never a
monitor by its address: the address Essaim sees is the proxy's (often loopback), and the headers that
name the client are whatever the client sent unless the proxy replaces them. Through a proxy, the token.

This rule is configuration, not a rule of ``essaim.access``: the access policy decides what a person (a
session, roles, memberships) may do, and answers from the database; a scraper has no account, the
decision rests on the connection and a shared secret from the environment, and it must hold while the
database is down, which is when monitoring is read most.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest

FORWARDING_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-Ip")


def is_monitor(request: HttpRequest) -> bool:
    return has_token(request) or (not through_proxy(request) and address_allowed(request.META.get("REMOTE_ADDR", "")))


def has_token(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return False
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def through_proxy(request: HttpRequest) -> bool:
    return any(header in request.headers for header in FORWARDING_HEADERS)


def address_allowed(address: str) -> bool:
    """Whether ``address`` (an IPv4 address seen over IPv6, ``::ffff:127.0.0.1``, as itself) is in the list."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in ipaddress.ip_network(entry, strict=False) for entry in settings.METRICS_ALLOW)
