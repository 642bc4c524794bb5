from django.db import migrations

from common.beat import periodic_task


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [
        # 03:30 every day, when nobody downloads.
        periodic_task("Limpieza de exportaciones vencidas (diario)", "jobs.tasks.clean_expired_exports", crontab={"minute": "30", "hour": "3"}),
    ]
