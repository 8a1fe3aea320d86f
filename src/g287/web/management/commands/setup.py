"""Prepare a database for use: import the real data shipped in data/ and create the demo login.

Idempotent: running it again imports nothing twice and keeps the demo login's password.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from django_otp.plugins.otp_totp.models import TOTPDevice

from g287.accounts.models import Role, User

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-287g-program"  # printed on purpose: a local demonstration login, never for production


class Command(BaseCommand):
    help = "Import the real ICE sheets and FBI roster shipped in data/, and create the demo login."

    def handle(self, *args, **options):
        data = settings.DATA_DIR
        call_command("import", "ice-sheets", str(data / "ice-sheets"), str(data / "ice-history"), stdout=self.stdout,
                     stderr=self.stderr)
        call_command("import", "roster", str(data / "rosters" / "fbi-law-enforcement-employees-2025.csv"),
                     stdout=self.stdout, stderr=self.stderr)
        user, created = User.objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"role": Role.PROGRAM_OFFICE, "is_staff": True, "is_superuser": True, "is_demo": True},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="demo authenticator", confirmed=True)
        self.stdout.write(self.style.SUCCESS(
            f"Demo login (program office, local use only): {DEMO_USERNAME} / {DEMO_PASSWORD}\n"
            "  Staff sign-in asks for a one-time code: print the current one with `.venv/bin/g287 demo-code`."
        ))
        # Synthetic, labelled operations data on the real agencies and a demo login per role (idempotent).
        call_command("demo", stdout=self.stdout, stderr=self.stderr)
