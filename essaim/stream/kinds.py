"""What each kind of post adds to the stream: its composer fields, its rows beside the post, its card.

A plain post (``PostKind.POST``) adds nothing. Every other kind lives in its own app (questions,
polls, events, ideas, praise), which registers one :class:`KindSpec` from its ``AppConfig.ready()``
(``register_kind``). The stream then needs to know nothing of it:

* the composer's type switch lists the registered kinds (``composer_kinds``, in ``PostKind``'s order)
  and shows each one's own fields (``composer_template``, an include, with ``form``'s fields bound
  under the kind's prefix) when its radio button is checked (CSS only: it works without JavaScript);
* ``services.post_create`` checks the kind's input before its transaction (``prepare``, which raises
  ``ValidationError`` with the field's message) and writes its rows in it (``write``);
* ``selectors.hydrate`` gives each kind the page's posts of that kind (``hydrate``: one query per kind
  present on the page, none for a page without it), which set what their card shows and
  ``post.kind_key``, the card cache's input for it (``cards.card_key``);
* the card draws ``card_template`` below the post's text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from essaim.stream.models import PostKind

if TYPE_CHECKING:
    from django import forms

    from essaim.access.roles import Actor
    from essaim.accounts.models import User
    from essaim.stream.models import Post


@dataclass(frozen=True)
class KindSpec:
    kind: str
    icon: str = "message-square"
    composer_template: str = ""  # the kind's fields in the composer (an include), or none
    form: type[forms.Form] | None = None  # those fields, bound with the kind as prefix
    card_template: str = ""  # drawn on the card below the post's text
    # prepare(actor=, data=) → what write takes: the kind's input checked, before the post's transaction.
    prepare: Callable[..., Any] | None = None
    # write(actor=, post=, prepared=): the kind's rows, in the post's transaction (the post is saved).
    write: Callable[..., object] | None = None
    # hydrate(actor=, posts=): what the cards of ``posts`` (all of this kind) show, set on each post.
    hydrate: Callable[..., None] | None = None
    # commented(post=, comment=): a comment was written on a post of this kind, in its transaction.
    commented: Callable[..., None] | None = None
    # arrange_threads(actor=, post=, threads=) → threads: the post's page orders and completes its comments.
    arrange_threads: Callable[..., list[Any]] | None = None
    # status_fields(post) → the kind's fields of the API's Status (``poll``…), from the hydrated post.
    status_fields: Callable[..., dict[str, Any]] | None = None


_KINDS: dict[str, KindSpec] = {PostKind.POST: KindSpec(kind=PostKind.POST, icon="pencil")}


def register_kind(spec: KindSpec) -> None:
    """Make ``spec``'s kind known to the stream (from the kind's ``AppConfig.ready()``)."""
    _KINDS[spec.kind] = spec


def kind_spec(kind: str) -> KindSpec | None:
    return _KINDS.get(kind)


def composer_kinds() -> list[tuple[KindSpec, str]]:
    """The kinds the composer offers, with their labels, in ``PostKind``'s order."""
    return [(_KINDS[value], str(label)) for value, label in PostKind.choices if value in _KINDS]


def kind_forms(data: Mapping[str, Any] | None = None, *, chosen: str = "") -> dict[str, forms.Form]:
    """Each kind's composer fields: the ``chosen`` kind's bound to ``data`` (the composer's POST, checked and
    shown with its errors), the others empty (hidden, they say nothing of what was not asked of them)."""
    return {
        spec.kind: spec.form(data if spec.kind == chosen else None, prefix=spec.kind)
        for spec, _ in composer_kinds()
        if spec.form is not None
    }


def prepare(*, actor: User, kind: str, data: Mapping[str, Any] | None) -> Any:
    """The kind's input checked (``KindSpec.prepare``): ``ValidationError`` for what is wrong."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    spec = _KINDS.get(kind)
    if spec is None:
        raise ValidationError({"kind": _("Choose what to publish: a post, a question or a poll.")})
    return spec.prepare(actor=actor, data=data or {}) if spec.prepare is not None else None


def write(*, actor: User, post: Post, prepared: Any) -> None:
    spec = _KINDS[post.kind]
    if spec.write is not None:
        spec.write(actor=actor, post=post, prepared=prepared)


def hydrate(*, actor: Actor, posts: Sequence[Post]) -> None:
    """What each kind's cards show, for the page's posts of that kind: one call (one query) per kind."""
    by_kind: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        if post.kind != PostKind.POST:
            by_kind[post.kind].append(post)
    for kind, of_kind in by_kind.items():
        spec = _KINDS.get(kind)
        if spec is not None and spec.hydrate is not None:
            spec.hydrate(actor=actor, posts=of_kind)


def card_template(kind: str) -> str:
    spec = _KINDS.get(kind)
    return spec.card_template if spec is not None else ""


def commented(*, post: Post, comment: Any) -> None:
    spec = _KINDS.get(post.kind)
    if spec is not None and spec.commented is not None:
        spec.commented(post=post, comment=comment)


def arrange_threads(*, actor: Actor, post: Post, threads: list[Any]) -> list[Any]:
    spec = _KINDS.get(post.kind)
    if spec is None or spec.arrange_threads is None:
        return threads
    return spec.arrange_threads(actor=actor, post=post, threads=threads)


def status_fields(post: Post) -> dict[str, Any]:
    spec = _KINDS.get(post.kind)
    return spec.status_fields(post) if spec is not None and spec.status_fields is not None else {}
