from django.db import migrations

from common.beat import periodic_task


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [
        # 00:05 every night: right after a quarter's default close (end of its close day).
        periodic_task("Recalcular trimestres abiertos (nocturno)", "compliance.tasks.recompute_open_quarters", crontab={"minute": "5", "hour": "0"}),
        # Recomputes that could not be queued while the broker was down.
        periodic_task("Recálculos pendientes por caída del broker (cada 5 minutos)", "compliance.tasks.sweep_pending_recomputes", interval={"every": 5, "period": "minutes"}),
    ]
