"""The mutants of ``make mutation`` (``tools/mutation.py``): each a slip a person could make in a rule.

``before`` must occur exactly once in ``file``; ``tests`` are the few test files (or test ids) that
should notice, fastest first (the run stops at the first failure). ``why`` explains a mutant known to
survive (docs/architecture.md lists them with the score).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str
    before: str
    after: str
    tests: tuple[str, ...]
    why: str = ""


ROLES = "essaim/access/roles.py"
POLICY = "essaim/access/policy.py"
STREAM = "essaim/access/rules/stream.py"
SPACES = "essaim/access/rules/spaces.py"
PEOPLE = "essaim/access/rules/people.py"
NETWORK = "essaim/access/rules/network.py"
TIMELINES = "essaim/stream/timelines.py"
POST_ROWS = "essaim/stream/post_rows.py"
CARDS = "essaim/stream/cards.py"

# Test selections, fastest first.
READERS = "tests/access/test_readers.py"
READERS_EQUAL = f"{READERS}::test_readers_of_a_post_are_the_people_visible_keeps_it_for"
AMONG = "tests/access/test_visible_among.py"
AMONG_POSTS = f"{AMONG}::test_visible_among_agrees_with_visible_on_every_kind_of_post"
AMONG_CAN = f"{AMONG}::test_can_view_one_post_agrees_with_visible_on_every_kind_of_post"
RULES_STREAM = "tests/access/test_rules_stream.py"
RULES_PEOPLE = "tests/access/test_rules_people.py"
SCIM_MATRIX = "tests/access/test_matrix_scim.py"
POLICY_TESTS = "tests/access/test_policy.py"
MATRIX_SPACES = "tests/access/test_matrix_spaces.py::test_policy"
MATRIX_SPACES_VISIBLE = "tests/access/test_matrix_spaces.py::test_visible_matches_view_in_one_query"
MATRIX_SPACES_COMPLIANCE = "tests/access/test_matrix_spaces.py"
MATRIX_COMPLIANCE = "tests/access/test_matrix_compliance.py"
VISIBLE_SQL = "tests/access/test_visible_sql.py"
MATRIX_PEOPLE = "tests/access/test_matrix_people.py"
MATRIX_NETWORK = "tests/access/test_matrix_network.py::test_services"
MATRIX_TAGS = "tests/access/test_matrix_tags.py::test_policy"
OUTBOX = "tests/access/test_matrix_outbox.py"
TIMELINE_TESTS = "tests/stream/test_timelines.py"
DELIVERY = f"{READERS}::TestDelivery"
TAG_BRANCH = f"{READERS}::TestFollowedTags"
HOME = f"{READERS}::test_the_home_feed_is_each_persons_readable_posts_for_them_or_their_tags"
CARD_TESTS = "tests/stream/test_cards.py"
STREAM_SERVICES = "tests/stream/test_services.py"

POST_RULE = (READERS_EQUAL, AMONG_POSTS, RULES_STREAM)


def _m(name: str, file: str, before: str, after: str, *tests: str, why: str = "") -> Mutant:
    return Mutant(name, file, before, after, tests, why)


MUTANTS: list[Mutant] = [
    # --- roles: who someone is --------------------------------------------------------------------
    _m(
        "roles: deactivated people are signed in",
        ROLES,
        "actor.is_authenticated and actor.is_active",
        "actor.is_authenticated",
        POLICY_TESTS,
        RULES_PEOPLE,
        AMONG_POSTS,
        READERS_EQUAL,
    ),
    _m(
        "roles: guests are employees",
        ROLES,
        'is_signed_in(actor) and actor.kind == "employee"',
        "is_signed_in(actor)",
        POLICY_TESTS,
        MATRIX_SPACES,
    ),
    _m(
        "roles: superusers are not network admins",
        ROLES,
        "actor.is_network_admin or actor.is_superuser",
        "actor.is_network_admin",
        MATRIX_NETWORK,
        POLICY_TESTS,
        READERS_EQUAL,
    ),
    _m(
        "roles: a deactivated admin is an admin",
        ROLES,
        "is_signed_in(actor) and bool(actor.is_network_admin",
        "bool(actor.is_network_admin",
        MATRIX_NETWORK,
        OUTBOX,
        POLICY_TESTS,
    ),
    _m(
        "roles: guests in the communication team",
        ROLES,
        "is_employee(actor) and bool(actor.is_communication_team)",
        "is_signed_in(actor) and bool(actor.is_communication_team)",
        STREAM_SERVICES,
        POLICY_TESTS,
    ),
    _m(
        "roles: guest compliance officers",
        ROLES,
        "is_employee(actor) and bool(actor.is_compliance_officer)",
        "is_signed_in(actor) and bool(actor.is_compliance_officer)",
        POLICY_TESTS,
        MATRIX_COMPLIANCE,
    ),
    _m("roles: is_self inverted", ROLES, "actor.pk == user.pk", "actor.pk != user.pk", POLICY_TESTS, RULES_PEOPLE),
    _m("roles: employee_q lets guests in", ROLES, 'signed_in_q() & Q(kind="employee")', "signed_in_q()", READERS_EQUAL),
    # --- the dispatcher ---------------------------------------------------------------------------
    _m(
        "policy: an invisible target answers 403",
        POLICY,
        "action is not Action.VIEW and not can(actor, Action.VIEW, target)",
        "False",
        POLICY_TESTS,
    ),
    _m(
        "policy: a refused VIEW answers 403",
        POLICY,
        "        if action is Action.VIEW:\n            raise Http404",
        "        if False:\n            raise Http404",
        POLICY_TESTS,
        RULES_STREAM,
        POLICY_TESTS,
    ),
    _m(
        "policy: visible_among fallback keeps everything",
        POLICY,
        "return [o for o in objects if o.pk in allowed]",
        "return list(objects)",
        AMONG,
    ),
    # --- posts: the SQL form ----------------------------------------------------------------------
    _m(
        "post sql: employees read private spaces",
        STREAM,
        'in_space |= Q(**{f"{prefix}space__visibility": "public"})',
        'in_space |= Q(**{f"{prefix}space__visibility__in": ["public", "private"]})',
        *POST_RULE,
    ),
    _m(
        "post sql: compliance officers browse every space again (issue 21)",
        STREAM,
        "    in_space = Q(member)\n",
        "    in_space = Q(member) | Q(pk__isnull=not roles.is_compliance_officer(actor))\n",
        *POST_RULE,
    ),
    _m(
        "post sql: followers-only without the follow",
        STREAM,
        'outside |= Q(**{f"{prefix}visibility": "followers"}) & Q(follows)',
        'outside |= Q(**{f"{prefix}visibility": "followers"})',
        *POST_RULE,
    ),
    _m(
        "post sql: guests read company posts",
        STREAM,
        '    if roles.is_employee(actor):\n        outside |= Q(**{f"{prefix}visibility": "company"})',
        '    if roles.is_signed_in(actor):\n        outside |= Q(**{f"{prefix}visibility": "company"})',
        *POST_RULE,
    ),
    _m(
        "post sql: a mention in a comment opens the post",
        STREAM,
        "post_id=OuterRef(post_pk), comment__isnull=True)",
        "post_id=OuterRef(post_pk))",
        *POST_RULE,
    ),
    _m(
        "post sql: a hidden post hidden from its author",
        STREAM,
        'shown = Q(**{f"{prefix}hidden_at__isnull": True}) | Q(**{f"{prefix}author_id": actor.pk})',
        'shown = Q(**{f"{prefix}hidden_at__isnull": True})',
        *POST_RULE,
    ),
    _m(
        "post sql: every member sees hidden posts",
        STREAM,
        'space_id=OuterRef(f"{prefix}space_id"), role__in=MODERATING_ROLES',
        'space_id=OuterRef(f"{prefix}space_id")',
        *POST_RULE,
    ),
    _m(
        "post sql: admins see hidden posts in spaces",
        STREAM,
        'shown |= Q(**{f"{prefix}space__isnull": True})',
        'shown |= Q(**{f"{prefix}pk__isnull": False})',
        *POST_RULE,
    ),
    _m(
        "post rules: moderators are not moderating",
        STREAM,
        'MODERATING_ROLES = ("owner", "admin", "moderator")',
        'MODERATING_ROLES = ("owner", "admin")',
        RULES_STREAM,
        AMONG_POSTS,
    ),
    # --- posts: the form on loaded rows -----------------------------------------------------------
    _m(
        "post rows: guests read company posts",
        STREAM,
        '(employee and p.visibility == "company")',
        '(p.visibility == "company")',
        AMONG_POSTS,
        RULES_STREAM,
    ),
    _m(
        "post rows: followers-only without the follow",
        STREAM,
        '(p.visibility == "followers" and p.author_id in followed)',
        '(p.visibility == "followers")',
        AMONG_POSTS,
    ),
    _m(
        "post rows: guests read public spaces",
        STREAM,
        'or (employee and p.space.visibility == "public")',
        'or (p.space.visibility == "public")',
        AMONG_POSTS,
    ),
    _m(
        "post rows: compliance officers browse every space again (issue 21)",
        STREAM,
        "return p.space_id in roles_in or (employee",
        "return p.space_id in roles_in or roles.is_compliance_officer(actor) or (employee",
        AMONG_POSTS,
        MATRIX_SPACES_COMPLIANCE,
    ),
    _m(
        "post rows: a hidden post hidden from its author",
        STREAM,
        "            p.hidden_at is None\n            or p.author_id == me\n",
        "            p.hidden_at is None\n",
        AMONG_POSTS,
    ),
    _m(
        "post rows: every member sees hidden posts",
        STREAM,
        "roles_in.get(p.space_id) in MODERATING_ROLES",
        "p.space_id in roles_in",
        AMONG_POSTS,
    ),
    _m(
        "post rows: admins see hidden posts in spaces",
        STREAM,
        "or (p.space_id is None and roles.is_network_admin(actor))",
        "or roles.is_network_admin(actor)",
        AMONG_POSTS,
    ),
    _m(
        "post rows: a mention in a comment opens the post",
        STREAM,
        "Mention.objects.filter(user_id=me, post_id__in=unsure, comment__isnull=True)",
        "Mention.objects.filter(user_id=me, post_id__in=unsure)",
        AMONG_POSTS,
    ),
    _m(
        "post rows: anyone may post a draft",
        STREAM,
        "return roles.is_self(actor, post.author)\n    return bool",
        "return True\n    return bool",
        STREAM_SERVICES,
        POLICY_TESTS,
    ),
    # --- posts: the reverse form ------------------------------------------------------------------
    _m(
        "readers: employees read closed spaces",
        STREAM,
        "(roles.employee_q() if public else nobody)",
        "roles.employee_q()",
        READERS_EQUAL,
    ),
    _m(
        "readers: compliance officers read every space again (issue 21)",
        STREAM,
        "readable = Q(member()) | (roles.employee_q()",
        "readable = Q(member()) | roles.compliance_officer_q() | (roles.employee_q()",
        READERS_EQUAL,
    ),
    _m(
        "readers: followers read company-only posts by mention",
        STREAM,
        'if post.visibility == "followers" else nobody',
        'if post.visibility != "mentioned" else nobody',
        READERS_EQUAL,
    ),
    _m(
        "readers: a hidden post hidden from its author",
        STREAM,
        "shown = Q(pk=post.author_id) | Q(member(MODERATING_ROLES))",
        "shown = Q(member(MODERATING_ROLES))",
        READERS_EQUAL,
    ),
    _m(
        "readers: deactivated people read",
        STREAM,
        "return roles.signed_in_q() & readable",
        "return readable",
        READERS_EQUAL,
    ),
    # --- posts: actions -----------------------------------------------------------------------------
    _m(
        "post: anyone edits a post they read",
        STREAM,
        "case Action.EDIT:\n                return roles.is_self(actor, obj.author) and _can_read_post(actor, obj)",
        "case Action.EDIT:\n                return _can_read_post(actor, obj)",
        RULES_STREAM,
        STREAM_SERVICES,
    ),
    _m(
        "post: admins may not delete",
        STREAM,
        "roles.is_self(actor, obj.author) or roles.is_network_admin(actor) or _moderates(actor, obj)",
        "roles.is_self(actor, obj.author) or _moderates(actor, obj)",
        RULES_STREAM,
        STREAM_SERVICES,
    ),
    _m(
        "post: admins hide inside spaces",
        STREAM,
        "_moderates(actor, obj) or (obj.space_id is None and roles.is_network_admin(actor))",
        "_moderates(actor, obj) or roles.is_network_admin(actor)",
        RULES_STREAM,
    ),
    _m(
        "post: comment and react ignore the space's roles",
        STREAM,
        "return _can_read_post(actor, obj) and _space_allows(actor, action, obj.space)",
        "return _can_read_post(actor, obj)",
        MATRIX_SPACES,
        STREAM_SERVICES,
        RULES_STREAM,
    ),
    _m(
        "post: any post may be announced",
        STREAM,
        '                    and obj.visibility == "company"\n',
        "",
        STREAM_SERVICES,
        "tests/stream/test_announcements.py",
        RULES_STREAM,
    ),
    _m(
        "post: a post of a closed space announced",
        STREAM,
        'and (obj.space_id is None or obj.space.visibility == "public")',
        "",
        STREAM_SERVICES,
        "tests/stream/test_announcements.py",
        RULES_STREAM,
    ),
    _m(
        "post: reading a space is enough to post in it",
        STREAM,
        "roles.is_self(actor, obj.author) and can(actor, Action.CREATE_POST, obj.space)",
        "roles.is_self(actor, obj.author) and can(actor, Action.VIEW, obj.space)",
        MATRIX_SPACES,
        RULES_STREAM,
    ),
    _m(
        "post: guests post outside spaces",
        STREAM,
        "return roles.is_self(actor, obj.author) and roles.is_employee(actor)",
        "return roles.is_self(actor, obj.author)",
        STREAM_SERVICES,
        "tests/stream/test_api.py",
    ),
    _m(
        "comment: the post's author may not delete it",
        STREAM,
        "                    or roles.is_self(actor, obj.post.author)\n",
        "",
        STREAM_SERVICES,
        RULES_STREAM,
    ),
    _m(
        "comment: anyone edits a comment",
        STREAM,
        "return roles.is_self(actor, obj.author) and _can_read_post(actor, obj.post)",
        "return _can_read_post(actor, obj.post)",
        STREAM_SERVICES,
    ),
    _m(
        "attachment: anyone's pending upload",
        STREAM,
        "return roles.is_signed_in(actor) and obj.uploaded_by_id == actor.pk",
        "return roles.is_signed_in(actor)",
        RULES_STREAM,
    ),
    _m(
        "attachment: readers delete files",
        STREAM,
        "return can(actor, Action.EDIT, obj.comment if obj.comment_id is not None else obj.post)",
        "return _can_read_post(actor, obj.post)",
        RULES_STREAM,
    ),
    _m(
        "attachment: a comment's files removed by the post's author",
        STREAM,
        "obj.comment if obj.comment_id is not None else obj.post",
        "obj.post",
        RULES_STREAM,
    ),
    _m(
        "attachment: every pending upload listed",
        STREAM,
        "Q(post__isnull=True, uploaded_by_id=actor.pk)",
        "Q(post__isnull=True)",
        RULES_STREAM,
    ),
    _m(
        "tag: known without a readable post",
        STREAM,
        'readable = PostTag.objects.filter(tag_id=OuterRef("pk")).filter(post_visibility_q(actor, "post__"))',
        'readable = PostTag.objects.filter(tag_id=OuterRef("pk"))',
        MATRIX_TAGS,
    ),
    # --- spaces -------------------------------------------------------------------------------------
    _m(
        "space: guests rank as moderators",
        SPACES,
        "rank = min(rank, MEMBER)",
        "rank = min(rank, MODERATOR)",
        MATRIX_SPACES,
        RULES_STREAM,
    ),
    _m("space: guests see listed spaces", SPACES, "(employee and listed)):", "listed):", MATRIX_SPACES),
    _m(
        "space: employees see private members",
        SPACES,
        "return bool(rank or admin or (employee and public))",
        "return bool(rank or admin or (employee and listed))",
        MATRIX_SPACES,
    ),
    _m(
        "space: admins read closed spaces",
        SPACES,
        "return bool(rank or (employee and public))",
        "return bool(rank or admin or (employee and public))",
        MATRIX_SPACES,
    ),
    _m(
        "space: an archived space is writable",
        SPACES,
        "if space.archived_at is not None:\n            return False",
        "if False:\n            return False",
        MATRIX_SPACES,
    ),
    _m(
        "space: moderators archive",
        SPACES,
        "if action is Action.ARCHIVE:\n            return rank >= ADMIN or admin",
        "if action is Action.ARCHIVE:\n            return rank >= MODERATOR or admin",
        MATRIX_SPACES,
    ),
    _m(
        "space: admins of a space delete it",
        SPACES,
        "return rank >= OWNER or admin",
        "return rank >= ADMIN or admin",
        MATRIX_SPACES,
    ),
    _m(
        "space: readers post",
        SPACES,
        "case Action.CREATE_POST | Action.COMMENT:\n                return rank >= MEMBER",
        "case Action.CREATE_POST | Action.COMMENT:\n                return rank >= READER",
        MATRIX_SPACES,
    ),
    _m("space: members moderate", SPACES, "return rank >= MODERATOR", "return rank >= MEMBER", MATRIX_SPACES),
    _m(
        "space: guests join public spaces",
        SPACES,
        "rank == 0 and employee and visibility == Space.Visibility.PUBLIC",
        "rank == 0 and visibility == Space.Visibility.PUBLIC",
        MATRIX_SPACES,
        why=(
            "equivalent: a guest sees no space they are not in, so a guest of rank 0 is refused before the "
            "join rule is read; the rule says it anyway, for whoever moves that check"
        ),
    ),
    _m("space: anyone leaves", SPACES, "return rank > 0", "return True", MATRIX_SPACES),
    _m(
        "space: visible hides private, not secret",
        SPACES,
        "return queryset.filter(Q(member) | ~Q(visibility=Space.Visibility.SECRET))",
        "return queryset.filter(Q(member) | ~Q(visibility=Space.Visibility.PRIVATE))",
        MATRIX_SPACES_VISIBLE,
    ),
    _m(
        "space sql: hides private, not secret",
        SPACES,
        "[Space.Visibility.SECRET.value, actor.pk]",
        "[Space.Visibility.PRIVATE.value, actor.pk]",
        VISIBLE_SQL,
    ),
    _m(
        "space rows: guests see listed spaces",
        SPACES,
        "return [s for s in spaces if s.pk in mine or (employee and s.visibility != Space.Visibility.SECRET)]",
        "return [s for s in spaces if s.pk in mine or s.visibility != Space.Visibility.SECRET]",
        AMONG,
    ),
    _m(
        "membership: private members listed to employees",
        SPACES,
        "return queryset.filter(Q(member) | Q(space__visibility=Space.Visibility.PUBLIC))",
        "return queryset.filter(Q(member) | ~Q(space__visibility=Space.Visibility.SECRET))",
        "tests/access/test_matrix_spaces.py::test_visible_memberships_are_those_of_spaces_whose_members_are_shown",
        "tests/spaces/test_selectors.py",
    ),
    _m(
        "space: admins give the owner role",
        SPACES,
        "(rank >= ADMIN and role != Membership.Role.OWNER)",
        "rank >= ADMIN",
        "tests/spaces/services/test_memberships.py",
    ),
    _m(
        "space: guests may moderate",
        SPACES,
        "return RANK.get(role, 0) <= MEMBER",
        "return RANK.get(role, 0) <= MODERATOR",
        "tests/spaces/services/test_memberships.py",
    ),
    # --- people -------------------------------------------------------------------------------------
    _m(
        "person: deactivated people are seen",
        PEOPLE,
        "if not obj.is_active:\n                    return False",
        "if False:\n                    return False",
        RULES_PEOPLE,
        POLICY_TESTS,
    ),
    _m(
        "person: guests see everyone",
        PEOPLE,
        "(roles.is_guest(actor) and _shares_a_space(actor, obj.pk))",
        "roles.is_guest(actor)",
        RULES_PEOPLE,
    ),
    _m(
        "person: a deactivated person followed",
        PEOPLE,
        "and not roles.is_self(actor, obj) and obj.is_active",
        "and not roles.is_self(actor, obj)",
        RULES_PEOPLE,
    ),
    _m(
        "person: guests follow",
        PEOPLE,
        "return roles.is_employee(actor) and not roles.is_self(actor, obj)",
        "return roles.is_signed_in(actor) and not roles.is_self(actor, obj)",
        RULES_PEOPLE,
    ),
    _m(
        "person: guests see follows",
        PEOPLE,
        "self.can(actor, Action.VIEW, obj) and not roles.is_guest(actor)",
        "self.can(actor, Action.VIEW, obj)",
        "tests/people/test_views.py",
        "tests/people/test_api.py",
    ),
    _m(
        "person: employees see deactivated people",
        PEOPLE,
        "return queryset.filter(is_active=True)",
        "return queryset",
        POLICY_TESTS,
        RULES_PEOPLE,
    ),
    _m(
        "person: guests see deactivated co-members",
        PEOPLE,
        "(Q(is_active=True) & Exists(_co_members(",
        "(Exists(_co_members(",
        RULES_PEOPLE,
    ),
    _m(
        "person rows: employees see deactivated people",
        PEOPLE,
        "return [p for p in people if p.is_active]",
        "return list(people)",
        AMONG,
    ),
    _m(
        "person: co-members of anyone",
        PEOPLE,
        "space__memberships__user_id=actor.pk",
        "space__memberships__user_id__isnull=False",
        RULES_PEOPLE,
        AMONG,
    ),
    _m(
        "profile: deactivated profiles seen",
        PEOPLE,
        "return queryset.filter(user__is_active=True)",
        "return queryset",
        MATRIX_PEOPLE,
        "tests/people/test_selectors.py",
    ),
    _m(
        "person: admins may not edit profiles",
        PEOPLE,
        "return roles.is_self(actor, obj) or roles.is_network_admin(actor)",
        "return roles.is_self(actor, obj)",
        "tests/people/test_services.py",
        "tests/people/test_views.py",
    ),
    # --- network ------------------------------------------------------------------------------------
    _m(
        "network: guests see the org structure",
        NETWORK,
        "return roles.is_employee(actor) or roles.is_network_admin(actor)",
        "return roles.is_signed_in(actor)",
        MATRIX_PEOPLE,
    ),
    _m("network: the outbox closed to admins", NETWORK, " | Action.READ_OUTBOX:", ":", OUTBOX),
    _m(
        "network: guests read the company feed",
        NETWORK,
        "Action.FOLLOW_TAG:\n                return roles.is_employee(actor)",
        "Action.FOLLOW_TAG:\n                return roles.is_signed_in(actor)",
        MATRIX_NETWORK,
        POLICY_TESTS,
        POLICY_TESTS,
    ),
    _m(
        "network: another admin's invitation file",
        NETWORK,
        "(obj is None or obj.created_by_id == actor.pk)",
        "True",
        "tests/accounts/test_services.py",
        "tests/accounts/test_selectors.py",
    ),
    _m(
        "api: anyone's token",
        "essaim/access/rules/api.py",
        "return roles.is_signed_in(actor) and obj.user_id == actor.pk",
        "return roles.is_signed_in(actor)",
        "tests/api/test_services.py",
        "tests/api/test_views.py",
    ),
    _m(
        "mailbox: anyone reads the outbox",
        "essaim/access/rules/mailbox.py",
        "return action is Action.VIEW and roles.is_network_admin(actor)",
        "return action is Action.VIEW and roles.is_signed_in(actor)",
        OUTBOX,
    ),
    # --- the directory (SCIM tokens) ---------------------------------------------------------------------
    _m(
        "directory: reaches every account",
        PEOPLE,
        "return action in {Action.VIEW, Action.EDIT} and roles.is_provisionable(obj)",
        "return action in {Action.VIEW, Action.EDIT}",
        SCIM_MATRIX,
    ),
    _m(
        "directory: lists every account",
        PEOPLE,
        "            return queryset.filter(roles.provisionable_q())\n",
        "            return queryset\n",
        SCIM_MATRIX,
    ),
    _m(
        "directory: a superuser within reach",
        ROLES,
        "return user.kind in PROVISIONABLE_KINDS and not user.is_superuser",
        "return user.kind in PROVISIONABLE_KINDS",
        SCIM_MATRIX,
    ),
    _m(
        "directory: network administrators provision",
        NETWORK,
        "                return roles.is_directory(actor)\n",
        "                return roles.is_directory(actor) or roles.is_network_admin(actor)\n",
        SCIM_MATRIX,
    ),
    # --- delivery (timelines.audience, rebuild) -----------------------------------------------------
    _m(
        "audience: a public space's posts skip the author's followers",
        TIMELINES,
        "with_followers = with_others\n",
        "with_followers = False\n",
        TIMELINE_TESTS,
        DELIVERY,
    ),
    _m(
        "audience: closed spaces reach followers and mentions",
        TIMELINES,
        "with_others = post.space.visibility == Space.Visibility.PUBLIC",
        "with_others = True",
        TIMELINE_TESTS,
        DELIVERY,
    ),
    _m(
        "audience: followers-only posts skip followers",
        TIMELINES,
        "with_followers = post.visibility in {Visibility.COMPANY, Visibility.FOLLOWERS}",
        "with_followers = post.visibility in {Visibility.COMPANY}",
        TIMELINE_TESTS,
        DELIVERY,
    ),
    _m(
        "audience: mentioned people forgotten",
        TIMELINES,
        "    if with_others:\n        sources.append(",
        "    if False:\n        sources.append(",
        TIMELINE_TESTS,
        DELIVERY,
    ),
    _m("audience: the author forgotten", TIMELINES, "    owners.add(post.author_id)\n", "", TIMELINE_TESTS, DELIVERY),
    _m(
        "audience: a mention in a comment delivers",
        TIMELINES,
        " WHERE post_id = %s AND comment_id IS NULL",
        " WHERE post_id = %s",
        DELIVERY,
        TIMELINE_TESTS,
    ),
    _m(
        "rebuild: closed spaces through follows",
        TIMELINES,
        "(open_to_others & (Exists(followed) | Exists(mentioned)))",
        "(Exists(followed) | Exists(mentioned))",
        DELIVERY,
        TIMELINE_TESTS,
    ),
    _m(
        "rebuild: members' spaces forgotten",
        TIMELINES,
        "Q(author=user) | Exists(member) |",
        "Q(author=user) |",
        DELIVERY,
        TIMELINE_TESTS,
    ),
    # --- followed tags (post_rows._tag_branch_sql) ----------------------------------------------------
    _m(
        "tag branch: hidden posts",
        POST_ROWS,
        "WHERE t.tag_id = %s AND p.hidden_at IS NULL ",
        "WHERE t.tag_id = %s ",
        TAG_BRANCH,
        HOME,
    ),
    _m(
        "tag branch: a space's company posts",
        POST_ROWS,
        "(p.space_id IS NULL AND p.visibility = %s)",
        "(p.visibility = %s)",
        TAG_BRANCH,
        HOME,
    ),
    _m("tag branch: closed spaces", POST_ROWS, "OR s.visibility = %s)", "OR s.visibility <> %s)", TAG_BRANCH, HOME),
    _m(
        "tag branch: followers-only posts",
        POST_ROWS,
        "values += [tag_id, Visibility.COMPANY,",
        "values += [tag_id, Visibility.FOLLOWERS,",
        TAG_BRANCH,
        HOME,
    ),
    # --- the shared card's key ---------------------------------------------------------------------------
    _m("card key: the author's own card shared", CARDS, "        post.author_id == viewer_id,\n", "", CARD_TESTS),
    _m(
        "card key: the viewer's reactions left out",
        CARDS,
        '        sorted(getattr(post, "my_reactions", ())),\n',
        "",
        CARD_TESTS,
    ),
    _m("card key: moderation left out", CARDS, "        post.hidden_at is not None,\n", "", CARD_TESTS),
    _m("card key: the language left out", CARDS, "        get_language(),\n", "", CARD_TESTS),
    _m("card key: a comment's writer left out", CARDS, "        comment.author_id == viewer_id,\n", "", CARD_TESTS),
    _m("card key: a preview comment's files left out", CARDS, "        _files(comment),\n", "", CARD_TESTS),
]
