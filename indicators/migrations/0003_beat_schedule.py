from django.db import migrations

TASK_NAME = "Recalcular trimestres abiertos (nocturno)"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # 00:05 every night in Mexico City: right after a quarter's default close (end of its close day).
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="5", hour="0", day_of_week="*", day_of_month="*", month_of_year="*", timezone="America/Mexico_City"
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME, defaults={"task": "indicators.tasks.recompute_open_quarters", "crontab": crontab}
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_compliance_results"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
