"""Polling one feed: a conditional GET through the safe fetcher, feedparser, and each new item posted once.

``poll(feed_id)`` is what the task runs. It claims the feed first (a conditional update of
``next_fetch_at``, so two workers never poll one feed at once), fetches with ``If-None-Match`` /
``If-Modified-Since``, parses the bytes with feedparser (which never goes to the network itself), and
imports the items it has not seen, oldest first, in transactions of ``CHUNK`` items with one savepoint
each: an item's ``FeedItem`` row (unique per feed and key) is written with its post, so an item seen by
another worker, or by this one before it was killed, is skipped, and one killed mid-chunk leaves nothing
of that chunk behind. Then it records the feed's health: success, or an error code and a back-off that
doubles at each failure in a row (``every`` × 2ⁿ, at most a day).
"""

from __future__ import annotations

import hashlib
import html
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import feedparser
import nh3
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from essaim.accounts import services as accounts_services
from essaim.core import safe_fetch
from essaim.core.markdown import sanitise_html
from essaim.core.text import fold
from essaim.feeds.models import Feed, FeedItem
from essaim.stream import services as stream_services
from essaim.stream.models import Attachment

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # a poll not finished by then (its worker died) is polled again
MAX_BACKOFF = timedelta(days=1)
CHUNK = 50  # items a transaction
MAX_IMAGES = 10  # images fetched a poll (each is a request of its own)
SUMMARY_MAX_HTML = 6000  # a longer summary is shown as its first words
SUMMARY_MAX_TEXT = 1200
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, "
    "text/xml;q=0.8, */*;q=0.5"
)
IMAGE_LIMITS = safe_fetch.Limits(max_bytes=5 * 1024 * 1024, timeout=15.0, max_redirects=3)


def feed_limits() -> safe_fetch.Limits:
    return safe_fetch.Limits(max_bytes=settings.FEED_MAX_BYTES, timeout=30.0, max_redirects=5)


def describe_error(code: str, detail: str = "") -> str:
    """A feed's last error in words, in the reader's language."""
    if code == "http_status":
        return _("The server answered with the HTTP error %(status)s.") % {"status": detail}
    if code == "not_a_feed":
        return _("The address does not give a valid RSS or Atom feed.")
    return safe_fetch.describe(code)


@dataclass(frozen=True)
class Entry:
    key: str
    title: str
    link: str
    summary_html: str
    summary_text: str
    image_url: str


@dataclass(frozen=True)
class Outcome:
    polled: bool
    imported: int = 0
    error: str = ""


# --- parsing --------------------------------------------------------------------------------------


def _text(value: str) -> str:
    return " ".join(html.unescape(nh3.clean(value or "", tags=set())).split())


def _http_link(value: str) -> str:
    value = (value or "").strip()
    return value if value.startswith(("http://", "https://")) and len(value) <= 2000 else ""


def _image_of(entry: Any) -> str:
    for media in [*entry.get("media_content", []), *entry.get("media_thumbnail", [])]:
        url = _http_link(media.get("url", ""))
        if url and media.get("medium", "image") == "image":
            return url
    for enclosure in entry.get("enclosures", []):
        if str(enclosure.get("type", "")).startswith("image/"):
            url = _http_link(enclosure.get("href", ""))
            if url:
                return url
    return ""


def _summary_of(entry: Any) -> str:
    content = entry.get("content") or []
    summary = entry.get("summary", "")
    if not summary and content:
        summary = content[0].get("value", "")
    return str(summary or "")


def entries_of(parsed: Any) -> list[Entry]:
    """The items of a parsed feed, oldest first, each with its key (guid, else link); items without either
    have no identity to dedupe on and are skipped."""
    found: dict[str, Entry] = {}
    dated = all(e.get("published_parsed") or e.get("updated_parsed") for e in parsed.entries)
    items = list(parsed.entries)
    if dated:
        items.sort(key=lambda e: tuple(e.get("published_parsed") or e.get("updated_parsed")))
    else:
        items.reverse()  # feeds list their newest item first
    for item in items:
        link = _http_link(item.get("link", ""))
        identity = str(item.get("id") or item.get("guid") or "") or link
        if not identity:
            continue
        key = hashlib.sha256(identity.encode()).hexdigest()
        summary = _summary_of(item)
        title = _text(item.get("title", ""))[:300]
        text = _text(summary)
        found.setdefault(key, Entry(key, title or text[:80] or link, link, summary, text, _image_of(item)))
    return list(found.values())


