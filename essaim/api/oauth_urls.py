"""``/oauth/…`` (authorize, token, revoke) under django-oauth-toolkit's namespace, which its metadata view reverses,
and the discovery documents under ``/.well-known/`` and ``/nodeinfo/``."""

from django.urls import path
from oauth2_provider import views as dot_views

from essaim.api import discovery, oauth

app_name = "oauth2_provider"
urlpatterns = [
    path("oauth/authorize", oauth.ConsentView.as_view(), name="authorize"),
    path("oauth/token", dot_views.TokenView.as_view(), name="token"),
    path("oauth/revoke", oauth.RevokeView.as_view(), name="revoke-token"),
    path(".well-known/oauth-authorization-server", dot_views.OAuthServerMetadataView.as_view(), name="metadata"),
    path(".well-known/nodeinfo", discovery.nodeinfo_links, name="nodeinfo-links"),
    path("nodeinfo/2.0", discovery.nodeinfo, name="nodeinfo"),
    path(".well-known/webfinger", discovery.webfinger, name="webfinger"),
    path(".well-known/host-meta", discovery.host_meta, name="host-meta"),
]
