from django.apps import AppConfig


class EditionsConfig(AppConfig):
    name = "saferplan.editions"
    label = "editions"
    verbose_name = "Document editions"
    default_auto_field = "django.db.models.BigAutoField"
