"""Periodic tasks of django-celery-beat, created by each app's data migration for the tasks it owns."""

from django.db import migrations

MEXICO_CITY = "America/Mexico_City"


def periodic_task(name, task, *, crontab=None, interval=None):
    """A RunPython operation that creates (or updates) the periodic task `name` and removes it on
    reverse. `crontab` holds CrontabSchedule fields (Mexico City time); `interval`, IntervalSchedule's."""

    def create(apps, schema_editor):
        schedule = {}
        if crontab:
            defaults = {"day_of_week": "*", "day_of_month": "*", "month_of_year": "*", "timezone": MEXICO_CITY}
            model = apps.get_model("django_celery_beat", "CrontabSchedule")
            schedule["crontab"], _ = model.objects.get_or_create(**{**defaults, **crontab})
        else:
            model = apps.get_model("django_celery_beat", "IntervalSchedule")
            schedule["interval"], _ = model.objects.get_or_create(**interval)
        apps.get_model("django_celery_beat", "PeriodicTask").objects.update_or_create(
            name=name, defaults={"task": task, **schedule}
        )

    def remove(apps, schema_editor):
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()

    return migrations.RunPython(create, remove)
