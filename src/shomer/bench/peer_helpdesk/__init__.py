"""A minimal Django project around django-helpdesk, run in the peer's own venv."""
