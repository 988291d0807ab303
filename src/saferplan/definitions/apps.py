from django.apps import AppConfig


class DefinitionsConfig(AppConfig):
    name = "saferplan.definitions"
    default_auto_field = "django.db.models.BigAutoField"
