"""Writes about accounts: enrolling and confirming a second factor. Each audits itself."""

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from g287.accounts.choices import AuditAction
from g287.audit.services import record


def pending_device(user) -> TOTPDevice:
    """The unconfirmed authenticator the user is enrolling, made once and kept until confirmed."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
            record(user, AuditAction.SECOND_FACTOR_ENROLMENT_STARTED, "user", user.pk)
        return device


def confirm_device(user, device: TOTPDevice, token: str) -> bool:
    with transaction.atomic():
        if not device.verify_token(token):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record(user, AuditAction.SECOND_FACTOR_CONFIRMED, "user", user.pk, before={"confirmed": False},
               after={"confirmed": True})
        return True


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()
