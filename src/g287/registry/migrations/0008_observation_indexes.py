"""Observations lose the indexes nothing needs: the publication's (the (publication, row) constraint's index leads
with it), the agreement's (the (agreement, publication) index leads with it) and the identity's (the lineage reads
every row; nothing looks a row up by it). Fewer indexes to write on every import."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0007_lineage_duplicate'),
    ]

    operations = [
        migrations.AlterField(
            model_name='observation',
            name='agreement',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='observations', to='registry.agreement'),
        ),
        migrations.AlterField(
            model_name='observation',
            name='identity',
            field=models.CharField(max_length=240),
        ),
        migrations.AlterField(
            model_name='observation',
            name='publication',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='observations', to='registry.publication'),
        ),
    ]
