from django.urls import path

from essaim.ldap import manage

app_name = "ldap"
urlpatterns = [
    path("", manage.directory_edit, name="directory"),
    path("test/", manage.directory_test, name="directory-test"),
    path("sync/", manage.directory_sync, name="directory-sync"),
]
