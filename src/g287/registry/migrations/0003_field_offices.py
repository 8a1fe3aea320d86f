"""Load ICE's ERO field offices from the shipped data file (data/field-offices/ice-ero-field-offices.csv)."""

from django.db import migrations


def load(apps, schema_editor):
    from g287.registry.field_offices import load_field_offices

    load_field_offices(apps.get_model("registry", "FieldOffice"))


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0002_lineage_roster_observations"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
