from django.urls import path

from essaim.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("hooks/<str:token>", views.incoming, name="incoming"),
    path("spaces/<slug:slug>/settings/webhooks/", views.space_webhooks, name="space-webhooks"),
    path("spaces/<slug:slug>/settings/webhooks/endpoints/", views.space_endpoint_create, name="space-endpoint-create"),
    path(
        "spaces/<slug:slug>/settings/webhooks/<int:hook_id>/regenerate/",
        views.hook_regenerate,
        name="hook-regenerate",
    ),
    path("spaces/<slug:slug>/settings/webhooks/<int:hook_id>/delete/", views.hook_delete, name="hook-delete"),
    path("manage/webhooks/", views.manage, name="manage"),
    path("webhooks/endpoints/<int:endpoint_id>/", views.endpoint, name="endpoint"),
    path("webhooks/endpoints/<int:endpoint_id>/active/", views.endpoint_toggle, name="endpoint-toggle"),
    path("webhooks/endpoints/<int:endpoint_id>/delete/", views.endpoint_delete, name="endpoint-delete"),
    path(
        "webhooks/endpoints/<int:endpoint_id>/deliveries/<int:delivery_id>/resend/",
        views.delivery_resend,
        name="delivery-resend",
    ),
]
