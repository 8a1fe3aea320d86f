"""Field offices by county: the counties of the states an office holds only in part (Texas, California, New York),
loaded from data/field-offices/ice-areas-of-responsibility.csv."""

from django.db import migrations, models


def load(apps, schema_editor):
    from g287.registry.field_offices import load_field_offices

    load_field_offices(apps.get_model("registry", "FieldOffice"))


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0005_history_quarantine_curation"),
    ]

    operations = [
        migrations.AddField(
            model_name="fieldoffice",
            name="counties",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
