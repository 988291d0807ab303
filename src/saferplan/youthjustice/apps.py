from django.apps import AppConfig


class YouthJusticeConfig(AppConfig):
    name = "saferplan.youthjustice"
    label = "youthjustice"
    default_auto_field = "django.db.models.BigAutoField"
