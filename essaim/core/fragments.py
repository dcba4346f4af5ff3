"""Template fragments cached under a digest of everything they show.

The key is a hash of the fragment's *identity* — the values its template reads, plus the
language — so two requests share an entry only when it renders identically for both, and a
change to any input makes a new key: nothing has to invalidate anything, which also holds with
one local-memory cache per process. (``stream.cards`` does the same for post cards, with
per-request markers.) A fragment that shows anything per request (a CSRF token, the page's
address) must not be cached this way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

TIMEOUT = 24 * 3600


def fragment_key(kind: str, identity: Any) -> str:
    """The cache key of a ``kind`` fragment: a digest of its identity and the current language."""
    payload = json.dumps([identity, get_language()], default=str, sort_keys=True).encode()
    return f"essaim:fragment:{kind}:{hashlib.blake2b(payload, digest_size=16).hexdigest()}"


def render_cached(template_name: str, context: Mapping[str, Any], *, identity: Any) -> SafeString:
    """``template_name`` rendered with ``context``, from the cache when this identity was rendered before.

    ``identity`` must cover everything the template reads from ``context``.
    """
    key = fragment_key(template_name, identity)
    html: str | None = cache.get(key)
    if html is None:
        html = render_to_string(template_name, dict(context))
        cache.set(key, html, TIMEOUT)
    return mark_safe(html)  # noqa: S308 - rendered by the autoescaping template engine
