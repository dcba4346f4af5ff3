"""Stream rules that involve spaces: a space's moderators delete the posts and comments of their space."""

from __future__ import annotations

import pytest
from django.utils import timezone

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.spaces.models import Membership, Space
from essaim.stream import services
from essaim.stream.models import Comment, Post
from tests.accounts.factories import UserFactory
from tests.spaces.factories import SpaceFactory, member

Role = Membership.Role


@pytest.fixture
def space(db: None) -> Space:
    return SpaceFactory(visibility=Space.Visibility.PRIVATE)


@pytest.fixture
def author(space: Space) -> User:
    return member(space).user


@pytest.fixture
def post(space: Space, author: User) -> Post:
    return services.post_create(actor=author, body="Un message", space=space)


@pytest.fixture
def comment(post: Post, space: Space) -> Comment:
    return services.comment_create(actor=member(space).user, post=post, body="Un commentaire")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.READER, False),
        (Role.MEMBER, False),
        (Role.MODERATOR, True),
        (Role.ADMIN, True),
        (Role.OWNER, True),
    ],
)
def test_space_roles_that_delete_others_posts_and_comments(
    space: Space, post: Post, comment: Comment, role: str, allowed: bool
) -> None:
    actor = member(space, role).user
    assert access.can(actor, Action.DELETE, post) is allowed
    assert access.can(actor, Action.DELETE, comment) is allowed


def test_a_moderator_deletes_a_post_through_the_service(space: Space, post: Post) -> None:
    services.post_delete(actor=member(space, Role.MODERATOR).user, post=post)
    assert not Post.objects.filter(pk=post.pk).exists()


def test_a_moderator_deletes_a_comment_through_the_service(space: Space, post: Post, comment: Comment) -> None:
    services.comment_delete(actor=member(space, Role.MODERATOR).user, comment=comment)
    assert not Comment.objects.filter(pk=comment.pk).exists()
    post.refresh_from_db()
    assert post.comment_count == 0


def test_moderating_one_space_gives_nothing_in_another(space: Space, post: Post) -> None:
    other = SpaceFactory(visibility=Space.Visibility.PUBLIC)
    moderator = member(other, Role.MODERATOR).user
    Membership.objects.create(space=space, user=moderator, role=Role.MEMBER)
    assert access.can(moderator, Action.DELETE, post) is False


def test_a_moderator_of_a_parent_space_does_not_moderate_its_sub_spaces(space: Space) -> None:
    child = SpaceFactory(parent=space, visibility=Space.Visibility.PRIVATE)
    child_post = services.post_create(actor=member(child).user, body="Dans l'enfant", space=child)
    moderator = member(space, Role.MODERATOR).user
    Membership.objects.create(space=child, user=moderator, role=Role.MEMBER)
    assert access.can(moderator, Action.DELETE, child_post) is False


def test_posts_outside_spaces_stay_for_their_author_and_network_admins(db: None) -> None:
    author = UserFactory()
    post = services.post_create(actor=author, body="Hors espace")
    assert access.can(UserFactory(), Action.DELETE, post) is False
    assert access.can(author, Action.DELETE, post) is True


def test_an_archived_space_is_read_only_even_for_its_moderators(space: Space, post: Post) -> None:
    moderator = member(space, Role.MODERATOR).user
    Space.objects.filter(pk=space.pk).update(archived_at=timezone.now())
    post = Post.objects.select_related("space").get(pk=post.pk)
    assert access.can(moderator, Action.DELETE, post) is False


