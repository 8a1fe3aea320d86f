"""The newest event per topic, kept by a trigger on every append (``TopicVersion``)."""

from django.db import migrations, models

PG = """
CREATE OR REPLACE FUNCTION audit_topic_version() RETURNS trigger AS $$
BEGIN
  INSERT INTO audit_topicversion (topic, seq)
  SELECT split_part(action, '.', 1), MAX(seq) FROM appended GROUP BY 1
  ON CONFLICT (topic) DO UPDATE SET seq = GREATEST(audit_topicversion.seq, EXCLUDED.seq);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- Once per statement (a batch of an upload appends hundreds of events in one), over the rows it added.
CREATE TRIGGER audit_topic_version AFTER INSERT ON audit_auditevent
  REFERENCING NEW TABLE AS appended FOR EACH STATEMENT EXECUTE FUNCTION audit_topic_version();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS audit_topic_version ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_topic_version();
"""
SQLITE = """
CREATE TRIGGER audit_topic_version AFTER INSERT ON audit_auditevent BEGIN
  INSERT INTO audit_topicversion (topic, seq)
  VALUES (substr(NEW.action, 1, instr(NEW.action || '.', '.') - 1), NEW.seq)
  ON CONFLICT (topic) DO UPDATE SET seq = max(seq, excluded.seq);
END;
"""
BACKFILL = {
    "postgresql": "INSERT INTO audit_topicversion (topic, seq) SELECT split_part(action, '.', 1), MAX(seq) "
                  "FROM audit_auditevent GROUP BY 1",
    "sqlite": "INSERT INTO audit_topicversion (topic, seq) SELECT substr(action, 1, instr(action || '.', '.') - 1), "
              "MAX(seq) FROM audit_auditevent GROUP BY 1",
}


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in BACKFILL:
        return
    schema_editor.execute(BACKFILL[vendor])
    if vendor == "postgresql":
        schema_editor.execute(PG)
    else:
        schema_editor.execute(SQLITE)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP)
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_topic_version")


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_link_hash")]
    operations = [
        migrations.CreateModel(name="TopicVersion", fields=[
            ("topic", models.CharField(max_length=80, primary_key=True, serialize=False)),
            ("seq", models.BigIntegerField(default=0)),
        ]),
        migrations.RunPython(forwards, backwards),
    ]
