"""The embedded default: one process on a laptop, SQLite, in-process cache, local files, console email."""

from config import env, keys
from config.settings.base import *  # noqa: F403 -- a settings module extends its base by design
from config.settings.base import DATA_DIR

AZORA_MODE = "embedded"
SECRET_KEY = env.text("AZORA_SECRET_KEY") or keys.local_secret_key(DATA_DIR)
HEADLESS_JWT_PRIVATE_KEY = env.text("AZORA_JWT_PRIVATE_KEY") or keys.local_jwt_private_key(DATA_DIR)
AZORA_CERTIFICATE_SIGNING_KEY = env.pem("AZORA_CERTIFICATE_SIGNING_KEY") or keys.local_certificate_signing_key(DATA_DIR)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
AZORA_LOG_FORMAT = env.choice("AZORA_LOG_FORMAT", ("json", "console"), "console")
# Static files straight from the apps: nothing to collect before the first run.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
