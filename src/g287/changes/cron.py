"""The schedule of the ``changes`` queue (run by ``make worker``: ``g287 rqcron g287.changes.cron``).

- ``fetch_ice`` every ``G287_FETCH_INTERVAL`` seconds (6 hours by default): ICE's lists;
- ``send_digests`` every hour: a subscription gets at most one digest a day, so the hourly run only sends
  to those whose day has come;
- ``refresh_open_data`` every hour: rebuilds the bundle only when the registry moved since it was built.
"""

from django.conf import settings
from rq import cron

from g287.changes.tasks import QUEUE, fetch_ice, refresh_open_data, send_digests

cron.register(fetch_ice, queue_name=QUEUE, interval=settings.G287_FETCH_INTERVAL, name="g287-fetch-ice")
cron.register(send_digests, queue_name=QUEUE, interval=3600, name="g287-send-digests")
cron.register(refresh_open_data, queue_name=QUEUE, interval=3600, name="g287-refresh-open-data")
