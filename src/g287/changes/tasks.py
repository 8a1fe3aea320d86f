"""Background jobs on the task queue (rq on Redis, queue ``changes``) and how an import queues them.

The jobs take plain arguments so they serialize without Django objects. ``cron.py`` schedules them; an import
queues the digest and the open-data refresh at once. When Redis cannot be reached the import still succeeds:
the scheduled runs catch up (each job works out for itself what is due).
"""

from __future__ import annotations

import logging

from g287.changes import alerts

log = logging.getLogger(__name__)
QUEUE = "changes"


def fetch_ice() -> dict:
    """Download ICE's current lists, keep them, import what is new (``g287 fetch ice``)."""
    # Loaded when the job runs (httpx, rich): every process loads this module at start-up (changes.receivers).
    from g287.changes.fetch import fetch_ice as run

    return run().summary()


def send_digests() -> dict:
    """Send every confirmed subscription its daily digest when one is due."""
    return alerts.send_digests()


def refresh_open_data() -> dict:
    """Rebuild the open-data bundle of the Data page when the registry moved since it was built."""
    # Loaded when the job runs (polars): every process loads this module at start-up (changes.receivers).
    from g287.changes.downloads import refresh_bundle

    return refresh_bundle()


def queue():
    """The ``changes`` queue on the Redis that ``settings.RQ_QUEUES`` names (read at call time)."""
    from django.conf import settings
    from redis import Redis
    from rq import Queue

    conf = settings.RQ_QUEUES[QUEUE]
    return Queue(QUEUE, connection=Redis.from_url(conf["URL"]), default_timeout=conf.get("DEFAULT_TIMEOUT"))


def enqueue(func, *args) -> bool:
    """Queue a job; False (and a warning) when the queue cannot be reached."""
    try:
        queue().enqueue(func, *args)
        return True
    except Exception as exc:  # redis.ConnectionError and its kin: the import must not fail for it
        log.warning("could not queue %s on %r: %s", func.__name__, QUEUE, exc)
        return False


def queue_after_import() -> None:
    enqueue(send_digests)
    enqueue(refresh_open_data)
