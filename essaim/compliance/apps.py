from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "essaim.compliance"
    label = "compliance"
    verbose_name = _("Compliance")

    def ready(self) -> None:
        from essaim.compliance import jobs  # noqa: F401 - registers retention's periodic job
