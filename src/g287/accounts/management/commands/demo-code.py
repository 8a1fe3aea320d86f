"""Print the current second-factor code of a demonstration login.

Only for logins that `g287 setup` made as demonstrations (``is_demo``); anyone who can run this command
already holds the database, so it gives nothing away that they do not have.
"""

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from g287.accounts.models import User


class Command(BaseCommand):
    help = "Print the current one-time code of a demonstration login (default: demo)."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="demo")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no login named {username!r}")
        if not user.is_demo:
            raise CommandError(f"{username!r} is not a demonstration login; its code lives only on its owner's device")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username!r} has no authenticator; sign in once to enrol one")
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")
