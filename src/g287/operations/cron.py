"""The task queue's schedule: rq's cron scheduler enqueues the deadline check every 15 minutes.

Run in production beside a worker:
    g287 rqworker deadlines
    g287 rqcron g287.operations.cron
(or, without the rq scheduler, a crontab line: ``*/15 * * * * g287 deadlines check``).
"""

from rq import cron

from g287.operations.tasks import check_deadlines

INTERVAL_SECONDS = 15 * 60

cron.register(check_deadlines, queue_name="deadlines", interval=INTERVAL_SECONDS, name="g287-deadlines-check")
