from django.urls import path

from essaim.saml import manage

app_name = "saml"
urlpatterns = [
    path("", manage.provider_list, name="providers"),
    path("<int:provider_id>/", manage.provider_edit, name="provider"),
    path("<int:provider_id>/test/", manage.provider_test, name="provider-test"),
    path("<int:provider_id>/delete/", manage.provider_delete, name="provider-delete"),
]
