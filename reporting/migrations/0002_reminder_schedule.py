from django.db import migrations

from common.beat import periodic_task


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [
        # 08:00 every day, before the working day starts.
        periodic_task("Recordatorios de cierre de ventana (diario)", "reporting.tasks.send_window_reminders", crontab={"minute": "0", "hour": "8"}),
    ]
