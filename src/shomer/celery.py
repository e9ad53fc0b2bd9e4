"""The Celery application. Tasks live in each app's tasks.py."""

import os

from celery import Celery
from celery.signals import worker_process_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shomer.settings")

app = Celery("shomer")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
@worker_process_init.connect
def _warm(**_kwargs: object) -> None:
    """A worker process keeps the language model for its life: load it and freeze the
    start-up objects out of the collector's way (shomer.core.warm)."""
    from shomer.core.warm import warm_process

    warm_process()
