"""Where the network lives and what it is called: the one answer for e-mails and absolute links.

Every e-mail (invitations, allauth's account mails, and the notifications and digests to come)
builds its links with ``absolute_url`` and names the network with ``network_name``; it never asks
the request (``build_absolute_uri``, ``get_current_site``), whose Host header is whatever the
browser — or an attacker — sent. The address is ``settings.SITE_URL``: ``ESSAIM_SITE_URL``, else
where ``ESSAIM_BIND`` listens (``essaim/settings.py``, ``site_url_from``).
"""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any

from django.conf import settings

from essaim.network.selectors import network_settings


@dataclass(frozen=True)
class MailSite:
    """The shape of ``django.contrib.sites``' ``Site`` that mail templates (allauth's) read."""

    name: str
    domain: str


def site_url() -> str:
    """``https://rse.example.com``: the site's address, without a trailing slash."""
    return str(settings.SITE_URL)


def absolute_url(path: str) -> str:
    """``path`` (``/accounts/…``, from ``reverse``) on the site's address; absolute URLs pass unchanged."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{site_url()}/{path.lstrip('/')}"


def network_name() -> str:
    """The name the administrators gave the network (``Essaim`` until they do)."""
    return str(network_settings().name)


def sender() -> str:
    """``Network name <address>``: the address of ``ESSAIM_EMAIL_FROM``, shown under the network's name."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    return str(Address(display_name=network_name(), addr_spec=address))


def mail_context() -> dict[str, Any]:
    """What every mail template may use: ``network_name``, ``site_url`` and allauth's ``current_site``."""
    name, url = network_name(), site_url()
    return {"network_name": name, "site_url": url, "current_site": MailSite(name=name, domain=url)}
