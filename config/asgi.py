"""ASGI entry point for `azora serve` (granian) and any ASGI server."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_asgi_application()

from azora.shared.worker import prepare_worker  # noqa: E402 - needs the settings loaded above

prepare_worker()
