from __future__ import annotations

import pytest

from essaim.spaces.models import Membership, Space
from essaim.webhooks import services
from essaim.webhooks.models import IncomingWebhook
from tests.accounts.factories import UserFactory
from tests.spaces.factories import MembershipFactory, SpaceFactory


@pytest.fixture
def space(db: None) -> Space:
    return SpaceFactory(slug="atlas", name="Atlas")


@pytest.fixture
def space_admin(space: Space) -> object:
    return MembershipFactory(space=space, role=Membership.Role.ADMIN, user=UserFactory(first_name="Aline")).user


@pytest.fixture
def hook(space: Space, space_admin: object) -> tuple[IncomingWebhook, str]:
    return services.incoming_webhook_create(actor=space_admin, space=space, name="CI")
