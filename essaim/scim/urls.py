from django.urls import path, re_path

from essaim.scim import manage, views

app_name = "scim"
urlpatterns = [
    path("scim/v2/", views.unknown, name="root"),
    path("scim/v2/ServiceProviderConfig", views.service_provider_config, name="service-provider-config"),
    path("scim/v2/Schemas", views.schemas, name="schemas"),
    path("scim/v2/Schemas/<str:schema_id>", views.schemas, name="schema"),
    path("scim/v2/ResourceTypes", views.resource_types, name="resource-types"),
    path("scim/v2/ResourceTypes/<str:type_id>", views.resource_types, name="resource-type"),
    path("scim/v2/.search", views.search, name="search"),
    path("scim/v2/Users", views.users, name="users"),
    path("scim/v2/Users/.search", views.users_search, name="users-search"),
    path("scim/v2/Users/<str:user_id>", views.user_detail, name="user"),
    path("scim/v2/Groups", views.groups, name="groups"),
    path("scim/v2/Groups/.search", views.groups_search, name="groups-search"),
    path("scim/v2/Groups/<str:group_id>", views.group_detail, name="group"),
    re_path(r"^scim/v2/(?P<rest>.+)$", views.unknown, name="unknown"),
    path("manage/scim/", manage.token_list, name="tokens"),
    path("manage/scim/<int:token_id>/revoke/", manage.token_revoke, name="token-revoke"),
]
