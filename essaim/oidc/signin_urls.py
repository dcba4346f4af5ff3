from django.urls import path

from essaim.oidc import views

# allauth's sign-in page and its OpenID Connect addresses, under allauth's own names (its provider builds its
# addresses with them), without a namespace; mounted before allauth's URLs so that these views answer: the
# sign-in page lets its forms go to the providers, the callback always checks the ID token's signature.
urlpatterns = [
    path("login/", views.login_page, name="account_login"),
    path("oidc/<str:provider_id>/login/", views.login, name="openid_connect_login"),
    path("oidc/<str:provider_id>/login/callback/", views.callback, name="openid_connect_callback"),
]
