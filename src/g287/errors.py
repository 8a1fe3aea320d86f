"""One reading of a refusal for the API and the pages.

Services refuse with Django's ``ValidationError`` (a message, a list, or messages per field) or
``PermissionDenied``; the input readers with ``g287.inputs.InputError``. The API answers them in one place
(``g287.web.api.exception_handler``: 400 with the messages by field, 403); a page shows the same messages through
the functions here, on its form, as a message or inline, as the page is laid out. ``PermissionDenied`` is left to
the site's 403 page. A signed-in page reads its ``?as_of=`` with ``day_or_today`` / ``moment_or_now``: a value it
cannot read is a message and today (the public portal answers 400 instead).
"""

from __future__ import annotations

from datetime import date, datetime

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from g287 import inputs

NON_FIELD = "detail"  # where a refusal that names no field is put in the API's answer


def by_field(err: ValidationError | inputs.InputError, non_field: str = NON_FIELD) -> dict[str, list[str]]:
    """The messages of a refusal under the field each names (``non_field`` when it names none)."""
    if isinstance(err, inputs.InputError):
        return {err.field: [err.message]}
    if hasattr(err, "error_dict"):
        return err.message_dict
    return {non_field: err.messages}


def messages_of(err: ValidationError | inputs.InputError) -> list[str]:
    """Every message of a refusal, in order, with its parameters filled in."""
    return [err.message] if isinstance(err, inputs.InputError) else err.messages


def text_of(err: ValidationError | inputs.InputError) -> str:
    """A refusal in one sentence or a few, for a message or a line on a page."""
    return " ".join(messages_of(err))


def show(request, err: ValidationError | inputs.InputError) -> None:
    """Each message of a refusal as an error message on the next page shown."""
    for message in messages_of(err):
        flash.error(request, message)


def add_to_form(form, err: ValidationError | inputs.InputError) -> None:
    """A refusal placed on the form field it names, else above the form."""
    for field, errors in by_field(err, non_field="").items():
        form.add_error(field if field in form.fields else None, errors)


def day_or_today(request, field: str = "as_of") -> date:
    """``?as_of=`` (or ``field``) of a page, read by ``inputs.day_param``; today, with a message, when unreadable."""
    try:
        return inputs.day_param(request.GET, field)
    except inputs.InputError as exc:
        flash.error(request, _("%(why)s; showing today.") % {"why": exc.message})
    return timezone.localdate()


def moment_or_now(request, field: str = "as_of") -> datetime:
    """``?as_of=`` of a page as a moment (a day alone is its midnight), read by ``inputs.moment_param``; now, with
    a message, when unreadable."""
    try:
        return inputs.moment_param(request.GET, field)
    except inputs.InputError as exc:
        flash.error(request, _("%(why)s; showing now.") % {"why": exc.message})
    return timezone.now()
