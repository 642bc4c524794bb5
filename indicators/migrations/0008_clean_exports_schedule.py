from django.db import migrations

TASK_NAME = "Limpieza de exportaciones vencidas (diario)"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="America/Mexico_City"
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME, defaults={"task": "indicators.tasks.clean_expired_exports", "crontab": crontab}
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0007_export_jobs")]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
