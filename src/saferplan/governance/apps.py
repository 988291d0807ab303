from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "saferplan.governance"
    label = "governance"
    verbose_name = "Questions, consultations and meetings"
    default_auto_field = "django.db.models.BigAutoField"
