"""WSGI entry point, for servers that speak WSGI."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

from azora.shared.worker import prepare_worker  # noqa: E402 - needs the settings loaded above

prepare_worker()
