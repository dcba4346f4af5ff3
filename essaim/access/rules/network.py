from __future__ import annotations

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import register_network
from essaim.access.roles import Actor


class Network:
    def can(self, actor: Actor, action: Action) -> bool:
        match action:
            case Action.ADMINISTER_NETWORK | Action.INVITE_PEOPLE | Action.MANAGE_PEOPLE:
                return roles.is_network_admin(actor)
            case Action.VIEW_DIRECTORY | Action.CREATE_POST | Action.FOLLOW_TAG:
                return roles.is_employee(actor)
            case _:
                return False


register_network(Network())
