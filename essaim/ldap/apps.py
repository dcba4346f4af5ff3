from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LdapConfig(AppConfig):
    name = "essaim.ldap"
    label = "ldap"
    verbose_name = _("Company directory (LDAP / Active Directory)")

    def ready(self) -> None:
        from essaim.ldap import backend, jobs  # noqa: F401 - the periodic sync; sign-in errors noted on the request
