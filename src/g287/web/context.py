from django.conf import settings

from g287.accounts.choices import Role


def site(request):
    # Role: templates compare with Role.PROGRAM_OFFICE etc., never with the stored strings.
    return {"site_name": "g287", "languages": settings.LANGUAGES, "Role": Role}
