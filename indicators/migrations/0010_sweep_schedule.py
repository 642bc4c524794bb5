from django.db import migrations

TASK_NAME = "Recálculos pendientes por caída del broker (cada 5 minutos)"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME, defaults={"task": "indicators.tasks.sweep_pending_recomputes", "interval": interval}
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0009_pending_recompute")]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
