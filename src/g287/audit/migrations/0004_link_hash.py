"""The chain's link hash becomes ``sha256(prev|seq|object_id|content_hash)``, which PostgreSQL can compute in
the statement that appends (see ``audit.services``). The chain head keeps the previous hash too.

Existing events are first verified with the earlier hash, then linked again with the new one, in order.
A chain that does not verify is not touched: the migration stops and names the first bad event.
"""

import hashlib
import json
from datetime import timezone as dt_timezone

from django.db import migrations, models

GENESIS = "0" * 64


def _earlier_hash(prev, seq, at, label, action, object_type, object_id, before, after):
    payload = json.dumps([prev, seq, at.isoformat(), label, action, object_type, object_id, before, after],
                         sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _link_hash(prev, seq, at, label, action, object_type, object_id, before, after):
    content = hashlib.sha256(json.dumps([at.isoformat(), label, action, object_type, before, after],
                                        sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                             .encode()).hexdigest()
    return hashlib.sha256(f"{prev}|{seq}|{object_id}|{content}".encode()).hexdigest()


def relink(apps, schema_editor):
    Event = apps.get_model("audit", "AuditEvent")
    Head = apps.get_model("audit", "AuditChainHead")
    events = list(Event.objects.order_by("seq"))
    old_prev, new_prev, prev_of_last = GENESIS, GENESIS, GENESIS
    changed = []
    for expected, ev in enumerate(events, start=1):
        at = ev.at.astimezone(dt_timezone.utc)
        fields = (ev.seq, at, ev.actor_label, ev.action, ev.object_type, ev.object_id, ev.before, ev.after)
        if ev.seq != expected or ev.prev_hash != old_prev or _earlier_hash(old_prev, *fields) != ev.hash:
            raise RuntimeError(f"audit event #{expected} does not verify; the chain is left as it is")
        old_prev = ev.hash
        digest = _link_hash(new_prev, *fields)
        ev.prev_hash, ev.hash = new_prev, digest
        changed.append(ev)
        prev_of_last, new_prev = ev.prev_hash, digest
    head = Head.objects.filter(id=1).first()
    if head is not None and (head.seq != len(events) or head.hash != old_prev):
        raise RuntimeError("the audit chain head does not match the last event; the chain is left as it is")
    if not changed:
        return
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:  # the append-only trigger refuses updates; this one re-links every event, nothing else
        schema_editor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
    Event.objects.bulk_update(changed, ["prev_hash", "hash"], batch_size=1000)
    if postgresql:
        schema_editor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
    Head.objects.update_or_create(id=1, defaults={"seq": len(events), "hash": new_prev, "prev_hash": prev_of_last})


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_trigger")]
    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="prev_hash",
            field=models.CharField(default="0000000000000000000000000000000000000000000000000000000000000000",
                                   max_length=64),
        ),
        migrations.RunPython(relink, migrations.RunPython.noop),
    ]
