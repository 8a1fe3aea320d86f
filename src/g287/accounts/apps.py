from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "g287.accounts"
    label = "accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_short_staff_session, dispatch_uid="g287-short-staff-session")


def _short_staff_session(sender, request, user, **kwargs):
    """Staff sessions last ``STAFF_SESSION_SECONDS`` (a working day), not Django's two weeks."""
    from django.conf import settings

    if request is not None and hasattr(request, "session") and user.needs_second_factor:
        request.session.set_expiry(settings.STAFF_SESSION_SECONDS)
