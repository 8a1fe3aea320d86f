"""The Django admin's read-only view, shared by every app whose records change only through their services
(so each change writes its audit event): staff may look, never add, change or delete."""

from django.contrib import admin


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
