from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "essaim.health"
    label = "health"