def keyword_list(keywords: str) -> list[str]:
    return [fold(word) for word in keywords.split(",") if fold(word)]


def matches(entry: Entry, words: Sequence[str]) -> bool:
    if not words:
        return True
    haystack = fold(f"{entry.title} {entry.summary_text}")
    return any(word in haystack for word in words)


def post_content(entry: Entry, *, show: str) -> tuple[str, str]:
    """The post's text and its sanitised HTML: the title (a link to the item), then the summary if shown."""
    title = escape(entry.title)
    heading = f'<a href="{escape(entry.link)}">{title}</a>' if entry.link else title
    parts = [f"<p><strong>{heading}</strong></p>"]
    body = [entry.title]
    if show == Feed.Show.SUMMARY and entry.summary_text:
        if len(entry.summary_html) <= SUMMARY_MAX_HTML:
            parts.append(entry.summary_html)
            body.append(entry.summary_text)
        else:
            shortened = entry.summary_text[:SUMMARY_MAX_TEXT].rsplit(" ", 1)[0] + "…"
            parts.append(f"<p>{escape(shortened)}</p>")
            body.append(shortened)
    if entry.link:
        body.append(entry.link)
    return "\n\n".join(body), sanitise_html("".join(parts))


# --- polling ---------------------------------------------------------------------------------------


def claim(feed_id: int, *, force: bool = False) -> bool:
    """Take ``feed_id`` for one poll (``force``: even if it is not due, as "fetch now" asks)."""
    now = timezone.now()
    due = Feed.objects.filter(pk=feed_id, paused=False)
    if not force:
        due = due.filter(next_fetch_at__lte=now)
    return bool(due.update(next_fetch_at=now + LEASE))


