from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "essaim.ideas"
    label = "ideas"
    verbose_name = _("Idea boxes")

    def ready(self) -> None:
        from essaim.ideas import (
            cards,  # noqa: F401 - registers what an idea's card loads beside its post
            consumers,  # noqa: F401 - registers its event consumers
            kind,  # noqa: F401 - registers the kind with the stream (composer, rows, card)
        )
