from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamlConfig(AppConfig):
    name = "essaim.saml"
    label = "sso_saml"  # allauth's SAML provider is "saml"
    verbose_name = _("Single sign-on (SAML 2.0)")
