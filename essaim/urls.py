import os

from django.contrib import admin
from django.urls import include, path

from essaim.api.main import api
from essaim.core import views as core_views

urlpatterns = [
    path("", include("essaim.stream.urls")),
    path("", include("essaim.people.urls")),
    path("", include("essaim.ideas.urls")),  # /spaces/<slug>/ideas/ and /ideas/<id>/…, before the spaces' own
    path("", include("essaim.mustread.urls")),  # /posts/<id>/confirmations…
    path("", include("essaim.webhooks.urls")),  # /hooks/<token>, /spaces/<slug>/settings/webhooks/, /manage/webhooks/
    path("spaces/", include("essaim.spaces.urls")),
    path("notifications/", include("essaim.notifications.urls")),
    path("emails/", include("essaim.emails.urls")),
    path("moderation/", include("essaim.moderation.urls")),
    path("", include("essaim.calendar.urls")),  # /events/…, /calendar/…
    path("search/", include("essaim.search.urls")),
    path("", include("essaim.realtime.urls")),
    path("accounts/tokens/", include("essaim.api.urls")),
    path("accounts/apps/", include("essaim.api.apps_urls")),
    path("", include("essaim.api.oauth_urls")),  # /oauth/…, /.well-known/…, /nodeinfo/2.0
    path("accounts/", include("essaim.accounts.urls")),
    path("accounts/", include("essaim.oidc.signin_urls")),  # before allauth's: the ID token's signature checked
    path("accounts/", include("essaim.saml.signin_urls")),  # the page that signs out at the SAML provider too
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("manage/outbox/", include("essaim.mailbox.urls")),
    path("manage/backups/", include("essaim.backups.urls")),
    path("manage/audit/", include("essaim.audit.urls")),
    path("manage/watch-rules/", include("essaim.watchrules.urls")),
    path("", include("essaim.charters.urls")),  # /charter/ and /manage/charter/
    path("", include("essaim.privacy.urls")),  # /accounts/data/ and /manage/people/<id>/erase/
    path("", include("essaim.compliance.urls")),  # /manage/retention/, legal-holds/, compliance-exports/
    path("", include("essaim.syndication.urls")),  # /atom/<key>/… and /accounts/atom/
    path("", include("essaim.feeds.urls")),  # /spaces/<slug>/settings/feeds/ and /manage/feeds/
    path("", include("essaim.questions.urls")),
    path("", include("essaim.polls.urls")),
    path("", include("essaim.scim.urls")),  # /scim/v2/… and /manage/scim/
    path("manage/sso/saml/", include("essaim.saml.urls")),
    path("manage/sso/", include("essaim.oidc.urls")),
    path("manage/ldap/", include("essaim.ldap.urls")),
    path("manage/", include("essaim.network.urls")),
    path("django-admin/", admin.site.urls),
    path("", include("essaim.health.urls")),  # /healthz, /readyz, /metrics
    path("favicon.ico", core_views.favicon),  # for the tools that ask there rather than read the page's links
    path("api/", api.urls),
]

if os.environ.get("ESSAIM_BENCH") == "1":  # the benchmark's bare reference view (bench/bare_urls.py)
    urlpatterns += [path("bench/", include("bench.bare_urls"))]

handler400 = "essaim.core.views.bad_request"
handler403 = "essaim.core.views.permission_denied"
handler404 = "essaim.core.views.page_not_found"
handler500 = "essaim.core.views.server_error"
