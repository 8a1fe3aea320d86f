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


class RequestSizeLimit:
    """Refuse a request whose declared body is larger than ``G287_MAX_REQUEST_BYTES`` (the largest upload, 20 MB,
    and room for the form around it) before anything reads the body: the CSRF check would otherwise read a
    120 MB upload in full before the view could say it is too large."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.G287_MAX_REQUEST_BYTES
        if length > limit:
            from django.http import HttpResponse, JsonResponse

            message = (f"The request is {length / 2**20:.1f} MB; at most {limit // 2**20} MB is accepted "
                       "(a CSV batch of at most 20 MB). Split the file and send each part.")
            if _is_api(request) or "/api/" in request.path_info:
                return JsonResponse({"detail": message}, status=413)
            return HttpResponse(f"<!doctype html><html lang=\"en\"><title>Too large · g287</title><main><h1>Too "
                                f"large</h1><p>{message}</p></main></html>", status=413)
        return self.get_response(request)
