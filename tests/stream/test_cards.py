"""Post cards shared through the cache (``essaim.stream.cards``).

A card is rendered once and then served to every viewer for whom it renders identically: its
key is a digest of everything the card shows. These tests pin down both halves of that promise:
viewers in the same situation share a card, and any difference a viewer could see gives another
key. The CSRF token and the return address are filled per request, so a shared card still
carries the viewer's own working token and the page's own address.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Engine, RequestContext
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone, translation

from essaim.accounts.models import User
from essaim.core import fragments
from essaim.people.models import Follow, Profile
from essaim.spaces.models import Membership, Space
from essaim.stream import cards, selectors, services
from essaim.stream.models import Attachment, Comment, Post, Reaction
from tests.accounts.factories import UserFactory
from tests.stream.factories import image_upload

Role = Membership.Role
CARDS_TEMPLATE = "{% load stream_tags %}{% post_cards posts pinned=False %}"


# --- helpers ------------------------------------------------------------------------------


def _load(post_id: int, viewer: User) -> Post:
    """The post as a feed hands it to its template: author, profile and space loaded, hydrated."""
    post = Post.objects.select_related("author__profile", "space").get(pk=post_id)
    return selectors.hydrate(actor=viewer, posts=[post])[0]


def _key(post_id: int, viewer: User, **flags: Any) -> str:
    return cards.card_key(_load(post_id, viewer), viewer_id=viewer.pk, flags={"pinned": False, **flags})


def _render(post_ids: list[int], viewer: User, path: str = "/") -> str:
    """``{% post_cards %}`` for ``viewer``, as the feed template calls it."""
    request = RequestFactory().get(path)
    request.user = viewer
    posts = [_load(pk, viewer) for pk in post_ids]
    template = Engine.get_default().from_string(CARDS_TEMPLATE)
    return template.render(RequestContext(request, {"posts": posts}))


@contextmanager
def card_renders() -> Iterator[list[int]]:
    """Record the primary key of every card actually rendered (not served from the cache)."""
    real = Engine.get_default().get_template(cards.CARD_TEMPLATE)
    rendered: list[int] = []

    def render(context: Any) -> str:
        rendered.append(context["post"].pk)
        return real.render(context)

    engine = SimpleNamespace(get_template=lambda name: SimpleNamespace(render=render))
    with mock.patch.object(cards, "Engine", SimpleNamespace(get_default=lambda: engine)):
        yield rendered


def _forms(page: str, css_class: str) -> list[str]:
    return re.findall(rf'<form class="{css_class}".*?</form>', page, flags=re.DOTALL)


def _field(form: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', form)
    assert match, f"no {name} in {form[:200]}"
    return html.unescape(match.group(1))


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def author(employee: User, public_space: Space, join: Callable[..., Membership]) -> User:
    join(employee, public_space)
    Profile.objects.filter(user=employee).update(job_title="Cheffe de projet")
    return employee


@pytest.fixture
def viewers(public_space: Space, join: Callable[..., Membership], author: User) -> tuple[User, User]:
    """Two members of the space in the same situation: neither wrote nor reacted to anything."""
    first = UserFactory(first_name="Victor", last_name="Premier", handle="victor.premier")
    second = UserFactory(first_name="Valérie", last_name="Seconde", handle="valerie.seconde")
    for person in (first, second):
        join(person, public_space)
    return first, second


@pytest.fixture
def commenter(public_space: Space, join: Callable[..., Membership]) -> User:
    person = UserFactory(first_name="Colin", last_name="Commente", handle="colin.commente")
    join(person, public_space)
    return person


@pytest.fixture
def post(
    author: User,
    public_space: Space,
    commenter: User,
    make_post: Callable[..., Post],
    join: Callable[..., Membership],
) -> Post:
    """A post in a space with two preview comments and a reaction (by a fourth person)."""
    post = make_post(author, "Réunion jeudi à 10 h", space=public_space)
    services.comment_create(actor=commenter, post=post, body="J'y serai")
    services.comment_create(actor=author, post=post, body="Parfait")
    fan = UserFactory(handle="fan.club")
    join(fan, public_space)
    services.reaction_add(actor=fan, post=post, emoji="👍")
    return post


# --- (i) viewers in the same situation share one card ---------------------------------------


class TestSharing:
    def test_two_viewers_in_the_same_situation_get_the_same_key(self, post: Post, viewers: tuple[User, User]) -> None:
        first, second = viewers
        assert _key(post.pk, first) == _key(post.pk, second)

    def test_nothing_changed_means_the_same_key(self, post: Post, viewers: tuple[User, User]) -> None:
        assert _key(post.pk, viewers[0]) == _key(post.pk, viewers[0])

    def test_the_second_viewer_is_served_from_the_cache(self, post: Post, viewers: tuple[User, User]) -> None:
        first, second = viewers
        with card_renders() as rendered:
            first_html = _render([post.pk], first)
            assert rendered == [post.pk]
            second_html = _render([post.pk], second)
            assert rendered == [post.pk], "the second viewer's card was rendered again"
        assert "Réunion jeudi" in first_html
        assert "Réunion jeudi" in second_html

    def test_one_cache_round_trip_for_a_page_none_when_the_process_has_the_cards(
        self, post: Post, author: User, viewers: tuple[User, User]
    ) -> None:
        other = services.post_create(actor=author, body="Deuxième")
        _render([post.pk, other.pk], viewers[0])
        fragments.forget_local()  # as in another process: only the shared cache has them
        shared = caches[fragments.ALIAS]
        spy = mock.patch.object(shared, "get_many", wraps=shared.get_many)
        with spy as get_many, card_renders() as rendered:
            _render([post.pk, other.pk], viewers[1])
            assert get_many.call_count == 1
            _render([post.pk, other.pk], viewers[1])
            assert get_many.call_count == 1, "this process's copy answered"
        assert rendered == []

    def test_a_card_drawn_on_the_home_feed_serves_the_space_page(self, post: Post, viewers: tuple[User, User]) -> None:
        """The home feed says ``pinned=False``, a space page ``can_delete=False``: the same card."""
        _render([post.pk], viewers[0])
        request = RequestFactory().get("/spaces/atelier/")
        request.user = viewers[0]
        space_style = Engine.get_default().from_string("{% load stream_tags %}{% post_card post can_delete=False %}")
        with card_renders() as rendered:
            space_style.render(RequestContext(request, {"post": _load(post.pk, viewers[0])}))
        assert rendered == []

    def test_only_the_missing_cards_are_rendered(self, post: Post, author: User, viewers: tuple[User, User]) -> None:
        _render([post.pk], viewers[0])
        other = services.post_create(actor=author, body="Deuxième")
        with card_renders() as rendered:
            page = _render([other.pk, post.pk], viewers[1])
        assert rendered == [other.pk]
        assert page.index("Deuxième") < page.index("Réunion jeudi"), "cards keep the page's order"


# --- (ii) whatever a viewer could see differently gives another key -------------------------


def _edit_post(post: Post, **people: User) -> None:
    services.post_edit(actor=people["author"], post=post, body="Réunion jeudi à 11 h")


def _react(post: Post, **people: User) -> None:
    services.reaction_add(actor=people["commenter"], post=post, emoji="🎉")


def _rename_space(post: Post, **people: User) -> None:
    Space.objects.filter(pk=post.space_id).update(name="Atelier du jeudi")


def _hide(post: Post, **people: User) -> None:
    moderator = UserFactory()
    Membership.objects.create(user=moderator, space_id=post.space_id, role=Role.MODERATOR)
    services.post_hide(actor=moderator, post=Post.objects.select_related("space").get(pk=post.pk))


def _reply(post: Post, **people: User) -> None:
    """A reply: the comment count changes, the preview (top-level comments only) does not."""
    first = Comment.objects.filter(post=post).order_by("id").first()
    services.comment_create(actor=people["commenter"], post=post, body="Moi aussi", parent=first)


def _edit_preview_comment(post: Post, **people: User) -> None:
    comment = Comment.objects.filter(post=post, author=people["commenter"]).get()
    services.comment_edit(actor=people["commenter"], comment=comment, body="J'y serai, avec Paul")


def _rename_author(post: Post, **people: User) -> None:
    User.objects.filter(pk=people["author"].pk).update(last_name="Martin-Durand")


def _retitle_author(post: Post, **people: User) -> None:
    Profile.objects.filter(user=people["author"]).update(job_title="Directrice")


def _rename_commenter(post: Post, **people: User) -> None:
    User.objects.filter(pk=people["commenter"].pk).update(first_name="Colette")


def _new_photo(post: Post, **people: User) -> None:
    Profile.objects.filter(user=people["author"]).update(photo="people/photos/1/moi.jpg")


def _announce(post: Post, **people: User) -> None:
    Post.objects.filter(pk=post.pk).update(
        is_announcement=True, announcement_expires_at=timezone.now() + timedelta(days=1)
    )


def _new_handle(post: Post, **people: User) -> None:
    """The profile link on the card (``/@handle``) follows the handle (editable in the admin)."""
    User.objects.filter(pk=people["author"].pk).update(handle="lea.martin-durand")


CHANGES = [
    pytest.param(_edit_post, id="post-edited"),
    pytest.param(_react, id="reaction-count"),
    pytest.param(_rename_space, id="space-renamed"),
    pytest.param(_hide, id="post-hidden"),
    pytest.param(_reply, id="comment-count"),
    pytest.param(_edit_preview_comment, id="preview-comment-edited"),
    pytest.param(_rename_author, id="author-name"),
    pytest.param(_retitle_author, id="author-job-title"),
    pytest.param(_rename_commenter, id="commenter-name"),
    pytest.param(_new_photo, id="author-photo"),
    pytest.param(_announce, id="announcement"),
    pytest.param(_new_handle, id="author-handle"),
]


@pytest.mark.parametrize("change", CHANGES)
def test_the_key_changes_when_what_the_card_shows_changes(
    change: Callable[..., None], post: Post, author: User, commenter: User, viewers: tuple[User, User]
) -> None:
    viewer = viewers[0]
    before = _key(post.pk, viewer)
    change(Post.objects.get(pk=post.pk), author=author, commenter=commenter)
    assert _key(post.pk, viewer) != before


class TestAPreviewCommentsFiles:
    """A preview comment's files show on the card as a post's do, and the key follows them."""

    def test_they_show_on_the_card(
        self, author: User, commenter: User, public_space: Space, viewers: tuple[User, User], make_post: Any
    ) -> None:
        post = make_post(author, "Des photos du col ?", space=public_space)
        trace = SimpleUploadedFile("trace.gpx", b"<gpx/>", content_type="application/gpx+xml")
        comment = services.comment_create(
            actor=commenter,
            post=post,
            body="Voici",
            attachments=[image_upload("col.jpg"), trace],
            image_description="Le col",
        )
        image, file = sorted(comment.attachments.all(), key=lambda a: not a.is_image)
        page = _render([post.pk], viewers[0])
        assert f'<a href="/attachments/{image.pk}/"><img src="/attachments/{image.pk}/thumbnail" alt="Le col"' in page
        assert f'<a href="/attachments/{file.pk}/" download>' in page
        assert "trace.gpx" in page

    def test_a_change_to_them_makes_a_new_key(
        self, author: User, commenter: User, public_space: Space, viewers: tuple[User, User], make_post: Any
    ) -> None:
        post = make_post(author, "Des photos du col ?", space=public_space)
        services.comment_create(actor=commenter, post=post, body="Voici", attachments=[image_upload("col.jpg")])
        before = _key(post.pk, viewers[0])
        Attachment.objects.filter(post=post).update(alt_text="Le col du Galibier")  # as the admin could
        assert _key(post.pk, viewers[0]) != before


class TestTheViewerShapesTheKey:
    def test_the_viewers_own_reactions(self, post: Post, viewers: tuple[User, User], commenter: User) -> None:
        first, second = viewers
        services.reaction_add(actor=first, post=post, emoji="❤️")
        services.reaction_add(actor=second, post=post, emoji="🎉")
        # Same counts for both (👍 1, ❤️ 1, 🎉 1), but each sees their own button pressed.
        assert _key(post.pk, first) != _key(post.pk, second)
        services.reaction_remove(actor=second, post=post, emoji="🎉")
        services.reaction_add(actor=second, post=post, emoji="❤️")
        assert _key(post.pk, first) == _key(post.pk, second), "same reactions again: same card"
        assert Reaction.objects.filter(post=post).count() == 3

    def test_the_author_gets_a_card_of_their_own(self, post: Post, author: User, viewers: tuple[User, User]) -> None:
        assert _key(post.pk, author) != _key(post.pk, viewers[0])

    def test_the_writer_of_a_preview_comment_gets_a_card_of_their_own(
        self, post: Post, commenter: User, viewers: tuple[User, User]
    ) -> None:
        assert _key(post.pk, commenter) != _key(post.pk, viewers[0])

    def test_the_language(self, post: Post, viewers: tuple[User, User]) -> None:
        with translation.override("fr"):
            french = _key(post.pk, viewers[0])
        with translation.override("en"):
            english = _key(post.pk, viewers[0])
        assert french != english

    def test_the_time_zone(self, post: Post, viewers: tuple[User, User]) -> None:
        with timezone.override("Europe/Paris"):
            paris = _key(post.pk, viewers[0])
        with timezone.override("America/Montreal"):
            montreal = _key(post.pk, viewers[0])
        assert paris != montreal

    @pytest.mark.parametrize(("flag", "values"), [("can_delete", (False, True)), ("pinned", (False, True))])
    def test_the_flags_the_page_passes(
        self, post: Post, viewers: tuple[User, User], flag: str, values: tuple[bool, bool]
    ) -> None:
        off, on = (_key(post.pk, viewers[0], **{flag: value}) for value in values)
        assert off != on

    def test_the_relative_time_bucket(self, post: Post, viewers: tuple[User, User]) -> None:
        loaded = _load(post.pk, viewers[0])

        def key_at(after: timedelta) -> str:
            with mock.patch("django.utils.timezone.now", return_value=loaded.created_at + after):
                return cards.card_key(loaded, viewer_id=viewers[0].pk, flags={"pinned": False})

        five = key_at(timedelta(minutes=5, seconds=1))
        assert key_at(timedelta(minutes=5, seconds=59)) == five, "still '5 minutes ago': same card"
        assert key_at(timedelta(minutes=6)) != five
        assert key_at(timedelta(hours=3)) != key_at(timedelta(hours=4))
        assert key_at(timedelta(days=8)) == key_at(timedelta(days=9)), "a date does not move"


# --- (iii) per-request slots through the real home page -------------------------------------


@pytest.fixture
def home_posts(author: User, viewers: tuple[User, User], make_post: Callable[..., Post]) -> list[Post]:
    """Five company posts by ``author``, in both viewers' home timelines (they follow her)."""
    for viewer in viewers:
        Follow.objects.create(follower=viewer, followed=author)
    return [make_post(author, f"Nouvelle n°{i}") for i in range(5)]


