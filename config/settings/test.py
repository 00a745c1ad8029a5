"""Test settings: the embedded stack by default, PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set."""

from config import keys
from config.settings.base import *  # noqa: F403 -- a settings module extends its base by design
from config.settings.base import BASE_DIR, REDIS_URL

AZORA_MODE = "test"
_KEY_DIR = BASE_DIR / "var" / "test-keys"
SECRET_KEY = keys.local_secret_key(_KEY_DIR)
HEADLESS_JWT_PRIVATE_KEY = keys.local_jwt_private_key(_KEY_DIR)
AZORA_CERTIFICATE_SIGNING_KEY = keys.local_certificate_signing_key(_KEY_DIR)
AZORA_USES_REDIS = bool(REDIS_URL)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# A cheaper argon2 keeps the suite fast; production keeps the library's recommended cost.
PASSWORD_HASHERS = ["azora.shared.testing.hashers.FastArgon2PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
# Nothing is collected before a test run: WhiteNoise looks files up per request instead of warning (an error
# under filterwarnings) that STATIC_ROOT does not exist on a fresh checkout.
WHITENOISE_AUTOREFRESH = True
# Every request seals the audit chain after its response, so that tests see it sealed (one test throttles it).
AZORA_CONSTITUTION_SEAL_INTERVAL_MS = 0
# Tests change provider rows with QuerySet.update (no signal) and roll them back: each chat reads them (one test
# covers the cache).
AZORA_AI_PROVIDER_CACHE_SECONDS = 0
AZORA_LOG_FORMAT = "console"
AZORA_LOG_LEVEL = "WARNING"

if REDIS_URL:
    # Each pytest-xdist worker gets its own Redis database, so clearing the cache between tests
    # never touches another worker's keys.
    import os
    from urllib.parse import urlsplit, urlunsplit

    _worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    _parts = urlsplit(REDIS_URL)
    _base = int(_parts.path.strip("/") or 0)
    _database = _base + 1 + int(_worker.removeprefix("gw") or 0)
    REDIS_URL = urlunsplit((_parts.scheme, _parts.netloc, f"/{_database}", _parts.query, ""))
    CACHES = {"default": {"BACKEND": "azora.shared.cache.RedisCache", "LOCATION": REDIS_URL}}

# Live-server and threaded tests open a connection per thread; closing each at the end of its
# request keeps the suite far below PostgreSQL's connection limit.
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["CONN_HEALTH_CHECKS"] = False

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not the in-memory default: an in-memory database is one connection that the live server
    # shares between all its request threads and the test, so one thread's transaction (or its failed
    # state) leaks into another's. A file gives every thread its own connection, as the embedded mode has.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}
