from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Programas presupuestarios"

    def ready(self):
        from django.db.models.signals import post_migrate

        from programs.roles import ensure_role_groups

        # Permissions exist only after migrate, and each app's after its own post_migrate: the groups
        # are set again after every app's, so the last one sees them all (it is idempotent).
        post_migrate.connect(ensure_role_groups, dispatch_uid="simir_role_groups")
