"""Link previews: the card of the first link of a post — title, description, site name, image — from what the
page says of itself (Open Graph ``og:*``, Twitter card ``twitter:*``, else ``<title>`` and ``description``).

* **When.** A post published or edited with a link in its text queues ``tasks.fetch_link_preview`` on commit
  (``queue``); the task finds the first outside link (not a mention, a tag or a page of Essaim), takes its
  ``LinkPreview`` (one row per address, shared by every post that links it) while it has not expired, else
  fetches it again, and gives the post its card (``services.post_link_preview_set_unchecked``).
* **How.** Through the safe fetcher only (``core.safe_fetch``: never a private address, after DNS and on each
  redirect), at most ``PAGE_LIMITS`` (1 MB, 5 s, 3 redirects) for an HTML page (another type: no card), then
  ``IMAGE_LIMITS`` for its image. The page is read with the standard library's ``html.parser``, up to its
  ``</head>`` (no script runs, nothing is rendered); texts are unescaped, cut and escaped again by the template.
* **The image** is never hot-linked: fetched once, decoded and re-encoded by ``core.uploads.clean_image``
  (EXIF gone, at most 640 px), kept beside the attachments and served by Essaim to those who may read a post
  that shows it (``views.link_preview_image``). Readers' browsers never ask the linked site for anything.
* **oEmbed.** A page that names its oEmbed document (``<link rel="alternate" type="application/json+oembed"
  href=…>``; JSON only, never XML) and lacks a title, a site name, an author or an image in its own metadata has
  that document read too (through the safe fetcher, ``OEMBED_LIMITS``), for those fields only: ``title``,
  ``author_name``, ``provider_name``, ``thumbnail_url``. Its ``html`` (a third party's iframe or script) is never
  read nor shown: the card is Essaim's own, its thumbnail fetched and re-encoded as an Open Graph image is.
* **Nothing to show** (no title, not HTML, an error): no card and no error for anyone; the address is tried
  again after ``RETRY_AFTER``. A card is kept ``KEEP_FOR``.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from essaim.core import safe_fetch
from essaim.core.uploads import clean_image
from essaim.network import site
from essaim.stream.models import LinkPreview, Post

PAGE_LIMITS = safe_fetch.Limits(max_bytes=1024 * 1024, timeout=5.0, connect_timeout=3.0, max_redirects=3)
IMAGE_LIMITS = safe_fetch.Limits(max_bytes=5 * 1024 * 1024, timeout=5.0, connect_timeout=3.0, max_redirects=3)
OEMBED_LIMITS = safe_fetch.Limits(max_bytes=64 * 1024, timeout=5.0, connect_timeout=3.0, max_redirects=3)
OEMBED_TYPE = "application/json+oembed"
IMAGE_SIDE = 640
KEEP_FOR = timedelta(days=7)
RETRY_AFTER = timedelta(days=1)
HTML_TYPES = ("text/html", "application/xhtml+xml")
_HREF = re.compile(r"""<a\s[^>]*href="(https?://[^"]+)\"""", re.IGNORECASE)


def first_link(body_html: str) -> str:
    """The first outside ``http(s)`` link of a post's (sanitised) HTML, or "": mentions, tags and spaces are
    relative links, and a link to Essaim itself gets no card."""
    own = urlsplit(site.site_url()).netloc.lower()
    for match in _HREF.finditer(body_html):
        url = html.unescape(match.group(1))
        parts = urlsplit(url)
        if parts.hostname and parts.netloc.lower() != own and len(url) <= 2000:
            return url
    return ""


def may_have_link(post: Post) -> bool:
    """Whether the post's text links outside (cheap: a task is queued only for those)."""
    return "http" in post.body_html and not post.link_preview_removed


@dataclass
class Meta:
    """What a page says of itself."""

    properties: dict[str, str] = field(default_factory=dict)
    title: str = ""
    oembed: str = ""  # the address of its oEmbed document in JSON, as written (relative or not)


class _HeadParser(HTMLParser):
    """``<meta property|name=… content=…>`` and ``<title>``, up to the end of ``<head>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta = Meta()
        self._in_title = False
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            found = {k.lower(): (v or "") for k, v in attrs}
            name = (found.get("property") or found.get("name") or "").strip().lower()
            if name and "content" in found and name not in self.meta.properties:
                self.meta.properties[name] = found["content"]
        elif tag == "link":
            found = {k.lower(): (v or "") for k, v in attrs}
            rels = found.get("rel", "").lower().split()
            if "alternate" in rels and found.get("type", "").strip().lower() == OEMBED_TYPE and not self.meta.oembed:
                self.meta.oembed = found.get("href", "").strip()
        elif tag == "title":
            self._in_title = True
        elif tag == "body":
            self.done = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            self.done = True

    def handle_data(self, data: str) -> None:
        if self._in_title and not self.meta.title:
            self.meta.title = data


def _clean(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Card:
    title: str
    description: str
    site_name: str
    image_url: str
    author_name: str = ""


@dataclass(frozen=True)
class OEmbed:
    """The four fields a card takes from an oEmbed document (never its ``html``)."""

    title: str = ""
    author_name: str = ""
    provider_name: str = ""
    thumbnail_url: str = ""


def read_head(page: str) -> Meta:
    """What a page's head says of itself (read up to ``</head>``)."""
    parser = _HeadParser()
    for start in range(0, len(page), 8192):  # stop reading at ``</head>``
        parser.feed(page[start : start + 8192])
        if parser.done:
            break
    return parser.meta


def _first(meta: Meta, *names: str) -> str:
    return next((meta.properties[n] for n in names if meta.properties.get(n, "").strip()), "")


IMAGE_PROPERTIES = ("og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src")


