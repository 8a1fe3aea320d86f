"""What every API endpoint shares: bounded paging and the answer to input that cannot be read.

``limit`` and ``offset`` are read by ``g287.inputs.whole`` (a limit of 2**63 used to overflow the database's
integer and answer 500); an ``InputError`` raised anywhere in a view is a 400 naming the field.
"""

from __future__ import annotations

from rest_framework import pagination, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from g287 import inputs

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
    if isinstance(exc, inputs.InputError):
        return Response({exc.field: [exc.message]}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
