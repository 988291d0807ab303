from django.apps import AppConfig


class DatastoreConfig(AppConfig):
    name = "saferplan.datastore"
    verbose_name = "Data imports"
    default_auto_field = "django.db.models.BigAutoField"
