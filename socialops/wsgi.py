"""WSGI entry point (gunicorn socialops.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialops.settings")

application = get_wsgi_application()
