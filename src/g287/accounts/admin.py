from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from g287.accounts.models import User


@admin.register(User)
class G287UserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Role and scope", {"fields": ("role", "agency", "field_office")}),)
    list_display = ("username", "role", "agency", "field_office", "is_staff")
    list_filter = ("role", "is_staff")
