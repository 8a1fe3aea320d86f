"""Full-text search of the documents' text: an FTS5 table on SQLite, an expression index on PostgreSQL."""

from django.db import migrations

SQLITE_UP = ["CREATE VIRTUAL TABLE IF NOT EXISTS moa_document_fts USING fts5(text, tokenize = 'porter unicode61')"]
SQLITE_DOWN = ["DROP TABLE IF EXISTS moa_document_fts"]
PG_UP = ["CREATE INDEX IF NOT EXISTS moa_document_text_fts ON moa_moadocument USING GIN (to_tsvector('english', text))"]
PG_DOWN = ["DROP INDEX IF EXISTS moa_document_text_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("moa", "0001_initial")]

    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
                             _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN})),
    ]