def _signed_in(user: User, *, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(user)
    return client


def _next_page_path(page: str, limit: int) -> str:
    match = re.search(r'href="\?max_id=(\d+)"', page)
    assert match, "no 'Load more' link"
    return f"/?limit={limit}&max_id={match.group(1)}"


class TestHomePage:
    def test_no_slot_reaches_the_browser(self, home_posts: list[Post], viewers: tuple[User, User]) -> None:
        for viewer in viewers:  # the second page is assembled from cached cards
            page = _signed_in(viewer).get("/").text
            assert page.count('class="card post') == 5
            assert not any(slot in page for slot in cards.slots())

    def test_the_second_viewers_cards_come_from_the_cache(
        self, home_posts: list[Post], viewers: tuple[User, User]
    ) -> None:
        first, second = (_signed_in(v) for v in viewers)
        first.get("/")
        with card_renders() as rendered:
            assert second.get("/").status_code == 200
        assert rendered == []

    def test_each_viewer_reacts_with_their_own_token_from_a_shared_card(
        self, home_posts: list[Post], viewers: tuple[User, User]
    ) -> None:
        first = _signed_in(viewers[0], enforce_csrf_checks=True)
        second = _signed_in(viewers[1], enforce_csrf_checks=True)
        first_form = _forms(first.get("/").text, "reactions")[0]
        with card_renders() as rendered:
            second_forms = _forms(second.get("/").text, "reactions")
        assert rendered == [], "the second page must be made of cached cards for this test to mean anything"
        target = home_posts[-1]
        assert f'id="reactions-{target.pk}"' in second_forms[0]
        token = _field(second_forms[0], "csrfmiddlewaretoken")
        stranger_token = _field(first_form, "csrfmiddlewaretoken")

        refused = second.post(
            f"/posts/{target.pk}/react", {"emoji": "👍", "next": "/", "csrfmiddlewaretoken": stranger_token}
        )
        assert refused.status_code == 403, "another person's token must not work"
        accepted = second.post(f"/posts/{target.pk}/react", {"emoji": "👍", "next": "/", "csrfmiddlewaretoken": token})
        assert accepted.status_code == 302
        assert Reaction.objects.filter(post=target, user=viewers[1], emoji="👍").exists()

    def test_every_form_of_the_card_carries_the_viewers_token(
        self, home_posts: list[Post], viewers: tuple[User, User]
    ) -> None:
        client = _signed_in(viewers[1], enforce_csrf_checks=True)
        _signed_in(viewers[0]).get("/")  # fill the cache
        page = client.get("/").text
        comment_form = _forms(page, "comment-form")[0]
        action = re.search(r'action="/posts/(\d+)/comments"', comment_form)
        assert action
        post_id = int(action.group(1))
        token = _field(comment_form, "csrfmiddlewaretoken")
        response = client.post(f"/posts/{post_id}/comments", {"body": "Bravo", "csrfmiddlewaretoken": token})
        assert response.status_code in {200, 302}
        assert Comment.objects.filter(post_id=post_id, author=viewers[1]).exists()

    def test_next_is_the_address_of_each_page(self, home_posts: list[Post], viewers: tuple[User, User]) -> None:
        first, second = (_signed_in(v) for v in viewers)
        for client in (first, second):  # the second viewer gets both pages from the cache
            page_one = client.get("/?limit=3").text
            page_two_path = _next_page_path(page_one, 3)
            page_two = client.get(page_two_path).text
            for page, path in ((page_one, "/?limit=3"), (page_two, page_two_path)):
                forms = _forms(page, "reactions")
                assert forms
                assert {_field(form, "next") for form in forms} == {path}
            assert page_two.count('class="card post') == 2
            escaped = page_two_path.replace("&", "&amp;")
            assert all(f'name="next" value="{escaped}"' in form for form in _forms(page_two, "reactions"))


# --- (iv) a card with the author's menu never reaches anyone else ----------------------------


class TestAuthorsCard:
    @pytest.mark.parametrize("author_first", [True, False], ids=["author-first", "viewer-first"])
    def test_the_edit_link_is_the_authors_only(
        self, home_posts: list[Post], author: User, viewers: tuple[User, User], author_first: bool
    ) -> None:
        edit_links = [f'href="/posts/{p.pk}/edit"' for p in home_posts]
        people = [(author, True), (viewers[0], False)]
        for person, is_author in people if author_first else reversed(people):
            page = _signed_in(person).get("/").text
            for link in edit_links:
                assert (link in page) is is_author, person.handle

    def test_a_comments_edit_link_is_its_writers_only(
        self, post: Post, commenter: User, viewers: tuple[User, User]
    ) -> None:
        comment = Comment.objects.get(post=post, author=commenter)
        link = f'href="/comments/{comment.pk}/edit"'
        assert link in _render([post.pk], commenter)
        assert link not in _render([post.pk], viewers[0])

    def test_a_moderators_delete_link_stays_on_the_moderators_space_page(
        self, post: Post, public_space: Space, viewers: tuple[User, User], join: Callable[..., Membership]
    ) -> None:
        moderator = UserFactory(handle="mo.derateur")
        join(moderator, public_space, Role.MODERATOR)
        delete = f'href="/posts/{post.pk}/delete"'
        url = public_space.get_absolute_url()
        assert delete in _signed_in(moderator).get(url).text
        assert delete not in _signed_in(viewers[0]).get(url).text


# --- the slots are the card's, not the writer's ---------------------------------------------


def test_the_slots_come_from_the_secret_key_so_no_post_can_quote_them() -> None:
    slots = cards.slots()
    with override_settings(SECRET_KEY="another-secret-key-for-this-test-0123456789abcdef"):
        assert set(cards.slots()).isdisjoint(slots)
    assert all(len(slot.rsplit("-", 1)[1]) >= 24 for slot in slots)  # 96 bits: not guessable


# A marker someone could guess from the code (the form they had before they came from the key).
GUESSABLE = ["essaim-csrf-slot-3f9c1b", "/essaim-next-slot-3f9c1b", "essaim-csrf-", "/essaim-next-"]


@pytest.mark.parametrize("slot", GUESSABLE)
def test_a_post_that_quotes_a_marker_shows_it_as_written(
    slot: str, author: User, viewers: tuple[User, User], make_post: Callable[..., Post]
) -> None:
    Follow.objects.create(follower=viewers[0], followed=author)
    make_post(author, f"Lien : [doc](https://example.com/{slot.lstrip('/')})")
    page = _signed_in(viewers[0]).get("/").text
    body = re.search(r'<div class="post__body">(.*?)</div>', page, flags=re.DOTALL)
    assert body
    assert slot.lstrip("/") in body.group(1)


def test_the_whole_page_carries_one_token_made_once(
    home_posts: list[Post], viewers: tuple[User, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cards and cached fragments reuse the page's token (``fragments.csrf_token``) instead of
    masking it anew for each of them (32 calls to the system's random source each)."""
    from django.middleware import csrf

    made: list[str] = []
    real = csrf._mask_cipher_secret
    monkeypatch.setattr(csrf, "_mask_cipher_secret", lambda secret: made.append(secret) or real(secret))
    page = _signed_in(viewers[0]).get("/").text
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
    assert len(tokens) == 1
    assert page.count('name="csrfmiddlewaretoken"') > 5  # cards, top bar, language switch, composer
    assert len(made) == 1


# --- (iv) what a card reads of its page is what its key covers --------------------------------------


class _Watched:
    """One of the page's objects as the card template sees it: every use the card makes of it is written
    down (an attribute read as ``"user.pk"``; the object itself, printed or tested, as ``"user"``)."""

    def __init__(self, name: str, target: Any, reads: set[str]) -> None:
        object.__setattr__(self, "_watched", (name, target, reads))

    def _use(self, what: str = "") -> Any:
        name, target, reads = object.__getattribute__(self, "_watched")
        reads.add(f"{name}.{what}" if what else name)
        return target

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._use(attribute), attribute)

    def __getitem__(self, key: Any) -> Any:
        raise TypeError  # the template engine then reads an attribute of that name

    def __bool__(self) -> bool:
        return bool(self._use())

    def __str__(self) -> str:
        return str(self._use())

    def __html__(self) -> str:
        return str(self._use())

    def __iter__(self) -> Iterator[Any]:
        return iter(self._use())

    def __len__(self) -> int:
        return len(self._use())

    def __eq__(self, other: object) -> bool:
        return bool(self._use() == other)

    __hash__ = None  # type: ignore[assignment]  # compared, never a key


@contextmanager
def page_reads(source: str | None = None) -> Iterator[set[str]]:
    """What the cards rendered inside the block read of the page's context (every name but those
    ``render_cards`` gives the card), each page object watched. ``source``: another card template."""
    real = (
        Engine.get_default().from_string(source) if source else Engine.get_default().get_template(cards.CARD_TEMPLATE)
    )
    reads: set[str] = set()

    def render(context: Any) -> str:
        given = context.dicts[-1]
        page = {name: value for layer in context.dicts[:-1] for name, value in layer.items() if name not in given}
        with context.push({name: _Watched(name, value, reads) for name, value in page.items()}):
            return real.render(context)

    engine = SimpleNamespace(get_template=lambda name: SimpleNamespace(render=render))
    with (
        mock.patch.object(cards, "Engine", SimpleNamespace(get_default=lambda: engine)),
        mock.patch.object(cards, "get_html", return_value={}),  # every card drawn, none from the cache
    ):
        yield reads


def _allowed_page_reads() -> set[str]:
    return {f"{name}.{attribute}" for name, attributes in cards.PAGE_READS.items() for attribute in attributes}


class TestWhatACardReadsOfItsPage:
    """``card_key`` covers the viewer through ``viewer_id`` only; a card that read anything else of its page
    (another fact about the viewer, the request) would show one viewer's card to another. The card template
    is rendered with every object of the page watched, and may use only ``cards.PAGE_READS``."""

    def test_the_card_reads_the_viewers_id_and_nothing_else_of_the_page(
        self, post: Post, author: User, commenter: User, viewers: tuple[User, User]
    ) -> None:
        for viewer in (viewers[0], author, commenter):
            with page_reads() as reads:
                _render([post.pk], viewer)
            assert reads, "the watch saw nothing: it no longer watches the card's page"
            assert reads <= _allowed_page_reads(), viewer.handle

    @pytest.mark.parametrize(
        ("source", "read"),
        [
            ("{% if user.is_network_admin %}admin{% endif %}", "user.is_network_admin"),
            ("{{ user.get_full_name }}", "user.get_full_name"),
            ("{% if messages %}!{% endif %}", "messages"),
            ("{{ request.path }}", "request.path"),
            ("{% if post.author == user %}mine{% endif %}", "user"),
            ("{% load access %}{% can 'spaces.moderate' post.space as mod %}{{ mod }}", "user.is_authenticated"),
        ],
    )
    def test_the_watch_catches_a_card_that_reads_more(
        self, post: Post, viewers: tuple[User, User], source: str, read: str
    ) -> None:
        """The guard itself: a card template reading another fact of its page is caught."""
        with page_reads("{% load i18n %}" + source) as reads:
            _render([post.pk], viewers[0])
        assert read in reads
        assert not reads <= _allowed_page_reads()

    def test_viewers_who_share_a_key_get_the_same_card(
        self,
        post: Post,
        viewers: tuple[User, User],
        public_space: Space,
        join: Callable[..., Membership],
        author: User,
    ) -> None:
        """Rendered afresh for people of every kind who share its key, a card is the same to the byte."""
        guest = UserFactory(kind=User.Kind.GUEST, handle="gus.invite")
        moderator = UserFactory(handle="mona.moderatrice")
        join(guest, public_space)
        join(moderator, public_space, Role.MODERATOR)
        others = [
            viewers[0],
            viewers[1],
            guest,
            moderator,
            UserFactory(is_network_admin=True, handle="nina.admin"),
            UserFactory(is_compliance_officer=True, handle="carl.conformite"),
            UserFactory(is_communication_team=True, handle="coco.com"),
        ]
        Follow.objects.create(follower=others[-1], followed=author)
        cards_by_key: dict[str, set[str]] = {}
        for viewer in others:
            with (
                mock.patch.object(cards, "get_html", return_value={}),
                mock.patch.object(cards, "set_html") as stored,
            ):
                _render([post.pk], viewer)
            (drawn, _timeout), _kwargs = stored.call_args
            for key, card in drawn.items():
                cards_by_key.setdefault(key, set()).add(card)
        assert len(cards_by_key) == 1  # all of them share the card's key...
        assert all(len(drawn) == 1 for drawn in cards_by_key.values())  # ...and get the same card
