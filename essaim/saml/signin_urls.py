from django.urls import path

from essaim.saml import views

# Before allauth's SAML addresses (/accounts/saml/<slug>/login|acs|sls|metadata/), without a namespace as they are.
urlpatterns = [
    path("saml-signed-out/", views.signed_out, name="saml_signed_out"),
    path("saml/<str:organization_slug>/login/", views.login),  # allauth's, its confirmation page allowed to leave
    path("saml/<str:organization_slug>/acs/", views.acs),  # allauth's, once per assertion (same name, same address)
]