class TestHiddenPosts:
    """Moderators hide a post without deleting it: only its author and its moderators still read it."""

    @pytest.mark.parametrize(
        ("role", "allowed"),
        [(Role.READER, False), (Role.MEMBER, False), (Role.MODERATOR, True), (Role.ADMIN, True), (Role.OWNER, True)],
    )
    def test_who_may_hide_a_post_of_the_space(self, space: Space, post: Post, role: str, allowed: bool) -> None:
        assert access.can(member(space, role).user, Action.HIDE, post) is allowed

    def test_a_hidden_post_stays_for_its_author_and_moderators_only(
        self, space: Space, post: Post, author: User
    ) -> None:
        moderator, reader = member(space, Role.MODERATOR).user, member(space).user
        services.post_hide(actor=moderator, post=post)
        for person, sees in ((author, True), (moderator, True), (reader, False)):
            assert access.visible(person, Post.objects.all()).filter(pk=post.pk).exists() is sees
            assert access.can(person, Action.VIEW, post) is sees
        services.post_hide(actor=moderator, post=post, hidden=False)
        assert access.can(reader, Action.VIEW, post)

    def test_a_member_cannot_hide(self, space: Space, post: Post) -> None:
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            services.post_hide(actor=member(space).user, post=post)

    def test_network_admins_hide_company_posts_and_still_see_them(self, db: None) -> None:
        author, reader, admin = UserFactory(), UserFactory(), UserFactory(is_network_admin=True)
        company_post = services.post_create(actor=author, body="Hors sujet")
        services.post_hide(actor=admin, post=company_post)
        assert access.can(admin, Action.VIEW, company_post)
        assert access.can(author, Action.VIEW, company_post)
        assert not access.can(reader, Action.VIEW, company_post)

    @pytest.mark.parametrize("role", [None, Role.READER, Role.MEMBER])
    def test_network_admins_do_not_moderate_inside_spaces(self, db: None, role: str | None) -> None:
        """Outside spaces a network administrator hides posts; inside a space only its moderators do, and a
        post they hid there is gone for a network administrator who does not moderate the space too."""
        public = SpaceFactory(visibility=Space.Visibility.PUBLIC)
        author, admin = member(public).user, UserFactory(is_network_admin=True)
        if role is not None:
            Membership.objects.create(space=public, user=admin, role=role)
        post = services.post_create(actor=author, body="Dans l'espace public", space=public)
        assert access.can(admin, Action.VIEW, post)
        assert not access.can(admin, Action.HIDE, post)
        services.post_hide(actor=member(public, Role.MODERATOR).user, post=post)
        post = Post.objects.select_related("space").get(pk=post.pk)
        assert not access.can(admin, Action.VIEW, post)
        assert not access.visible(admin, Post.objects.filter(pk=post.pk)).exists()
        assert access.visible_among(admin, [post]) == []
        assert not access.can(admin, Action.HIDE, post)

    def test_hiding_from_the_post_page(self, client, space: Space, post: Post) -> None:
        moderator, reader = member(space, Role.MODERATOR).user, member(space).user
        client.force_login(moderator)
        assert "Hide this post" in client.get(f"/posts/{post.pk}/").text
        assert client.post(f"/posts/{post.pk}/hide", {"hidden": "1"}).status_code == 302
        assert "Hidden by moderation" in client.get(f"/posts/{post.pk}/").text
        client.force_login(reader)
        assert client.get(f"/posts/{post.pk}/").status_code == 404
        assert client.post(f"/posts/{post.pk}/hide", {"hidden": "0"}).status_code == 404


