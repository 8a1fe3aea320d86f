from django.contrib.auth.models import AbstractUser
from django.db import models

from g287.accounts.choices import Role


STAFF_ROLE_VALUES = {Role.PROGRAM_OFFICE, Role.FIELD_OFFICE, Role.SUPERVISOR, Role.INSPECTOR}


class User(AbstractUser):
    """A person who signs in. What they may see follows from role and scope, never from a flag per page."""

    role = models.CharField(max_length=32, choices=Role.choices, default=Role.OVERSIGHT)
    # LEA coordinators and officers belong to one agency.
    agency = models.ForeignKey("registry.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    # Field office staff see the states of their office's area of responsibility.
    field_office = models.ForeignKey(
        "registry.FieldOffice", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    # Demonstration logins made by `g287 setup`/`g287 demo`: `g287 demo-code` prints their second-factor code.
    is_demo = models.BooleanField(default=False)

    @property
    def needs_second_factor(self) -> bool:
        return self.is_superuser or self.is_staff or self.role in STAFF_ROLE_VALUES


class Assignment(models.Model):
    """An ICE supervisor's or inspector's assignment to an agency, for a period: what they may see and act on."""

    class Kind(models.TextChoices):
        SUPERVISION = "supervision", "Field supervision"
        INSPECTION = "inspection", "Inspection"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    agency = models.ForeignKey("registry.Agency", on_delete=models.CASCADE, related_name="assignments")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)  # exclusive; open-ended when empty

    class Meta:
        indexes = [models.Index(fields=["user", "kind"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()} of {self.agency}"


class RateMark(models.Model):
    """One counted event of a rate limit (``accounts.ratelimit``) when no Redis is configured: the limit's
    group, a keyed hash of the client's address (never the address itself) and when. Marks older than the
    limit's period are deleted as new ones come."""

    group = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["group", "key", "at"])]
