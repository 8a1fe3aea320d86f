"""Staff roles must pass a one-time-password second factor before anything else."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

# Reachable before the second factor: signing in and out, enrolling, the language switch, static files.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/")


class StaffSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.needs_second_factor
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            if request.path.startswith("/api/") or "/api/" in request.path:  # every app's API answers in JSON
                return JsonResponse({"detail": "Second factor required: verify your one-time code first."}, status=403)
            return redirect(f"{reverse('otp-verify')}?next={request.get_full_path()}")
        return self.get_response(request)