class TestAttachments:
    """A post's files are read with the post and removed by whoever may edit it (its author); an upload
    waiting for its post (API media, files kept from a refused post) is its uploader's only."""

    def test_a_posts_file_is_removed_by_its_author_only(self, space: Space, post: Post, author: User) -> None:
        from tests.stream.factories import image_upload

        services.post_edit(actor=author, post=post, body=post.body, attachments=[image_upload()])
        attachment = post.attachments.get()
        moderator = member(space, Role.MODERATOR).user
        reader = member(space, Role.READER).user
        outsider = UserFactory()
        assert access.can(author, Action.DELETE, attachment)
        for other in (moderator, reader):
            assert access.can(other, Action.VIEW, attachment)
            assert not access.can(other, Action.DELETE, attachment)
        assert not access.can(outsider, Action.VIEW, attachment)
        assert not access.can(outsider, Action.DELETE, attachment)
        assert list(access.visible(outsider, type(attachment).objects.all())) == []

    def test_a_pending_upload_is_its_uploaders_only(self, author: User, db: None) -> None:
        from tests.stream.factories import image_upload

        pending = services.media_upload(actor=author, upload=image_upload())
        someone = UserFactory(is_network_admin=True)
        assert access.can(author, Action.DELETE, pending)
        assert access.can(author, Action.VIEW, pending)
        assert not access.can(someone, Action.VIEW, pending)
        assert not access.can(someone, Action.DELETE, pending)
        assert list(access.visible(someone, type(pending).objects.all())) == []

    def test_a_comments_file_is_read_with_the_post_and_removed_by_the_comments_writer_only(
        self, space: Space, post: Post, author: User
    ) -> None:
        """Not by the post's author, who may delete the whole comment (and its files with it) but not edit it."""
        from tests.stream.factories import image_upload

        writer = member(space).user
        comment = services.comment_create(actor=writer, post=post, body="Photo", attachments=[image_upload()])
        attachment = comment.attachments.get()
        moderator = member(space, Role.MODERATOR).user
        reader = member(space, Role.READER).user
        outsider = UserFactory()
        assert access.can(writer, Action.DELETE, attachment)
        for other in (author, moderator, reader):
            assert access.can(other, Action.VIEW, attachment)
            assert not access.can(other, Action.DELETE, attachment)
        assert access.can(author, Action.DELETE, comment)
        assert not access.can(outsider, Action.VIEW, attachment)
        assert list(access.visible(outsider, type(attachment).objects.all())) == []
        assert list(access.visible(reader, type(attachment).objects.all())) == [attachment]

    @pytest.mark.parametrize(
        ("who", "comments", "downloads"),
        [
            ("writer", 302, 200),
            ("member", 302, 200),
            ("reader", 403, 200),  # a space's readers read, and download, but do not comment
            ("outsider", 404, 404),  # not a member of the private space: as if it did not exist
            ("anonymous", "login", "login"),
        ],
    )
    def test_attaching_on_a_comment_and_downloading_its_file_on_every_surface(  # noqa: PLR0917 - parametrized cells
        self, client, space: Space, post: Post, who: str, comments: object, downloads: object
    ) -> None:
        """The page's form and the download view answer as the policy says: ``COMMENT`` on the post to attach,
        ``VIEW`` on the post to download (the thumbnail too)."""
        from django.urls import reverse

        from tests.stream.factories import image_upload

        writer = member(space).user
        comment = services.comment_create(actor=writer, post=post, body="Photo", attachments=[image_upload()])
        file = comment.attachments.get()
        actor = {
            "writer": writer,
            "member": member(space).user,
            "reader": member(space, Role.READER).user,
            "outsider": UserFactory(),
        }.get(who)
        if actor is not None:
            client.force_login(actor)
        for url in (f"/attachments/{file.pk}/", f"/attachments/{file.pk}/thumbnail"):
            response = client.get(url)
            if downloads == "login":
                assert response.status_code == 302
                assert response.url.startswith(reverse("account_login"))
            else:
                assert response.status_code == downloads, url
        response = client.post(f"/posts/{post.pk}/comments", {"body": "Et moi", "attachments": [image_upload()]})
        if comments == "login":
            assert response.status_code == 302
            assert response.url.startswith(reverse("account_login"))
        else:
            assert response.status_code == comments
        assert post.comments.filter(body="Et moi").exists() == (comments == 302)
        assert type(file).objects.filter(comment__body="Et moi").count() == (1 if comments == 302 else 0)

    @pytest.mark.parametrize("action", [Action.EDIT, Action.COMMENT, Action.HIDE])
    def test_no_other_action_applies_to_a_file(self, author: User, action: Action, db: None) -> None:
        from tests.stream.factories import image_upload

        pending = services.media_upload(actor=author, upload=image_upload())
        assert not access.can(author, action, pending)


