from config.settings.base import *  # noqa: F401,F403
from config.settings.base import INSTALLED_APPS, env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)

# Serve static files straight from the apps and static/ (no collectstatic in development).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Development-only tooling (synthetic year, benchmarks, load test); production never installs it.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]
