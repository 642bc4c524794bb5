import os

from config.settings.base import *  # noqa: F401,F403
from config.settings.base import INSTALLED_APPS

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    # In memory, unless a real worker process must read the same files (integration tests).
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage" if os.environ.get("SIMIR_MEDIA_ROOT")
                else "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files straight from the apps and static/ (no collectstatic in development).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The test client's login() passes no request, which axes needs; its own test turns it on.
AXES_ENABLED = False

# Development-only tooling (synthetic year, benchmarks, load test); production never installs it.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]
