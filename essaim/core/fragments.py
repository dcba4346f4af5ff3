"""Template fragments cached under a digest of everything they show.

The key is a hash of the fragment's *identity* — the values its template reads, plus the
language — so two requests share an entry only when it renders identically for both, and a
change to any input makes a new key: nothing has to invalidate anything, which also holds with
one local-memory cache per process. (``stream.cards`` does the same for post cards.)

A fragment may show the request's CSRF token and the page's address (``page_address``: the
language switch comes back to it): it is rendered with a marker in their place (``slots``),
replaced on the way out, so every query of a search shares the language switch's entry. The
markers are derived from ``SECRET_KEY``: a fixed marker could be typed into a post, whose
readers would then each see their own token in it. Anything else that varies per request goes
into the identity.

The entries live in the ``fragments`` cache alias, which every process shares: Redis when
configured, else one SQLite file (``core.fragment_store``), so that a card one web worker drew is
not drawn again by the next. Because a key names its content, a copy kept in the process can never
be stale: ``get_html`` and ``set_html`` put a small first-in-first-out table of recent entries
(``LOCAL_ENTRIES``) in front of the shared cache, which then only sees the misses — no round trip
for the top bar, the navigation or a card read a moment ago.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template import Context, NodeList
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

ALIAS = "fragments"
TIMEOUT = 24 * 3600
LOCAL_ENTRIES = 2048  # about 10 MB of HTML per process at most

_local: OrderedDict[str, str] = OrderedDict()


def get_html(keys: Sequence[str]) -> dict[str, str]:
    """The HTML cached under ``keys`` (those found), from this process's copy first, then the cache."""
    found = {key: html for key in keys if (html := _local.get(key)) is not None}
    if len(found) < len(keys):
        shared: dict[str, str] = caches[ALIAS].get_many([key for key in keys if key not in found])
        _keep(shared)
        found.update(shared)
    return found


def set_html(entries: Mapping[str, str], timeout: int = TIMEOUT) -> None:
    """Cache ``entries`` (key → HTML) here and in the shared cache."""
    if entries:
        _keep(entries)
        caches[ALIAS].set_many(dict(entries), timeout)


def _keep(entries: Mapping[str, str]) -> None:
    for key, html in entries.items():
        _local[key] = html
    while len(_local) > LOCAL_ENTRIES:
        _local.popitem(last=False)  # one atomic call: safe between a process's threads


def forget_local() -> None:
    """Empty this process's copy (tests that clear the shared cache clear it too)."""
    _local.clear()


def forget_shared_file() -> None:
    """Empty the embedded default's shared file (``manage.py serve`` does, starting): its entries were
    drawn by the release and with the secret key (``slots``) that ran before. Redis is left alone."""
    from essaim.core.fragment_store import SQLiteFragmentCache

    if isinstance(store := caches[ALIAS], SQLiteFragmentCache):
        store.clear()


def narrow(html: str) -> str:
    """``html`` with every character beyond Latin-1 written as a character reference (``&#128077;``).

    The same page for a browser, but a string of one byte per character for Python: a single
    emoji made CPython store a whole page at four bytes per character, and the template engine
    copies the page's text at every level of nesting (bench/README.md). For HTML text and
    attribute values only: never for the inside of ``<script>`` or ``<style>``.
    """
    return html if html.isascii() else html.encode("latin-1", "xmlcharrefreplace").decode("latin-1")


def fragment_key(kind: str, identity: Any) -> str:
    """The cache key of a ``kind`` fragment: a digest of its identity and the current language."""
    payload = json.dumps([identity, get_language()], default=str, sort_keys=True).encode()
    return f"essaim:fragment:{kind}:{hashlib.blake2b(payload, digest_size=16).hexdigest()}"


def render_cached(template_name: str, context: Mapping[str, Any], *, identity: Any) -> SafeString:
    """``template_name`` rendered with ``context``, from the cache when this identity was rendered before.

    ``identity`` must cover everything the template reads from ``context``.
    """
    html = _cached(fragment_key(template_name, identity), lambda: render_to_string(template_name, dict(context)))
    return mark_safe(html)  # noqa: S308 - rendered by the autoescaping template engine


def _cached(key: str, render: Callable[[], str]) -> str:
    """The HTML under ``key``, rendered (and narrowed) on a miss."""
    html = get_html([key]).get(key)
    if html is None:
        html = narrow(render())
        set_html({key: html})
    return html


def slots() -> tuple[str, str]:
    """The CSRF-token and return-address markers: nobody can write them without the secret key."""
    return _slots_for(settings.SECRET_KEY)


@lru_cache(maxsize=4)
def _slots_for(secret: str) -> tuple[str, str]:
    digest = salted_hmac("essaim.stream.cards.slots", "v1", secret=secret, algorithm="sha256").hexdigest()
    return f"essaim-csrf-{digest[:24]}", f"/essaim-next-{digest[24:48]}"


def csrf_token(context: Context) -> str:
    """The request's CSRF token, as the page's other forms show it.

    The ``csrf`` context processor makes it once per page; each call of ``get_token`` would
    mask the secret anew, 32 calls to the system's random source each.
    Inside a fragment being rendered for the cache, the context's token is that fragment's
    marker: it is returned as is, for the enclosing fragment to fill, so that no real token is
    ever cached.
    """
    token = context.get("csrf_token")
    if token is None:
        return get_token(context["request"])
    return str(token)


def page_address(context: Context) -> str:
    """The page's address (path and query), escaped for an attribute, as ``{{ page_address }}`` shows it.

    Inside a fragment being rendered for the cache, the context's address is that fragment's
    marker: it is returned as is, for the enclosing fragment to fill, as ``csrf_token`` does.
    """
    address = context.get("page_address")
    if address is None:
        return escape(context["request"].get_full_path())
    return str(address)


def render_block(context: Context, nodelist: NodeList, *, kind: str, identity: Any) -> SafeString:
    """A template block (``{% fragment %}``) from the cache, its CSRF token and the page's address
    (the ``page_address`` variable inside the block) filled for this request."""
    csrf_slot, address_slot = slots()

    def render() -> str:
        with context.push(csrf_token=csrf_slot, page_address=address_slot):
            return str(nodelist.render(context))

    html = _cached(fragment_key(f"block:{kind}", identity), render)
    if csrf_slot in html:
        html = html.replace(csrf_slot, csrf_token(context))
    if address_slot in html:
        html = html.replace(address_slot, page_address(context))
    return mark_safe(html)  # noqa: S308 - rendered by the autoescaping engine; the token is alphanumeric, the address escaped
