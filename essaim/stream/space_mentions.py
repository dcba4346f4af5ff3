"""A status from an app reaches a space by mentioning the space's handle: ``@projet-atlas`` in the text.

Mastodon's apps know nothing of spaces; what they all can do is write ``@handle``. A space's handle is its
address (``Space.slug``, the ``projet-atlas`` of ``/spaces/projet-atlas/``, given as ``essaim.handle`` on the
lists of ``/api/v1/lists``). A handle names a person first: a space is the one named by a handle that no person
the author may see carries. The author must be allowed to post in the space (``Action.CREATE_POST``, the one
policy), else the status is refused (422) rather than posted elsewhere; a space the author may not see is as
unknown as a handle nobody carries. One space per status.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.core.markdown import extract_mentions
from essaim.spaces.models import Space
from essaim.stream import post_links
from essaim.stream.models import Post


def space_mentioned(*, actor: User, body: str) -> Space | None:
    """The space whose handle ``body`` mentions, checked for ``actor`` to post in; ``None`` when it names none."""
    handles = extract_mentions(body)
    if not handles:
        return None
    people = {u.handle for u in access.visible_among(actor, post_links.people_named(handles))}
    others = [h for h in handles if h not in people]
    if not others:
        return None
    spaces = access.visible_among(actor, list(Space.objects.filter(slug__in=others).order_by("slug")))
    if not spaces:
        return None
    if len(spaces) > 1:
        names = ", ".join(f"@{space.slug}" for space in spaces)
        message = _("A post goes into one space: mention only one of %(handles)s.") % {"handles": names}
        raise ValidationError({"status": message})
    (space,) = spaces
    if not access.can(actor, Action.CREATE_POST, Post(author=actor, space=space)):
        message = _("You may not post in the space “%(name)s” (@%(handle)s): remove the mention, or ask its managers.")
        raise ValidationError({"status": message % {"name": space.name, "handle": space.slug}})
    return space
