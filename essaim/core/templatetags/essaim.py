"""Template helpers shared by every app: icons, avatars, relative times."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from functools import lru_cache

from django import forms, template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from essaim.core.fragments import render_block, render_cached

register = template.Library()

_ICON_NAME = re.compile(r"^[a-z0-9-]+$")
AVATAR_COLOURS = 8


@lru_cache(maxsize=128)
def _icon_svg(name: str) -> str:
    if not _ICON_NAME.match(name):
        raise template.TemplateSyntaxError(f"Bad icon name {name!r}")
    path = settings.NODE_MODULES / "lucide-static" / "icons" / f"{name}.svg"
    svg = path.read_text(encoding="utf-8")
    svg = svg[svg.index("<svg") :]
    return svg.replace("<svg", '<svg aria-hidden="true" focusable="false"', 1).replace(
        'class="lucide', 'class="icon lucide', 1
    )


@register.simple_tag
def icon(name: str) -> SafeString:
    """An SVG icon from the lucide-static package, decorative: put a text label beside it."""
    return mark_safe(_icon_svg(name))  # noqa: S308 - file from a package, not user input


@register.filter
def initials(user: object) -> str:
    first = getattr(user, "first_name", "") or ""
    last = getattr(user, "last_name", "") or ""
    # the first letter of each name ("(webhook)", an integration's, gives its "w")
    letters = (next((c for c in name if c.isalnum()), "") for name in (first, last))
    return "".join(letters).upper() or "?"


@register.filter
def avatar_colour(user: object) -> int:
    """A stable colour index (0-7) for a person's initials avatar; CSS maps it to a colour."""
    digest = hashlib.blake2s(str(getattr(user, "pk", "")).encode(), digest_size=2).digest()
    return digest[0] % AVATAR_COLOURS


def reltime_bucket(value: datetime, now: datetime | None = None) -> tuple[str, int]:
    """What ``reltime``'s label depends on, cheaply: it changes exactly when the label does.

    For cache keys (``stream.cards``): computing the label itself (``timesince``, ``date_format``)
    cost more than rendering a cached card saves. The exact-date tooltip depends on the value,
    the language and the time zone, which such keys carry anyway.
    """
    delta = (now or timezone.now()) - value
    seconds = int(delta.total_seconds())
    if seconds < 60:
        return ("now", 0)
    if delta.days >= 7:
        return ("date", timezone.localtime(value).toordinal())
    if delta.days:
        return ("days", delta.days)
    if seconds >= 3600:
        return ("hours", seconds // 3600)
    return ("minutes", seconds // 60)


@register.simple_tag
def reltime(value: datetime | None) -> SafeString:
    """``<time>`` with a relative label ("il y a 5 min") and the exact date as a tooltip."""
    if value is None:
        return SafeString("")
    now = timezone.now()
    local = timezone.localtime(value)
    exact = date_format(local, "DATETIME_FORMAT")
    delta = now - value
    if delta.total_seconds() < 60:
        label = _("just now")
    elif delta.days < 7:
        label = _("%(delta)s ago") % {"delta": timesince(value, now, depth=1)}
    else:
        label = date_format(local, "DATE_FORMAT")
    return format_html('<time datetime="{}" title="{}">{}</time>', value.isoformat(), exact, label)


FORM_FIELDS_TEMPLATE = "includes/form_fields.html"


@register.simple_tag
def fixed_form_fields(form: forms.BaseForm) -> SafeString:
    """``includes/form_fields.html`` for a form whose fields depend only on its class, initial values
    and the language (the composer on every feed page): an unbound one is rendered once per such
    combination and then comes from the cache. A bound form (with the user's input or errors) is
    always rendered. Forms whose choices come from the database must not use this tag.
    """
    if form.is_bound:
        return mark_safe(render_to_string(FORM_FIELDS_TEMPLATE, {"form": form}))  # noqa: S308 - autoescaped template
    # The fields themselves, not only their names: a form may set a field's initial value or
    # choices in ``__init__`` (PostForm puts the space's id on its hidden ``space`` field). Lazy
    # translations are written out (in the current language), never as object addresses.
    fields = [
        (name, type(f).__name__, f.initial, getattr(f, "choices", None), f.required, f.widget.attrs, f.label)
        for name, f in form.fields.items()
    ]
    identity = (type(form).__module__, type(form).__qualname__, form.prefix, fields, form.initial)
    return render_cached(FORM_FIELDS_TEMPLATE, {"form": form}, identity=identity)


class CaptureNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str) -> None:
        self.nodelist = nodelist
        self.name = name

    def render(self, context: template.Context) -> str:
        context[self.name] = mark_safe(self.nodelist.render(context))  # noqa: S308 - rendered by the autoescaping engine
        return ""


@register.tag
def capture(parser: template.base.Parser, token: template.base.Token) -> CaptureNode:
    """``{% capture as name %}…{% endcapture %}``: render a block once, show it as often as needed.

    The main navigation appears twice on every page (the side column, the phone's bottom bar):
    rendering its links once saved a tenth of a millisecond per link.
    """
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


class FragmentNode(template.Node):
    def __init__(self, nodelist: template.NodeList, kind: str, identity: list[template.base.FilterExpression]) -> None:
        self.nodelist = nodelist
        self.kind = kind
        self.identity = identity

    def render(self, context: template.Context) -> str:
        identity = [str(value.resolve(context)) for value in self.identity]
        return render_block(context, self.nodelist, kind=self.kind, identity=identity)


@register.tag
def fragment(parser: template.base.Parser, token: template.base.Token) -> FragmentNode:
    """``{% fragment "name" value… %}…{% endfragment %}``: a block cached under its values and the language.

    The values must be everything the block reads (``core.fragments``): two requests share the
    HTML when they give the same values. ``{% csrf_token %}`` and ``{{ page_address }}`` (the page's
    path and query) inside are filled per request; nothing else per request may be used inside
    (the CSP nonce: keep ``<script>`` out).
    """
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('Usage: {% fragment "name" value… %}…{% endfragment %}')
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]])
