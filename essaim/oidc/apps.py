from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OidcConfig(AppConfig):
    name = "essaim.oidc"
    label = "oidc"
    verbose_name = _("Single sign-on (OpenID Connect)")
