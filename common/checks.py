"""Uploaded files (evidence, exports) are private: they are served only by views that check scope.
Nothing serves MEDIA_URL; this check keeps a setting from putting MEDIA_ROOT where the static file
server (WhiteNoise) would publish it."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


def _inside(path, folder):
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


@register()
def media_is_private(app_configs, **kwargs):
    media = settings.MEDIA_ROOT
    if not media:
        return []
    static_dirs = [entry[1] if isinstance(entry, (list, tuple)) else entry for entry in settings.STATICFILES_DIRS]
    published = [settings.STATIC_ROOT, getattr(settings, "WHITENOISE_ROOT", None), *static_dirs]
    return [
        Error(f"MEDIA_ROOT ({media}) está dentro de {folder}, que se publica como archivos "
              "estáticos: las evidencias quedarían expuestas sin revisión de alcance.", id="simir.E001")
        for folder in published if folder and _inside(media, folder)
    ]
