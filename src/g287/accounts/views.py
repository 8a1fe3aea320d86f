import segno
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from g287.accounts import services
from g287.accounts.forms import OneTimeCodeForm


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/"


@login_required
def otp_verify(request):
    """Ask for the current code; staff who have no authenticator yet are sent to enrol one."""
    device = services.confirmed_device(request.user)
    if device is None:
        return redirect(f"/accounts/otp/setup/?next={_next(request)}")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", _("That code is not right, or it has expired. Try the current code."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request)})


@login_required
def otp_setup(request):
    if services.confirmed_device(request.user) is not None:
        return redirect(f"/accounts/otp/verify/?next={_next(request)}")
    device = services.pending_device(request.user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_device(request.user, device, form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", _("That code is not right. Check the time on your phone and try the current code."))
    qr_svg = segno.make(device.config_url, micro=False).svg_inline(scale=4, title=_("Authenticator set-up code"))
    return render(request, "accounts/otp_setup.html", {"form": form, "qr_svg": qr_svg, "next": _next(request),
                                                        "secret": _base32(device)})


def _base32(device) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode()
