"""Background jobs on the task queue (rq on Redis, queue ``deadlines``).

``check_deadlines`` is the job the scheduler runs (``cron.py``); it is the same check as
``g287 deadlines check``. Arguments are plain strings so the job is serialized without Django objects.
"""

from __future__ import annotations

import sys

from django.utils import timezone
from tqdm import tqdm

from g287 import inputs
from g287.operations import deadlines
from g287.operations.models import Upload
from g287.operations.uploads import UploadRejected, background_priority, import_actions


def check_deadlines(as_of: str | None = None) -> dict:
    """Run the deadline check as of ``as_of`` (ISO date-time or a day alone, its midnight; now when None) and return what it found."""
    moment = None
    if as_of:
        try:
            moment = inputs.aware(inputs.moment(as_of, "as_of", date_alone=True))
        except inputs.InputError as exc:
            raise ValueError(f"as_of must be an ISO date-time; {exc.message}") from None
    result = deadlines.check(moment)
    return {"as_of": result.as_of.isoformat(), "overdue": result.overdue, "newly_noticed": result.newly_noticed}


def record_upload(upload_id: int, data: bytes) -> dict:
    """Check and record an upload (``uploads.import_actions``) for the task queue, keeping its ``Upload`` row
    up to date so its page shows the progress, then the result or the grouped errors."""

    background_priority()
    up = Upload.objects.select_related("agency", "uploaded_by").get(pk=upload_id)
    bar = tqdm(total=0, desc=up.name, unit="row", file=sys.stderr)

    def progress(phase: str, done: int, total: int) -> None:
        Upload.objects.filter(pk=upload_id).update(status=phase, done=done, total=total)
        bar.set_description(f"{up.name}: {phase}", refresh=False)
        bar.total, bar.n = total, done
        bar.refresh()

    try:
        result = import_actions(up.uploaded_by, up.agency, data, up.name, progress)
    except UploadRejected as exc:
        Upload.objects.filter(pk=upload_id).update(status=Upload.Status.REJECTED, result=exc.as_dict(),
                                                   finished=timezone.now())
        bar.close()
        return {"status": "rejected", "errors": len(exc.errors)}
    except Exception as exc:
        Upload.objects.filter(pk=upload_id).update(status=Upload.Status.FAILED, result={"error": str(exc)[:500]},
                                                   finished=timezone.now())
        bar.close()
        raise
    Upload.objects.filter(pk=upload_id).update(status=Upload.Status.DONE, result=result.as_dict(),
                                               done=result.rows, total=result.rows, finished=timezone.now())
    bar.close()
    return {"status": "done", **result.as_dict()}
