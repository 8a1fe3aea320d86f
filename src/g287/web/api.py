"""What every API endpoint shares: bounded paging and the one answer to a refusal.

``limit`` and ``offset`` are read by ``g287.inputs.whole`` (a limit of 2**63 used to overflow the database's
integer and answer 500). A view calls the service and lets its refusal through: ``exception_handler`` answers an
``InputError`` or a Django ``ValidationError`` raised anywhere in a view with 400 and the messages by field
(``detail`` when the refusal names none), and a Django ``PermissionDenied`` with 403 and its message (DRF's own
handler does that part).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework import pagination, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from g287 import inputs
from g287 import errors

MAX_LIMIT = 1000


class Pagination(pagination.LimitOffsetPagination):
    """DRF's limit/offset paging, with the numbers range-checked: at most ``MAX_LIMIT`` rows a page."""

    max_limit = MAX_LIMIT

    def get_limit(self, request):
        raw = request.query_params.get(self.limit_query_param)
        if raw is None or raw == "":
            return self.default_limit
        limit = inputs.whole(raw, self.limit_query_param, minimum=1, maximum=inputs.LARGEST_NUMBER)
        return min(limit, self.max_limit)

    def get_offset(self, request):
        raw = request.query_params.get(self.offset_query_param)
        if raw is None or raw == "":
            return 0
        return inputs.whole(raw, self.offset_query_param)


def exception_handler(exc, context):
    """REST_FRAMEWORK's EXCEPTION_HANDLER: the project's refusals as DRF answers, the rest as DRF answers them."""
    if isinstance(exc, (inputs.InputError, ValidationError)):
        set_rollback()
        return Response(errors.by_field(exc), status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


_ERROR = {"type": "object", "additionalProperties": True,
          "description": "What was wrong: `detail`, or each field's name with a list of messages"}
_ERRORS = {"400": "The input cannot be read or breaks a rule; nothing was changed",
           "403": "Not signed in, or the role or agency may not do this",
           "404": "No such record among those the reader may see"}
_LOCAL_TIME = r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"


def _local_times(node) -> None:
    """A ``format: time`` (RFC 3339 full-time, which demands an offset) is the agency's local wall time here."""
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "time":
            del node["format"]
            node["pattern"] = _LOCAL_TIME
            node.setdefault("description", "Local wall time (HH:MM:SS), no offset")
        for value in node.values():
            _local_times(value)
    elif isinstance(node, list):
        for value in node:
            _local_times(value)


def schema_hook(result, generator, request, public):
    """drf-spectacular post-processing: every operation documents its 400, 403 and 404 answers, and local
    times are described as what they are."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = _ERROR
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, text in _ERRORS.items():
                operation["responses"].setdefault(code, {
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    "description": text})
    _local_times(result)
    return result
