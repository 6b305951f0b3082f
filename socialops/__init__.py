"""SocialOps project package: settings, URLs, the Celery app, the page shell, home and roles."""

from socialops.celery import app as celery_app

__all__ = ["celery_app"]
