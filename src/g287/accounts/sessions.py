"""Database sessions, read with one plain query.

Django's database session store unchanged (the same table, expiry check, writes, flush on logout); only the
read that every signed-in request makes skips building an ORM query, which costs more than the query.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from g287.rows import prepared_cursor


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        conn = connections[router.db_for_read(model)]
        table, key, data, expiry = (conn.ops.quote_name(n) for n in (model._meta.db_table, "session_key",
                                                                      "session_data", "expire_date"))
        with prepared_cursor(conn) as cur:
            cur.execute(f"SELECT {data} FROM {table} WHERE {key} = %s AND {expiry} > %s",
                        [self.session_key, conn.ops.adapt_datetimefield_value(timezone.now())])
            row = cur.fetchone()
        if row is None:  # unknown or expired: as Django's store does, forget the key
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])
