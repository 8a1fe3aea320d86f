"""Django's locale middleware, except for the API."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Pages speak the reader's language (English or Spanish); the API answers machine clients in the site's
    language without negotiating, which every recorded action would otherwise pay for. The language is still
    activated, so a thread never carries the previous request's."""

    def process_request(self, request):
        if _is_api(request):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return None
        return super().process_request(request)

    def process_response(self, request, response):
        if _is_api(request):
            return response
        return super().process_response(request, response)
