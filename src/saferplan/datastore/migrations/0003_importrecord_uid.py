from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("datastore", "0002_tenancy")]

    operations = [
        migrations.AddField(
            model_name="importrecord",
            name="uid",
            field=models.UUIDField(default=None, editable=False, null=True, unique=True),
        ),
    ]
