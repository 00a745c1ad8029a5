"""Production: PostgreSQL, Redis, SMTP and object storage from the environment; refuses to start without them."""

from config import env
from config.settings.base import *  # noqa: F403 -- a settings module extends its base by design
from config.settings.base import database_from_url, redis_cache

AZORA_MODE = "production"
DEBUG = False
SECRET_KEY = env.required("AZORA_SECRET_KEY")
DATABASES = {"default": database_from_url(env.required("DATABASE_URL"))}
REDIS_URL = env.required("REDIS_URL")
CACHES = {"default": redis_cache(REDIS_URL)}
HEADLESS_JWT_PRIVATE_KEY = env.required("AZORA_JWT_PRIVATE_KEY")
AZORA_CERTIFICATE_SIGNING_KEY = env.required_pem("AZORA_CERTIFICATE_SIGNING_KEY")
ACCOUNT_EMAIL_VERIFICATION = env.choice("AZORA_EMAIL_VERIFICATION", ("mandatory", "optional", "none"), "mandatory")

SECURE_SSL_REDIRECT = env.flag("AZORA_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^livez$", r"^readyz$", r"^metrics$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.integer("AZORA_HSTS_SECONDS", 63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# __Host- cookies are refused by browsers unless Secure, host-only and Path=/: no subdomain can plant them.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
# Production runs behind one proxy (deploy/nginx), which appends the client's address to X-Forwarded-For.
AZORA_TRUSTED_PROXY_COUNT = env.integer("AZORA_TRUSTED_PROXY_COUNT", 1)