def poll(feed_id: int, *, claimed: bool = False) -> Outcome:
    """Fetch and import one feed, if it is due (or ``claimed`` already by the caller)."""
    if not claimed and not claim(feed_id):
        return Outcome(polled=False)
    feed = Feed.objects.select_related("space", "account").filter(pk=feed_id).first()
    if feed is None or feed.paused or feed.space.archived_at is not None:
        return Outcome(polled=False)
    headers = {"Accept": ACCEPT}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        result = safe_fetch.fetch(feed.url, headers=headers, limits=feed_limits())
    except safe_fetch.FetchError as error:
        return _failed(feed, error.code, error.detail)
    if result.status == 304:
        return _succeeded(feed, imported=0, etag=feed.etag, last_modified=feed.last_modified)
    if not result.ok:
        return _failed(feed, "http_status", str(result.status))
    # Our own sanitiser (the posts') cleans the summaries: feedparser's, through sgmllib, was half its time.
    parsed = feedparser.parse(
        result.body,
        response_headers={"content-type": result.headers.get("content-type", "")},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        return _failed(feed, "not_a_feed", str(parsed.get("bozo_exception", ""))[:300])
    words = keyword_list(feed.keywords)
    entries = [entry for entry in entries_of(parsed) if matches(entry, words)]
    imported = import_entries(feed, entries)
    title = _text(parsed.feed.get("title", ""))[:200]
    return _succeeded(
        feed,
        imported=imported,
        etag=result.headers.get("etag", "")[:500],
        last_modified=result.headers.get("last-modified", "")[:100],
        title=title,
    )


def _unknown(feed: Feed, entries: Sequence[Entry]) -> list[Entry]:
    known: set[str] = set()
    keys = [entry.key for entry in entries]
    for start in range(0, len(keys), 500):
        known.update(
            FeedItem.objects.filter(feed=feed, key__in=keys[start : start + 500]).values_list("key", flat=True)
        )
    return [entry for entry in entries if entry.key not in known]


def _image_for(feed: Feed, entry: Entry) -> list[Attachment]:
    try:
        fetched = safe_fetch.fetch(entry.image_url, headers={"Accept": "image/*"}, limits=IMAGE_LIMITS)
    except safe_fetch.FetchError:
        return []
    if not fetched.ok:
        return []
    image = stream_services.image_prepare_for_import(
        uploaded_by=feed.account, content=fetched.body, alt_text=entry.title[:500]
    )
    return [image] if image is not None else []


def import_entries(feed: Feed, entries: Iterable[Entry]) -> int:
    """Post each entry not imported yet; the number posted."""
    fresh = _unknown(feed, list(entries))
    imported = 0
    images_left = MAX_IMAGES
    for start in range(0, len(fresh), CHUNK):
        chunk = fresh[start : start + CHUNK]
        prepared: dict[str, list[Attachment]] = {}
        for entry in chunk:
            if entry.image_url and images_left > 0:
                images_left -= 1
                prepared[entry.key] = _image_for(feed, entry)
        taken: set[str] = set()
        try:
            taken = _import_chunk(feed, chunk, prepared)
        finally:
            stream_services.images_discard([i for key, images in prepared.items() if key not in taken for i in images])
        imported += len(taken)
    return imported


def _import_chunk(feed: Feed, chunk: Sequence[Entry], prepared: dict[str, list[Attachment]]) -> set[str]:
    """The chunk's posts and items in one transaction; if another worker wrote one of its items meanwhile
    (the unique key refuses the batch), item by item, each in a savepoint. The keys posted."""
    items = []
    for entry in chunk:
        body, body_html = post_content(entry, show=feed.show)
        items.append(stream_services.ImportedPost(body, body_html, prepared.get(entry.key, [])))
    try:
        with transaction.atomic():
            posts = stream_services.posts_import_unchecked(author=feed.account, space=feed.space, items=items)
            FeedItem.objects.bulk_create(
                FeedItem(feed=feed, key=entry.key, post=post) for entry, post in zip(chunk, posts, strict=True)
            )
            Feed.objects.filter(pk=feed.pk).update(items_imported=F("items_imported") + len(chunk))
        return {entry.key for entry in chunk}
    except IntegrityError:
        pass
    taken: set[str] = set()
    with transaction.atomic():
        for entry, item in zip(chunk, items, strict=True):
            if _import_one(feed, entry, item):
                taken.add(entry.key)
        if taken:
            Feed.objects.filter(pk=feed.pk).update(items_imported=F("items_imported") + len(taken))
    return taken


def _import_one(feed: Feed, entry: Entry, item: stream_services.ImportedPost) -> bool:
    try:
        with transaction.atomic():
            post = stream_services.post_import_unchecked(
                author=feed.account, space=feed.space, body=item.body, body_html=item.body_html, images=item.images
            )
            FeedItem.objects.create(feed=feed, key=entry.key, post=post)
    except IntegrityError:  # another worker posted it meanwhile
        return False
    return True


def _next_after_failure(feed: Feed, failures: int) -> timedelta:
    return min(timedelta(minutes=feed.every) * (2 ** min(failures, 16)), MAX_BACKOFF)


def _failed(feed: Feed, code: str, detail: str) -> Outcome:
    now = timezone.now()
    failures = feed.failures + 1
    logger.info("Feed %s (%s) failed: %s %s", feed.pk, feed.url, code, detail)
    Feed.objects.filter(pk=feed.pk).update(
        last_fetched_at=now,
        last_error=code,
        last_error_detail=detail[:300],
        failures=failures,
        next_fetch_at=now + _next_after_failure(feed, failures),
    )
    return Outcome(polled=True, error=code)


def _succeeded(feed: Feed, *, imported: int, etag: str, last_modified: str, title: str = "") -> Outcome:
    now = timezone.now()
    changes: dict[str, Any] = {
        "last_fetched_at": now,
        "last_success_at": now,
        "last_error": "",
        "last_error_detail": "",
        "failures": 0,
        "etag": etag,
        "last_modified": last_modified,
        "next_fetch_at": now + timedelta(minutes=feed.every),
    }
    if title and not feed.title:
        changes["title"] = title
        accounts_services.feed_account_rename(account=feed.account, name=title)
    Feed.objects.filter(pk=feed.pk).update(**changes)
    return Outcome(polled=True, imported=imported)
