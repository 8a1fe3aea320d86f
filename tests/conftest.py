import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "g287.settings")
