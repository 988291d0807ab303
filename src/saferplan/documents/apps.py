from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "saferplan.documents"
    label = "documents"
    verbose_name = "Statutory documents"
    default_auto_field = "django.db.models.BigAutoField"
