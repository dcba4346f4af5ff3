from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PraiseConfig(AppConfig):
    name = "essaim.praise"
    label = "praise"
    verbose_name = _("Praise")

    def ready(self) -> None:
        from essaim.praise import (
            cards,  # noqa: F401 - registers what a praise's card loads beside its post
            consumers,  # noqa: F401 - registers its event consumers
            kind,  # noqa: F401 - registers the kind with the stream (composer, rows, card)
        )