def wants_oembed(meta: Meta) -> bool:
    """Whether the page names an oEmbed document and its own metadata lacks a field that document may give."""
    if not meta.oembed:
        return False
    return not (
        _first(meta, "og:title", "twitter:title")
        and _first(meta, "og:site_name")
        and _first(meta, "author", "article:author")
        and _first(meta, *IMAGE_PROPERTIES)
    )


def _http_url(url: str, base_url: str) -> str:
    url = urljoin(base_url, url.strip()) if url.strip() else ""
    return url if urlsplit(url).scheme in {"http", "https"} else ""


def extract(page: str | Meta, *, base_url: str, oembed: OEmbed | None = None) -> Card | None:
    """The card a page's head gives (``oembed`` filling what its own metadata lacks), or None without a title.

    The page's Open Graph and Twitter card come first, then oEmbed's fields, then ``<title>``, ``author`` and
    ``application-name``."""
    meta = page if isinstance(page, Meta) else read_head(page)
    extra = oembed or OEmbed()
    title = _clean(_first(meta, "og:title", "twitter:title") or extra.title or meta.title, 300)
    if not title:
        return None
    author = _first(meta, "author")
    site = _first(meta, "og:site_name") or extra.provider_name or _first(meta, "application-name")
    return Card(
        title=title,
        description=_clean(_first(meta, "og:description", "twitter:description", "description"), 1000),
        site_name=_clean(site or (urlsplit(base_url).hostname or ""), 200),
        image_url=_http_url(_first(meta, *IMAGE_PROPERTIES) or extra.thumbnail_url, base_url),
        author_name=_clean(author or extra.author_name, 200),
    )


def parse_oembed(body: bytes) -> OEmbed | None:
    """The card's fields of an oEmbed JSON document, or None when it is not one (XML, broken, not an object)."""
    try:
        document: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(document, dict):
        return None

    def text(name: str) -> str:
        value = document.get(name)
        return value if isinstance(value, str) else ""

    return OEmbed(
        title=text("title"),
        author_name=text("author_name"),
        provider_name=text("provider_name"),
        thumbnail_url=text("thumbnail_url"),
    )


def _oembed(url: str) -> OEmbed | None:
    """The page's oEmbed document read through the safe fetcher (None: none to read, or not JSON)."""
    try:
        fetched = safe_fetch.fetch(url, headers={"Accept": "application/json"}, limits=OEMBED_LIMITS)
    except safe_fetch.FetchError:
        return None
    if not fetched.ok:
        return None
    return parse_oembed(fetched.body)


def _charset(content_type: str) -> str:
    match = re.search(r"charset=([\w.-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else "utf-8"


def _read(url: str) -> tuple[Card | None, str]:
    """The page's card and the error code ("" when read): never raises for what the network does."""
    try:
        page = safe_fetch.fetch(url, headers={"Accept": "text/html,application/xhtml+xml"}, limits=PAGE_LIMITS)
    except safe_fetch.FetchError as exc:
        return None, exc.code
    if not 200 <= page.status < 300:
        return None, "http_status"
    content_type = page.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() not in HTML_TYPES:
        return None, "not_html"
    try:
        text = page.body.decode(_charset(content_type), errors="replace")
    except LookupError:  # a charset Python does not know
        text = page.body.decode("utf-8", errors="replace")
    meta = read_head(text)
    oembed = None
    if wants_oembed(meta) and (address := _http_url(meta.oembed, page.url)):
        oembed = _oembed(address)
    return extract(meta, base_url=page.url, oembed=oembed), ""


def _image(url: str) -> tuple[bytes, int, int] | None:
    """The card's image fetched and re-encoded (JPEG or PNG, at most ``IMAGE_SIDE``), or None."""
    try:
        fetched = safe_fetch.fetch(url, headers={"Accept": "image/*"}, limits=IMAGE_LIMITS)
    except safe_fetch.FetchError:
        return None
    if not fetched.ok or not fetched.headers.get("content-type", "").startswith("image/"):
        return None
    try:
        image = clean_image(SimpleUploadedFile("preview", fetched.body), max_side=IMAGE_SIDE)
    except ValidationError:
        return None
    return image.content.read(), image.width, image.height


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def preview_for(url: str) -> LinkPreview:
    """The address's preview: the kept one while it has not expired, else fetched now (outside any transaction:
    the network is slow) and written."""
    key = url_hash(url)
    kept = LinkPreview.objects.filter(url_hash=key).first()
    now = timezone.now()
    if kept is not None and kept.expires_at > now:
        return kept
    card, error = _read(url)
    image = _image(card.image_url) if card is not None and card.image_url else None
    fields = {
        "url": url,
        "found": card is not None,
        "title": card.title if card else "",
        "description": card.description if card else "",
        "site_name": card.site_name if card else "",
        "author_name": card.author_name if card else "",
        "error": error,
        "fetched_at": now,
        "expires_at": now + (KEEP_FOR if card is not None else RETRY_AFTER),
        "image_width": image[1] if image else None,
        "image_height": image[2] if image else None,
    }
    try:
        with transaction.atomic():
            preview, _created = LinkPreview.objects.update_or_create(url_hash=key, defaults=fields)
    except IntegrityError:  # another worker wrote it meanwhile: theirs
        return LinkPreview.objects.get(url_hash=key)
    old_image = preview.image.name if preview.image else ""
    if image is not None:
        preview.image.save(f"{key[:16]}.{'png' if image[0].startswith(b'\x89PNG') else 'jpg'}", _content(image[0]))
    elif old_image:
        preview.image = ""
        preview.save(update_fields=["image"])
    if old_image and old_image != preview.image.name:
        preview.image.storage.delete(old_image)
    return preview


def _content(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("preview", data)
