from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicadores"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .roles import ensure_role_groups

        # Permissions exist only after migrate; the groups get theirs right then.
        post_migrate.connect(ensure_role_groups, sender=self)
