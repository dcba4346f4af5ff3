"""The demo network's usage charter: short, bilingual, published by the administrator and already accepted by
every demo person (so that ``make run`` opens on the home page), while anyone invited later accepts it first."""

from __future__ import annotations

from django.db import transaction

from essaim.accounts.models import User
from essaim.charters import services
from essaim.charters.models import Charter, CharterAcceptance

BODY_FR = """Bienvenue sur le réseau d’Atelier Boréal. En l’utilisant, vous vous engagez à :

1. **Respecter chacun** : pas d’insulte, de harcèlement ni de discrimination.
2. **Protéger l’entreprise** : rien de confidentiel dans un espace public ni dans un espace ouvert à des invités.
3. **Parler en votre nom** : ce que vous publiez engage votre nom, pas celui de l’entreprise.
4. **Signaler** à l’équipe communication ce qui enfreint cette charte.
"""
BODY_EN = """Welcome to Atelier Boréal's network. By using it, you agree to:

1. **Respect everyone**: no insults, harassment or discrimination.
2. **Protect the company**: nothing confidential in a public space or in a space open to guests.
3. **Speak for yourself**: what you post carries your name, not the company's.
4. **Report** to the communication team whatever breaks this charter.
"""


@transaction.atomic
def demo_charter_create(*, admin: User) -> Charter:
    charter = services.charter_publish(actor=admin, body_fr=BODY_FR, body_en=BODY_EN, requires_acceptance=True)
    people = User.objects.filter(is_active=True).exclude(pk=admin.pk).values_list("pk", flat=True)
    CharterAcceptance.objects.bulk_create(
        [CharterAcceptance(user_id=pk, charter=charter) for pk in people], batch_size=1000, ignore_conflicts=True
    )
    return charter
