"""What a Mastodon app asks before and right after signing in: the instance, its limits and the person's preferences.

``/api/v1/instance`` and ``/api/v2/instance`` answer anyone (an app reads them before signing in: ``toot login``
stops at "Instance not found" without them); they name the network and its limits, never its members. Essaim
matches Mastodon's client API **4.3** (``MASTODON_API_VERSION``): the version string is
``"4.3.0 (compatible; Essaim x.y.z)"``, which Mastodon.py and toot read as 4.3.0 (they keep what precedes the
first space), and ``api_versions.mastodon`` is 2 as in Mastodon 4.3.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from ninja import Router

from essaim.api.auth import current_user
from essaim.core.http import absolute_url, site_root

MASTODON_API_VERSION = "4.3.0"
MASTODON_API_LEVEL = 2  # api_versions.mastodon, as Mastodon 4.3 answers
POLL_MAX_OPTIONS = 10
POLL_MAX_CHARS_PER_OPTION = 100
POLL_MIN_EXPIRATION = 300  # five minutes
POLL_MAX_EXPIRATION = 2_629_746  # one month
IMAGE_MAX_PIXELS = 2048 * 2048  # essaim.stream.attachments.IMAGE_MAX_SIDE, both sides

router = Router(tags=["instance"])


def essaim_version() -> str:
    """Essaim's own version (the installed package's, else the source tree's)."""
    try:
        return metadata.version("essaim")
    except metadata.PackageNotFoundError:
        return "0.1.0"


def version_string() -> str:
    return f"{MASTODON_API_VERSION} (compatible; Essaim {essaim_version()})"


def _network_name() -> str:
    from essaim.network.selectors import network_settings

    return str(network_settings().name)


def streaming_url(request: HttpRequest) -> str:
    """Where apps open the streaming API: this site's address as a WebSocket one (``wss://`` behind HTTPS), as
    Mastodon answers; the ASGI process serves ``/api/v1/streaming`` on the same port (``essaim.api.streaming``)."""
    root = site_root(request)
    return (
        "wss://" + root.removeprefix("https://")
        if root.startswith("https://")
        else "ws://" + root.removeprefix("http://")
    )


def configuration(request: HttpRequest) -> dict[str, Any]:
    """The real limits: a post's length (``POST_MAX_CHARS``), attachments (``MAX_ATTACHMENTS``, ``UPLOAD_MAX_BYTES``,
    the image types the upload code keeps as images) and polls."""
    from essaim.stream.attachments import IMAGE_TYPES
    from essaim.stream.models import POST_MAX_CHARS
    from essaim.stream.services import MAX_ATTACHMENTS

    upload_limit = int(settings.UPLOAD_MAX_BYTES)
    return {
        "urls": {"streaming": streaming_url(request)},
        "vapid": {"public_key": vapid_public_key()},
        "accounts": {"max_featured_tags": 0, "max_pinned_statuses": 0},
        "statuses": {
            "max_characters": POST_MAX_CHARS,
            "max_media_attachments": MAX_ATTACHMENTS,
            "characters_reserved_per_url": 0,
        },
        "media_attachments": {
            "supported_mime_types": [*sorted(IMAGE_TYPES), "application/pdf", "application/octet-stream"],
            "image_size_limit": upload_limit,
            "image_matrix_limit": IMAGE_MAX_PIXELS,
            "video_size_limit": upload_limit,
            "video_frame_rate_limit": 0,
            "video_matrix_limit": 0,
            "description_limit": 1500,
        },
        "polls": {
            "max_options": POLL_MAX_OPTIONS,
            "max_characters_per_option": POLL_MAX_CHARS_PER_OPTION,
            "min_expiration": POLL_MIN_EXPIRATION,
            "max_expiration": POLL_MAX_EXPIRATION,
        },
        "translation": {"enabled": False},
    }


def vapid_public_key() -> str:
    """The network's VAPID public key, which apps hand to their push service (``essaim.webpush``)."""
    from essaim.webpush.keys import public_key

    return public_key()


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _thumbnail(request: HttpRequest) -> str:
    return absolute_url(request, static("api/missing-avatar.png"))


def instance_v1_data(request: HttpRequest) -> dict[str, Any]:
    """Mastodon's V1::Instance entity."""
    root = site_root(request)
    config = configuration(request)
    return {
        "vapid_key": config["vapid"]["public_key"],
        "uri": request.get_host(),
        "title": _network_name(),
        "short_description": "",
        "description": "",
        "email": "",
        "version": version_string(),
        "urls": {"streaming_api": streaming_url(request)},
        "stats": {"user_count": 0, "status_count": 0, "domain_count": 0},
        "thumbnail": _thumbnail(request),
        "languages": _languages(),
        "registrations": False,
        "approval_required": True,
        "invites_enabled": False,
        "configuration": config,
        "contact_account": None,
        "rules": [],
        "essaim": {"version": essaim_version(), "url": root},
    }


def instance_v2_data(request: HttpRequest) -> dict[str, Any]:
    """Mastodon's Instance entity (v2)."""
    return {
        "domain": request.get_host(),
        "title": _network_name(),
        "version": version_string(),
        "source_url": "https://github.com/essaim/essaim",
        "description": "",
        "usage": {"users": {"active_month": 0}},
        "thumbnail": {"url": _thumbnail(request)},
        "icon": [],
        "languages": _languages(),
        "configuration": configuration(request),
        "registrations": {"enabled": False, "approval_required": True, "message": None},
        "api_versions": {"mastodon": MASTODON_API_LEVEL},
        "contact": {"email": "", "account": None},
        "rules": [],
    }


@router.get("/v1/instance", auth=None, response=dict[str, Any], url_name="instance-v1")
def instance_v1(request: HttpRequest) -> dict[str, Any]:
    """The network as Mastodon's V1::Instance, answered to anyone: its name, version and limits, no member."""
    return instance_v1_data(request)


@router.get("/v2/instance", auth=None, response=dict[str, Any], url_name="instance-v2")
def instance_v2(request: HttpRequest) -> dict[str, Any]:
    """The network as Mastodon's Instance (v2); ``api_versions.mastodon`` is 2 (Mastodon 4.3)."""
    return instance_v2_data(request)


@router.get("/v1/instance/peers", auth=None, response=list[str], url_name="instance-peers")
def instance_peers(request: HttpRequest) -> list[str]:
    """Always empty: an Essaim network does not federate."""
    return []


@router.get("/v1/instance/activity", auth=None, response=list[dict[str, str]], url_name="instance-activity")
def instance_activity(request: HttpRequest) -> list[dict[str, str]]:
    """Always empty: a company's activity is not published."""
    return []


@router.get("/v1/instance/rules", auth=None, response=list[dict[str, str]], url_name="instance-rules")
def instance_rules(request: HttpRequest) -> list[dict[str, str]]:
    """Always empty: the network's charter is read in the web pages."""
    return []


@router.get("/v1/custom_emojis", auth=None, response=list[dict[str, Any]], url_name="custom-emojis")
def custom_emojis(request: HttpRequest) -> list[dict[str, Any]]:
    """Always empty: Essaim has no custom emoji."""
    return []


@router.get("/v1/preferences", response=dict[str, Any], url_name="preferences")
def preferences(request: HttpRequest) -> dict[str, Any]:
    """The person's posting and reading defaults, as Mastodon names them."""
    user = current_user(request)
    return {
        "posting:default:visibility": "public",
        "posting:default:sensitive": False,
        "posting:default:language": user.language or None,
        "reading:expand:media": "default",
        "reading:expand:spoilers": False,
    }
