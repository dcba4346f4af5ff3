from django.urls import path

from essaim.saml import views

# Beside allauth's SAML addresses (/accounts/saml/<slug>/login|acs|sls|metadata/), without a namespace as they are.
urlpatterns = [
    path("saml-signed-out/", views.signed_out, name="saml_signed_out"),
]
