from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    name = "essaim.polls"
    label = "polls"
    verbose_name = _("Polls")

    def ready(self) -> None:
        from essaim.polls import kind  # noqa: F401 - registers the poll kind with the stream
