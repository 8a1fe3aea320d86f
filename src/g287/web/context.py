from django.conf import settings


def site(request):
    return {"site_name": "g287", "languages": settings.LANGUAGES}
