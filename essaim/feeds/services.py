"""Writes of feeds: subscribe a space, change, pause, remove, fetch now. Each asks ``access`` first."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.accounts import services as accounts_services
from essaim.feeds import tasks
from essaim.feeds.importing import claim
from essaim.feeds.models import Feed
from essaim.spaces.models import Space

MAX_FEEDS_PER_SPACE = 50


def _check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname or len(url) > 2000:
        raise ValidationError({"url": _("Give the feed's full address, starting with https:// or http://.")})
    return url


def _check_choices(*, every: int, show: str) -> None:
    if every not in Feed.Every.values:
        raise ValidationError({"every": _("Choose how often the feed is read.")})
    if show not in Feed.Show.values:
        raise ValidationError({"show": _("Choose what the posts show.")})


def feed_subscribe(
    *, actor: Actor, space: Space, url: str, title: str = "", keywords: str = "", every: int = 60, show: str = "summary"
) -> Feed:
    """Subscribe ``space`` to the feed at ``url``: its items will appear as posts by the feed's own identity.
    The first fetch is queued at once."""
    access.require(actor, Action.MANAGE_FEEDS, space)
    url = _check_url(url)
    _check_choices(every=every, show=show)
    if Feed.objects.filter(space=space).count() >= MAX_FEEDS_PER_SPACE:
        raise ValidationError(_("A space follows at most %(count)d feeds.") % {"count": MAX_FEEDS_PER_SPACE})
    if Feed.objects.filter(space=space, url=url).exists():
        raise ValidationError({"url": _("This space already follows this feed.")})
    name = title.strip()[:200]
    try:
        with transaction.atomic():
            account = accounts_services.feed_account_create(name=name or (urlsplit(url).hostname or ""))
            feed = Feed(
                space=space,
                url=url,
                title=name,
                keywords=keywords.strip()[:300],
                every=every,
                show=show,
                account=account,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            feed.full_clean(exclude=["space", "account", "created_by"], validate_unique=False)
            feed.save(force_insert=True)
            transaction.on_commit(lambda: tasks.poll_feed.enqueue(feed_id=feed.pk, force=True))
    except IntegrityError:
        raise ValidationError({"url": _("This space already follows this feed.")}) from None
    return feed


@transaction.atomic
def feed_edit(*, actor: Actor, feed: Feed, title: str, keywords: str, every: int, show: str, paused: bool) -> Feed:
    access.require(actor, Action.EDIT, feed)
    _check_choices(every=every, show=show)
    was_paused = feed.paused
    feed.title = title.strip()[:200] or feed.title
    feed.keywords = keywords.strip()[:300]
    feed.every, feed.show, feed.paused = every, show, paused
    if was_paused and not paused:
        feed.next_fetch_at = timezone.now()
    feed.save(update_fields=["title", "keywords", "every", "show", "paused", "next_fetch_at"])
    if feed.title:
        accounts_services.feed_account_rename(account=feed.account, name=feed.title)
    return feed


@transaction.atomic
def feed_remove(*, actor: Actor, feed: Feed) -> None:
    """Stop following the feed. The posts it brought stay, by its identity."""
    access.require(actor, Action.DELETE, feed)
    feed.delete()


def feed_fetch_now(*, actor: Actor, feed: Feed) -> bool:
    """Fetch the feed now rather than at its next turn; ``False`` when a fetch is already under way."""
    access.require(actor, Action.EDIT, feed)
    if feed.paused:
        raise ValidationError(_("This feed is paused: resume it first."))
    if not claim(feed.pk, force=True):
        return False
    tasks.poll_feed.enqueue(feed_id=feed.pk, force=True, claimed=True)
    return True
