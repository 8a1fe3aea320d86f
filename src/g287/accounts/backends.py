"""Django's model backend, with the per-request user read as one plain query (``g287.rows``), and the
permissions each role holds by being that role.

Every signed-in request loads its user; the same row becomes the same model instance, and the same check
applies (an inactive user is no user). An app below the accounts asks ``user.has_perm("<app>.<what>")`` for
what a role may do there (``g287.registry.roles``); ``ROLE_PERMISSIONS`` says which roles hold it, without a
query.
"""

from functools import lru_cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import connections, router

from g287.accounts.choices import Role
from g287.registry import roles as registry_roles
from g287.rows import Columns, prepared_cursor

# What a role may do in the apps below the accounts, as Django permission names.
ROLE_PERMISSIONS = {
    registry_roles.permission(registry_roles.CURATE_LINEAGE): {Role.PROGRAM_OFFICE},
}


@lru_cache(maxsize=None)
def _columns(alias: str) -> tuple[Columns, str]:
    model = get_user_model()
    conn = connections[alias]
    cols = Columns(model, conn)
    return cols, f"SELECT {cols.sql} FROM {cols.table} WHERE {cols.table}.{conn.ops.quote_name(model._meta.pk.column)} = %s"


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except Exception:  # a session naming no valid id is no user, as the ORM's lookup would find
            return None
        alias = router.db_for_read(model)
        cols, sql = _columns(alias)
        conn = connections[alias]
        with prepared_cursor(conn) as cur:
            cur.execute(sql, [pk])
            row = cur.fetchone()
        if row is None:
            return None
        user = cols.build(row, conn)
        return user if self.user_can_authenticate(user) else None

    def has_perm(self, user_obj, perm, obj=None):
        holders = ROLE_PERMISSIONS.get(perm)
        if holders is not None:  # a role's permission: the role decides, with no query of the permission tables
            return user_obj.is_active and getattr(user_obj, "role", None) in holders
        return super().has_perm(user_obj, perm, obj)
