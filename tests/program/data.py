"""Builders for program tests: agencies with real FBI roster numbers, users by role, a verified client."""

from __future__ import annotations

from datetime import date, timedelta

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from g287.accounts.models import Role, User
from g287.program.models import CapacityLimits, SupervisorStaffing, TrainingClass
from g287.registry.models import Agency, FieldOffice


def field_offices():
    """Miami (FL, PR, VI) and Atlanta (GA, NC, SC), as shipped with the registry."""
    miami, _ = FieldOffice.objects.get_or_create(code="miami", defaults={"name": "Miami Field Office",
                                                                         "states": ["FL", "PR", "VI"]})
    atlanta, _ = FieldOffice.objects.get_or_create(code="atlanta", defaults={"name": "Atlanta Field Office",
                                                                             "states": ["GA", "NC", "SC"]})
    return miami, atlanta


def roster_agency(key, name, state, *, ori="", population=None, sworn=None, civilians=None, county="",
                  field_office=None) -> Agency:
    return Agency.objects.create(key=key, name=name, state=state, ice_type="County", county=county, ori=ori,
                                 population=population, sworn_officers=sworn, civilians=civilians,
                                 roster_name=name if ori else "", field_office=field_office)


# Numbers from the FBI law enforcement employees roster, 2025 (data/rosters/).
def alachua(fo=None) -> Agency:
    return roster_agency("fl-alachua-so", "Alachua County Sheriff's Office", "FL", ori="FL0010000",
                         population=121845, sworn=259, civilians=120, county="Alachua", field_office=fo)


def baker(fo=None) -> Agency:
    return roster_agency("fl-baker-so", "Baker County Sheriff's Office", "FL", ori="FL0020000",
                         population=29160, sworn=48, civilians=44, county="Baker", field_office=fo)


def gaston(fo=None) -> Agency:
    return roster_agency("nc-gaston-pd", "Gaston County Police Department", "NC", ori="NC0360500",
                         population=84880, sworn=133, civilians=118, county="Gaston", field_office=fo)


def unmatched(fo=None) -> Agency:
    return roster_agency("fl-nowhere-pd", "Port Nowhere Police Department", "FL", field_office=fo)


def user(username, role, **kw) -> User:
    return User.objects.create(username=username, role=role, **kw)  # signed in with force_login: no password


def program_office(username="po") -> User:
    return user(username, Role.PROGRAM_OFFICE)


def field_office_user(fo, username="fo") -> User:
    return user(username, Role.FIELD_OFFICE, field_office=fo)


def signed_in(client, u: User):
    """Sign in and pass the second factor, as staff must."""
    device = TOTPDevice.objects.create(user=u, name="phone", confirmed=True)
    client.force_login(u)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert client.post("/accounts/otp/verify/", {"token": code, "next": "/"}).status_code == 302
    return client


def ample_capacity(fo, day: date, model="JEM"):
    """Supervisors, a class with seats soon after ``day``, and the starting limits (seeded by migration)."""
    assert CapacityLimits.objects.filter(effective__lte=day).exists()
    SupervisorStaffing.objects.create(field_office=fo, supervisors=4, start=date(2024, 1, 1))
    TrainingClass.objects.create(model=model, start=day + timedelta(days=10), end=day + timedelta(days=38),
                                 location="Charleston, SC", seats=24, seats_taken=0)


def receive_complaint(*args, **kwargs):
    try:
        from g287.oversight.services.complaints import receive_complaint as receive
    except ImportError:
        from g287.oversight.services import receive_complaint as receive
    return receive(*args, **kwargs)


def resolve_complaint(*args, **kwargs):
    try:
        from g287.oversight.services.complaints import resolve_complaint as resolve
    except ImportError:
        from g287.oversight.services import resolve_complaint as resolve
    return resolve(*args, **kwargs)
