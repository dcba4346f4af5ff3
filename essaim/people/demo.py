"""A fictitious French company, Atelier Boréal, so the first screen of a new network is alive.

Deterministic for a given seed. Bulk writes keep 150 people well under a few seconds.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from faker import Faker

from essaim.accounts.models import User
from essaim.core.text import fold
from essaim.network import services as network_services
from essaim.network.selectors import network_settings
from essaim.people import services
from essaim.people.avatars import avatar_jpeg
from essaim.people.models import Department, Follow, Profile, ProfileField, ProfileFieldValue, Site

DEMO_COMPANY = "Atelier Boréal"  # the network takes its name (mails greet with it)
DEMO_PASSWORD = "essaim-demo-2026"  # noqa: S105 - every demo person's documented password, printed on purpose
DEMO_DOMAIN = "essaim.test"
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
EMPLOYEE_EMAIL = f"lea.martin@{DEMO_DOMAIN}"

SITES = ["Paris", "Lyon", "Nantes", "Toulouse", "Lille"]
SITE_WEIGHTS = [5, 2, 2, 2, 1]


@dataclass(frozen=True)
class DepartmentSpec:
    name: str
    head: str
    lead: str
    titles: list[str]
    skills: list[str]
    weight: int


DEPARTMENTS = [
    DepartmentSpec(
        "Direction générale",
        "Directeur général délégué",
        "Chef de cabinet",
        ["Assistant de direction", "Chargé de mission stratégie", "Office manager"],
        ["Stratégie", "Gouvernance", "Négociation", "Organisation"],
        1,
    ),
    DepartmentSpec(
        "Ventes",
        "Directeur commercial",
        "Responsable grands comptes",
        ["Ingénieur commercial", "Chargé d'affaires", "Commercial sédentaire", "Business developer"],
        ["Négociation", "Prospection", "Salesforce", "Grands comptes", "Anglais"],
        5,
    ),
    DepartmentSpec(
        "Marketing",
        "Directeur marketing",
        "Responsable marketing produit",
        ["Chef de produit", "Chargé de marketing digital", "Traffic manager", "Chargé d'études"],
        ["SEO", "Marketing digital", "Analyse de données", "Stratégie de marque", "Google Analytics"],
        3,
    ),
    DepartmentSpec(
        "R&D",
        "Directeur R&D",
        "Responsable d'équipe R&D",
        ["Ingénieur R&D", "Docteur en mécanique", "Ingénieur matériaux", "Technicien de laboratoire"],
        ["Python", "Simulation numérique", "CAO", "Matériaux composites", "Gestion de projet"],
        5,
    ),
    DepartmentSpec(
        "Production",
        "Directeur industriel",
        "Responsable d'atelier",
        ["Technicien de maintenance", "Opérateur de production", "Responsable qualité", "Méthodiste"],
        ["Lean", "Qualité", "Maintenance", "Sécurité au travail", "ISO 9001"],
        6,
    ),
    DepartmentSpec(
        "RH",
        "Directeur des ressources humaines",
        "Responsable recrutement",
        ["Chargé de recrutement", "Gestionnaire de paie", "Chargé de formation", "Juriste social"],
        ["Recrutement", "Paie", "Formation", "Droit social", "Marque employeur"],
        2,
    ),
    DepartmentSpec(
        "Finance",
        "Directeur administratif et financier",
        "Responsable contrôle de gestion",
        ["Contrôleur de gestion", "Comptable", "Trésorier", "Analyste financier"],
        ["Excel", "Contrôle de gestion", "Comptabilité", "Consolidation", "SAP"],
        2,
    ),
    DepartmentSpec(
        "Communication",
        "Directeur de la communication",
        "Responsable communication interne",
        ["Chargé de communication", "Graphiste", "Community manager", "Rédacteur"],
        ["Rédaction", "Réseaux sociaux", "Relations presse", "InDesign", "Événementiel"],
        2,
    ),
    DepartmentSpec(
        "Informatique",
        "Directeur des systèmes d'information",
        "Responsable infrastructure",
        ["Développeur Python", "Administrateur systèmes", "Chef de projet informatique", "Analyste sécurité"],
        ["Python", "Django", "Linux", "Cybersécurité", "PostgreSQL", "Kubernetes"],
        3,
    ),
    DepartmentSpec(
        "Juridique",
        "Directeur juridique",
        "Responsable conformité",
        ["Juriste d'affaires", "Juriste propriété intellectuelle", "Paralégal"],
        ["Droit des contrats", "RGPD", "Propriété intellectuelle", "Conformité"],
        1,
    ),
]

LANGUAGE_SETS = [
    "Français",
    "Français, Anglais",
    "Français, Anglais",
    "Français, Espagnol",
    "Français, Allemand",
    "Français, Anglais, Italien",
    "Français, Anglais, Portugais",
    "Français, Arabe, Anglais",
]
PASSIONS = [
    "la randonnée",
    "la photographie",
    "le vélo",
    "la cuisine du marché",
    "le jazz",
    "les jeux de société",
    "le théâtre d'impro",
    "la course à pied",
    "le jardinage",
    "la voile",
    "la lecture de polars",
    "l'escalade",
    "la céramique",
    "le cinéma coréen",
]
BIO_OPENINGS = [
    "Chez Atelier Boréal depuis {year}, je travaille au sein de l'équipe {dept} à {site}.",
    "{title} à {site}, j'ai rejoint Atelier Boréal en {year}.",
    "J'accompagne les équipes {dept} depuis {year}, depuis notre site de {site}.",
]
BIO_ENDINGS = [
    "En dehors du travail : {passion}.",
    "Passionné·e de {passion}, toujours partant·e pour un café.",
    "N'hésitez pas à me contacter pour parler projets… ou {passion}.",
]
REMOTE_CHOICES = ["Sur site", "1 jour par semaine", "2 jours par semaine", "3 jours par semaine", "Télétravail complet"]


@dataclass
class DemoResult:
    people: int
    admin: User
    employee: User
    follows: int
    photos: int
    extra: dict[str, int] = field(default_factory=dict)


@dataclass
class _Person:
    first_name: str
    last_name: str
    department: DepartmentSpec
    title: str
    manager: int | None  # index into the people list
    site: str
    email: str = ""
    is_network_admin: bool = False


def _plan(fake: Faker, rng: random.Random, count: int) -> list[_Person]:
    """Who is who: a CEO, one head per department, team leads, then employees, each with a manager."""
    people: list[_Person] = []

    def name() -> tuple[str, str]:
        return fake.first_name(), fake.last_name()

    people.append(
        _Person(
            fake.first_name_female(), fake.last_name(), DEPARTMENTS[0], "Présidente-directrice générale", None, "Paris"
        )
    )
    heads: dict[str, int] = {}
    for spec in DEPARTMENTS:
        first, last = name()
        heads[spec.name] = len(people)
        site = "Paris" if spec.name != "Production" else "Lyon"
        people.append(_Person(first, last, spec, spec.head, 0, site))
    leads: dict[str, list[int]] = {spec.name: [] for spec in DEPARTMENTS}
    weights = [spec.weight for spec in DEPARTMENTS]
    while len(people) < count:
        spec = rng.choices(DEPARTMENTS, weights=weights)[0]
        team = leads[spec.name]
        site = rng.choices(SITES, weights=SITE_WEIGHTS)[0]
        first, last = name()
        if len(team) < max(1, spec.weight // 2) and rng.random() < 0.5:
            team.append(len(people))
            people.append(_Person(first, last, spec, spec.lead, heads[spec.name], site))
        else:
            manager = rng.choice(team) if team else heads[spec.name]
            people.append(_Person(first, last, spec, rng.choice(spec.titles), manager, site))
    return people[:count]


def _demo_accounts(people: list[_Person]) -> None:
    """The communication head becomes Léa Martin (employee demo account); an IT lead is the admin."""
    communication = next(i for i, p in enumerate(people) if p.department.name == "Communication" and p.manager == 0)
    lea = people[communication]
    lea.first_name, lea.last_name, lea.email = "Léa", "Martin", EMPLOYEE_EMAIL
    lea.title = "Directrice de la communication"
    admin = next((p for p in people[1:] if p.department.name == "Informatique" and p.manager != 0), None)
    admin = admin or next(p for p in people if p.department.name == "Informatique")
    admin.first_name, admin.last_name = "Camille", "Moreau"
    admin.email, admin.is_network_admin = ADMIN_EMAIL, True
    admin.title = "Responsable du réseau social"
    # Someone of Léa's team is Éloïse Dupré: the README's directory example ("eloise" finds "Éloïse",
    # "@eloise.dupre" too) and the docs' mentions work on the demo data.
    others = [p for p in people[1:] if p is not lea and p is not admin]
    team = [p for p in others if p.manager == communication] or others
    if team:
        team[0].first_name, team[0].last_name = "Éloïse", "Dupré"


def _create_users(people: list[_Person]) -> list[User]:
    """Everyone signs in with the demo password, so a tester sees a mention or an invitation from the other side.

    The password is hashed once for all (Argon2 takes ≈ 0.1 s a hash: 15 s for 150 people otherwise).
    """
    users: list[User] = []
    taken: set[str] = set()
    for person in people:
        email = person.email
        if not email:
            local = fold(f"{person.first_name}.{person.last_name}").replace(" ", "-").replace("'", "")
            email, n = f"{local}@{DEMO_DOMAIN}", 1
            while email in taken or email in {ADMIN_EMAIL, EMPLOYEE_EMAIL}:
                n += 1
                email = f"{local}{n}@{DEMO_DOMAIN}"
        taken.add(email)
        users.append(
            User.objects.create_user(
                email,
                None,
                first_name=person.first_name,
                last_name=person.last_name,
                is_network_admin=person.is_network_admin,
            )
        )
    User.objects.filter(pk__in=[user.pk for user in users]).update(password=make_password(DEMO_PASSWORD))
    return users


def _bio(rng: random.Random, person: _Person, year: int) -> str:
    opening = rng.choice(BIO_OPENINGS).format(
        year=year, dept=person.department.name, site=person.site, title=person.title
    )
    return f"{opening} {rng.choice(BIO_ENDINGS).format(passion=rng.choice(PASSIONS))}"


@transaction.atomic
def demo_company_create(*, people: int = 150, seed: int = 42, photos: bool = True) -> DemoResult:
    """Create Atelier Boréal: departments, sites, people with a management tree, skills, photos and follows."""
    people = max(people, len(DEPARTMENTS) + 2)
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    plan = _plan(fake, rng, people)
    _demo_accounts(plan)

    departments = {d.name: Department.objects.get_or_create(name=d.name)[0] for d in DEPARTMENTS}
    sites = {name: Site.objects.get_or_create(name=name)[0] for name in SITES}
    users = _create_users(plan)
    skills = {
        fold(s.name): s
        for s in services.skills_get_or_create(names=sorted({name for d in DEPARTMENTS for name in d.skills}))
    }

    today = dt.date(2026, 11, 1)
    profiles: list[Profile] = []
    photo_count = 0
    arrivals: list[dt.date] = []
    for index, (person, user) in enumerate(zip(plan, users, strict=True)):
        arrival = today - dt.timedelta(days=rng.randint(30, 365 * 18))
        arrivals.append(arrival)
        profile = Profile(
            user=user,
            job_title=person.title,
            department=departments[person.department.name],
            site=sites[person.site],
            phone=f"+33 {rng.randint(1, 5)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
            manager=users[person.manager] if person.manager is not None else None,
            languages=rng.choice(LANGUAGE_SETS),
            bio=_bio(rng, person, arrival.year),
        )
        profile.refresh_keys()
        wants_photo = rng.random() < 0.67 or bool(person.email)
        if photos and wants_photo:
            profile.photo.save(f"demo-{index}.jpg", ContentFile(avatar_jpeg(rng)), save=False)
            photo_count += 1
        profiles.append(profile)
    Profile.objects.bulk_create(profiles)

    through = Profile.skills.through
    links = []
    for person, profile in zip(plan, profiles, strict=True):
        for name in rng.sample(person.department.skills, k=min(len(person.department.skills), rng.randint(2, 4))):
            links.append(through(profile_id=profile.pk, skill_id=skills[fold(name)].pk))
    through.objects.bulk_create(links, ignore_conflicts=True)

    admin = users[next(i for i, p in enumerate(plan) if p.email == ADMIN_EMAIL)]
    employee = users[next(i for i, p in enumerate(plan) if p.email == EMPLOYEE_EMAIL)]
    if network_settings().name == settings.NETWORK_NAME:  # not renamed by an administrator
        network_services.network_rename(actor=admin, name=DEMO_COMPANY)
    arrival_field = services.profile_field_create(
        actor=admin, label_fr="Date d'arrivée", label_en="Arrival date", kind=ProfileField.Kind.DATE
    )
    remote_field = services.profile_field_create(
        actor=admin,
        label_fr="Télétravail",
        label_en="Remote work",
        kind=ProfileField.Kind.CHOICE,
        choices="\n".join(REMOTE_CHOICES),
    )
    values = []
    for profile, arrival in zip(profiles, arrivals, strict=True):
        values.append(ProfileFieldValue(profile=profile, field=arrival_field, value=arrival.isoformat()))
        values.append(ProfileFieldValue(profile=profile, field=remote_field, value=rng.choice(REMOTE_CHOICES)))
    ProfileFieldValue.objects.bulk_create(values)

    pairs: set[tuple[int, int]] = set()
    ceo = users[0]
    for person, user in zip(plan, users, strict=True):
        targets = [ceo] if user != ceo else []
        if person.manager is not None:
            targets.append(users[person.manager])
        targets += rng.sample(users, k=rng.randint(0, 5))
        pairs.update((user.pk, target.pk) for target in targets if target.pk != user.pk)
    Follow.objects.bulk_create([Follow(follower_id=a, followed_id=b) for a, b in sorted(pairs)], ignore_conflicts=True)
    return DemoResult(
        people=len(users),
        admin=admin,
        employee=employee,
        follows=len(pairs),
        photos=photo_count,
        extra={"skills": len(skills), "departments": len(departments), "sites": len(sites)},
    )
