"""Shomer (שומר): a Hebrew-first help desk and customer-relationship guard."""

from shomer.celery import app as celery_app

__all__ = ["celery_app"]
