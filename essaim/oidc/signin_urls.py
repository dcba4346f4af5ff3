from django.urls import path

from essaim.oidc import views

# allauth's own names and its sign-in page (its provider builds its addresses with them), without a namespace; mounted before
# allauth's URLs so that these views, which always check the ID token's signature, answer.
urlpatterns = [
    path("login/", views.login_page, name="account_login"),
    path("oidc/<str:provider_id>/login/", views.login, name="openid_connect_login"),
    path("oidc/<str:provider_id>/login/callback/", views.callback, name="openid_connect_callback"),
]
