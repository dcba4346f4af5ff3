"""Demo activity for Atelier Boréal: spaces, posts, comments, reactions and an announcement.

Called by ``manage.py demo_data`` after the people exist, so the first screen of a new
network is alive. Everything goes through the spaces and stream services, as a person would
do it; only the dates are moved into the past afterwards (a demo fixture, not a code path).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from essaim.accounts.models import User
from essaim.people.models import Department
from essaim.spaces import services as space_services
from essaim.spaces.models import Space
from essaim.stream import services, timelines
from essaim.stream.models import Comment, Emoji, Post, Visibility


@dataclass(frozen=True)
class DemoActivity:
    spaces: int
    posts: int
    comments: int
    reactions: int


COMPANY_POSTS = [
    "Bienvenue sur notre réseau ! Présentez-vous en quelques mots et suivez les #espaces de vos équipes.",
    "Le **séminaire annuel** aura lieu à Lyon les 12 et 13 mars. Le programme arrive bientôt. #seminaire",
    "Merci à toute l'équipe Production pour le record de livraisons de novembre ! #bravo",
    "Nouveau : la cafétéria de Nantes propose des menus végétariens tous les jours. #vieaubureau",
    "Qui a des idées pour la journée solidaire de printemps ? Répondez en commentaire. #rse",
    "Rappel sécurité : verrouillez votre poste quand vous le quittez, même cinq minutes. #securite",
    "La nouvelle charte graphique est disponible dans l'espace Communication. #marque",
    "Atelier Boréal est labellisé « Entreprise engagée » cette année : merci à toutes et à tous ! #rse",
]
# The space every employee is in (an automatic rule). Not named "Toute l'entreprise": that is what a
# post shared with the whole company says (its audience), and a space's name must not be mistaken for it.
COMPANY_SPACE = "Actualités d'Atelier Boréal"
SPACE_POSTS = {
    COMPANY_SPACE: [
        "Les résultats du trimestre seront présentés jeudi à 11 h en visio. #resultats",
        "Pensez à poser vos congés d'été avant le 31 mars.",
    ],
    "Direction R&D": [
        "Revue d'architecture mardi : envoyez vos sujets d'ici lundi. #architecture",
        "Le banc d'essai n° 2 est de nouveau disponible.",
    ],
    "Projet Atlas": [
        "Jalon 3 validé ! Prochaine étape : les essais terrain à Toulouse. #atlas",
        "Le compte rendu du comité de pilotage est en pièce jointe du prochain message.",
    ],
    "Club photo": [
        "Sortie photo samedi au bord de l'Erdre, départ 9 h. Qui vient ? #photo",
    ],
}
COMMENTS = [
    "Super nouvelle, merci !",
    "Je serai là.",
    "Bravo à toute l'équipe 👏",
    "Est-ce que la présentation sera enregistrée ?",
    "Très bonne idée !",
    "Je peux aider si besoin.",
    "Merci pour l'info.",
]
EMOJIS = list(Emoji)


def _spaces(admin: User, people: list[User]) -> dict[str, Space]:
    everyone = space_services.space_create(
        actor=admin,
        name=COMPANY_SPACE,
        description="Les informations pour tous les collaborateurs d'Atelier Boréal.",
        welcome="Bienvenue ! Ici, on partage ce qui concerne **toute l'entreprise**.",
    )
    space_services.rule_create(actor=admin, space=everyone)
    research = space_services.space_create(
        actor=admin, name="Direction R&D", visibility=Space.Visibility.PRIVATE,
        description="L'équipe recherche et développement.",
    )  # fmt: skip
    rd = Department.objects.filter(name="R&D").first()
    if rd is not None:
        space_services.rule_create(actor=admin, space=research, department_id=rd.pk)
    atlas = space_services.space_create(
        actor=admin, name="Projet Atlas", visibility=Space.Visibility.PRIVATE, parent=research,
        description="Le nouveau capteur connecté : planning, essais, décisions.",
    )  # fmt: skip
    club = space_services.space_create(
        actor=admin, name="Club photo", description="Pour les amateurs de photographie, tous sites confondus."
    )
    already = set(club.memberships.values_list("user_id", flat=True))  # its creator, whoever they are
    for person in people[: len(people) // 4]:
        if person.pk not in already:
            space_services.membership_join(actor=person, space=club)
    members = list(research.memberships.values_list("user_id", flat=True))
    for person in [p for p in people if p.pk in set(members) and p != admin][:12]:
        invitation = space_services.invitation_create(actor=admin, space=atlas, user=person)
        space_services.invitation_accept(actor=person, invitation=invitation)
    return {space.name: space for space in (everyone, research, atlas, club)}


def _author_in(space: Space, rng: random.Random) -> User | None:
    ids = list(space.memberships.exclude(role="reader").values_list("user_id", flat=True))
    return User.objects.filter(pk=rng.choice(ids)).first() if ids else None


@transaction.atomic
def demo_activity_create(*, admin: User, seed: int = 42) -> DemoActivity:
    """Spaces, about twenty posts over the last two weeks, comments, reactions, an announcement."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    people = list(User.objects.filter(kind=User.Kind.EMPLOYEE, is_active=True).order_by("pk"))
    spaces = _spaces(admin, people)
    drafts: list[tuple[User, str, Space | None]] = [(rng.choice(people), text, None) for text in COMPANY_POSTS]
    for name, texts in SPACE_POSTS.items():
        for text in texts:
            author = _author_in(spaces[name], rng)
            if author is not None:
                drafts.append((author, text, spaces[name]))
    rng.shuffle(drafts)
    posts: list[Post] = []
    comments = reactions = 0
    for author, text, space in drafts:
        colleague = rng.choice(people)
        mention = space is None and colleague != author and rng.random() < 0.3
        body = f"{text}\n\n@{colleague.handle}, ton avis ?" if mention else text
        post = services.post_create(actor=author, body=body, space=space, visibility=Visibility.COMPANY)
        posts.append(post)
        audience = people if space is None else User.objects.filter(space_memberships__space=space).order_by("pk")
        readers = [p for p in audience if p != author]
        for reader in rng.sample(readers, k=min(len(readers), rng.randint(0, 3))):
            services.comment_create(actor=reader, post=post, body=rng.choice(COMMENTS))
            comments += 1
        for reader in rng.sample(readers, k=min(len(readers), rng.randint(2, 12))):
            services.reaction_add(actor=reader, post=post, emoji=rng.choice(EMOJIS))
            reactions += 1
    welcome = next(post for post in posts if post.space_id is None and post.body.startswith("Bienvenue"))
    services.announcement_set(actor=admin, post=welcome, expires_at=timezone.now() + timedelta(days=30))
    employee = User.objects.filter(email__startswith="lea.martin@").first()
    if employee is not None:
        services.tag_follow(actor=employee, tag=services.tag_get_or_create(name="rse"))
    _spread_over_two_weeks(posts, rng)
    for person in people:  # deliveries ran in order; rebuild once so every timeline is complete
        timelines.rebuild(user=person)
    return DemoActivity(spaces=len(spaces), posts=len(posts), comments=comments, reactions=reactions)


def _spread_over_two_weeks(posts: list[Post], rng: random.Random) -> None:
    """Demo only: date the posts (in creation order) and their comments over the past fortnight."""
    now = timezone.now()
    step = timedelta(days=14) / max(len(posts), 1)
    for index, post in enumerate(posts):
        created = now - step * (len(posts) - index) + timedelta(minutes=rng.randint(0, 30))
        Post.objects.filter(pk=post.pk).update(created_at=created)
        for comment in Comment.objects.filter(post=post).order_by("pk"):
            created += timedelta(minutes=rng.randint(5, 240))
            Comment.objects.filter(pk=comment.pk).update(created_at=min(created, now))
