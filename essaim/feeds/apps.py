from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    name = "essaim.feeds"
    label = "feeds"
    verbose_name = _("Feeds")

    def ready(self) -> None:
        from essaim.feeds import jobs  # noqa: F401 - registers the periodic job
