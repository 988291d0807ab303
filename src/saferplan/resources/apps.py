from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "saferplan.resources"
    label = "resources"
    verbose_name = "Resources and risks"
    default_auto_field = "django.db.models.BigAutoField"