class TestAPostFollowsItsSpacesRoles:
    """Reading a post in a space is not enough to write there: posting, commenting and reacting also
    ask the space (``rules/spaces.py``), and an archived space is read-only."""

    @pytest.fixture
    def public(self, db: None) -> Space:
        return SpaceFactory(visibility=Space.Visibility.PUBLIC)

    @pytest.fixture
    def public_post(self, public: Space) -> Post:
        return services.post_create(actor=member(public).user, body="Dans l'atelier", space=public)

    @pytest.mark.parametrize(
        ("role", "post", "comment", "react"),
        [
            (None, False, False, False),  # an employee outside the public space reads, nothing more
            (Role.READER, False, False, True),
            (Role.MEMBER, True, True, True),
        ],
    )
    def test_what_each_role_may_write(  # noqa: PLR0917 - parametrized cells
        self, public: Space, public_post: Post, role: str | None, post: bool, comment: bool, react: bool
    ) -> None:
        actor = member(public, role).user if role else UserFactory()
        assert access.can(actor, Action.VIEW, public_post)
        assert access.can(actor, Action.CREATE_POST, Post(author=actor, space=public)) is post
        assert access.can(actor, Action.COMMENT, public_post) is comment
        assert access.can(actor, Action.REACT, public_post) is react

    def test_an_archived_space_takes_no_comment_or_reaction(self, public: Space, public_post: Post) -> None:
        writer = member(public).user
        Space.objects.filter(pk=public.pk).update(archived_at=timezone.now())
        archived_post = Post.objects.select_related("space").get(pk=public_post.pk)
        assert access.can(writer, Action.VIEW, archived_post)
        assert not access.can(writer, Action.COMMENT, archived_post)
        assert not access.can(writer, Action.REACT, archived_post)

    @pytest.mark.parametrize("visibility", [Space.Visibility.PRIVATE, Space.Visibility.SECRET])
    def test_a_closed_spaces_post_is_never_announced(self, db: None, visibility: str) -> None:
        """Announcements reach the whole company: only a company post outside spaces or in a public space."""
        closed = SpaceFactory(visibility=visibility)
        communication = UserFactory(is_communication_team=True)
        Membership.objects.create(space=closed, user=communication, role=Role.OWNER)
        post = services.post_create(actor=communication, body="Pour tous", space=closed)
        assert post.visibility == "company"
        assert access.can(communication, Action.VIEW, post)
        assert not access.can(communication, Action.ANNOUNCE, post)


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN, Role.OWNER])
def test_a_guest_holding_a_higher_role_acts_as_a_member(space: Space, post: Post, role: str) -> None:
    """The services never give a guest more than "member"; a role written by other means (the Django
    admin, an import) still counts as "member" for them: they neither moderate nor run the space."""
    from tests.accounts.factories import GuestFactory

    guest = GuestFactory()
    Membership.objects.create(space=space, user=guest, role=role)
    assert access.can(guest, Action.CREATE_POST, space)
    for action in (Action.MODERATE, Action.INVITE_MEMBERS, Action.ARCHIVE, Action.DELETE):
        assert not access.can(guest, action, space), action
    assert not access.can(guest, Action.HIDE, post)
    assert not access.can(guest, Action.DELETE, post)


@pytest.mark.parametrize("visibility", ["followers", "mentioned"])
def test_only_a_company_post_is_announced(db: None, visibility: str) -> None:
    communication = UserFactory(is_communication_team=True)
    someone = UserFactory(handle="quelqu.un")
    post = services.post_create(actor=communication, body=f"Pour @{someone.handle}", visibility=visibility)
    assert access.can(communication, Action.VIEW, post)
    assert not access.can(communication, Action.ANNOUNCE, post)
    company = services.post_create(actor=communication, body="Pour tous")
    assert access.can(communication, Action.ANNOUNCE, company)
