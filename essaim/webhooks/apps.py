from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "essaim.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from essaim.webhooks import consumers, jobs  # noqa: F401  - registers the fan-out and the retry sweep
