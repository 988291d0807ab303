from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "saferplan.accounts"
    default_auto_field = "django.db.models.BigAutoField"
