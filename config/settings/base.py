"""Settings every mode shares; the mode modules (embedded, production, test) adjust them."""

from __future__ import annotations

from datetime import timedelta

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config import env

BASE_DIR = env.BASE_DIR
DATA_DIR = env.data_dir()

AZORA_MODE = "base"
DEBUG = env.flag("AZORA_DEBUG", default=False)
SECRET_KEY = env.text("AZORA_SECRET_KEY")
ALLOWED_HOSTS = env.csv("AZORA_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env.csv("AZORA_CSRF_TRUSTED_ORIGINS")
AZORA_SITE_URL = env.text("AZORA_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # its templates and vendored Swagger UI serve /api/v1/docs without a CDN
    "django_tasks_db",
    "pgtrigger",  # append-only ledger postings: triggers refuse UPDATE and DELETE on PostgreSQL
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "allauth.headless",
    "allauth.usersessions",
    # Azora, bottom layer first (ARCHITECTURE.md §3).
    "azora.shared",
    "azora.accounts",
    "azora.security",
    "azora.health",
    "azora.education",
    "azora.finance",
    "azora.ai_routing",
    "azora.payments",
    "azora.constitution",
    "azora.revenue",
    "azora.marketplace",
    "azora.agents",
    "azora.onboarding",
    "azora.gateway",
    "azora.portals.shell",
    "azora.portals.student",
    "azora.portals.pay",
    "azora.portals.marketplace",
    "azora.portals.master",
]

MIDDLEWARE = [
    "azora.shared.observability.middleware.RequestContextMiddleware",
    "azora.security.edge.EdgeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "azora.security.middleware.SecurityHeadersMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "azora.gateway.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "azora.security.middleware.RateLimitMiddleware",
    "azora.gateway.middleware.IdempotencyMiddleware",
    "azora.gateway.middleware.ApiProblemMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The shell's templates come first so that its overrides of allauth's templates win.
        "DIRS": [BASE_DIR / "azora/portals/shell/templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# --- Data -------------------------------------------------------------------------------------
DATABASE_URL = env.text("DATABASE_URL")
REDIS_URL = env.text("REDIS_URL")


def sqlite_database(path: str) -> dict[str, object]:
    """SQLite tuned for a single busy process: WAL, immediate write locks, a busy timeout."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
            ),
        },
    }


def database_from_url(url: str) -> dict[str, object]:
    """PostgreSQL through a bounded psycopg pool per process (or plain connections behind PgBouncer)."""
    config: dict[str, object] = dict(dj_database_url.parse(url))
    if config["ENGINE"] != "django.db.backends.postgresql":
        return config
    # A database that stops answering fails a request (and /readyz) in seconds instead of hanging it.
    options: dict[str, object] = {"application_name": "azora", "connect_timeout": 5}
    # Django's cursors bind on the client and are never prepared; the few hot statements that ask for it
    # (azora/shared/prepared.py) are prepared on their first use per connection. PgBouncer in transaction mode
    # keeps them working from 1.21 on (max_prepared_statements > 0); set AZORA_DB_PREPARED_STATEMENTS=0 before.
    options["prepare_threshold"] = 0 if env.flag("AZORA_DB_PREPARED_STATEMENTS", default=True) else None
    if env.flag("AZORA_DB_POOL", default=True):
        # Without a pool every server thread keeps its own connection, and 64 concurrent requests on
        # two processes exhaust PostgreSQL's max_connections (docs/performance.md). The pool caps a
        # process at max_size and makes requests wait for a connection instead; Django requires
        # CONN_MAX_AGE=0 with it, since the pool keeps connections open.
        options["pool"] = {
            "min_size": env.integer("AZORA_DB_POOL_MIN", 2),
            "max_size": env.integer("AZORA_DB_POOL_MAX", 8),
            "timeout": env.integer("AZORA_DB_POOL_TIMEOUT", 10),
        }
        config.update(CONN_MAX_AGE=0, CONN_HEALTH_CHECKS=False)
    else:
        # Behind PgBouncer (transaction pooling): short-lived server-side cursors off, connections reused.
        config.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True, DISABLE_SERVER_SIDE_CURSORS=True)
    config["OPTIONS"] = options
    return config


DATABASES = {
    "default": database_from_url(DATABASE_URL) if DATABASE_URL else sqlite_database(str(DATA_DIR / "azora.sqlite3"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def redis_cache(url: str) -> dict[str, object]:
    return {
        "BACKEND": "azora.shared.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "azora",
        # A Redis that stops answering costs a request at most a second, never a hang.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


CACHES = {
    "default": redis_cache(REDIS_URL)
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "azora"}
}

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "media"), "base_url": "/media/"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if env.text("AZORA_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.text("AZORA_S3_BUCKET"),
            "endpoint_url": env.text("AZORA_S3_ENDPOINT_URL") or None,
            "region_name": env.text("AZORA_S3_REGION") or None,
            "access_key": env.text("AZORA_S3_ACCESS_KEY_ID") or None,
            "secret_key": env.text("AZORA_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"

# --- Email ------------------------------------------------------------------------------------
MAILERS: dict[str, dict[str, object]] = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
if env.text("AZORA_SMTP_HOST"):
    MAILERS["default"] = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env.text("AZORA_SMTP_HOST"),
            "port": env.integer("AZORA_SMTP_PORT", 587),
            "username": env.text("AZORA_SMTP_USER"),
            "password": env.text("AZORA_SMTP_PASSWORD"),
            "use_tls": env.flag("AZORA_SMTP_STARTTLS", default=True),
            "timeout": 10,
        },
    }
DEFAULT_FROM_EMAIL = env.text("AZORA_DEFAULT_FROM_EMAIL", "Azora <no-reply@azora.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Identity ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_SIGNUP_REDIRECT_URL = "student:onboarding"  # a new person starts with the onboarding wizard

ACCOUNT_ADAPTER = "azora.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "azora.accounts.adapters.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.choice("AZORA_EMAIL_VERIFICATION", ("mandatory", "optional", "none"), "optional")
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = None
# Azora Aegis (azora.security) owns every rate limit, with shared counters; allauth's own are off
# so that there is one way to limit and one place to tune it.
ACCOUNT_RATE_LIMITS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Azora] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_PASSKEY_SIGNUP_ENABLED = False
MFA_TOTP_ISSUER = "Azora"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False

USERSESSIONS_TRACK_ACTIVITY = True

HEADLESS_ONLY = False
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_TOKEN_STRATEGY = "allauth.headless.tokens.strategies.jwt.JWTTokenStrategy"  # noqa: S105 -- a class path
HEADLESS_JWT_ALGORITHM = "RS256"
HEADLESS_JWT_PRIVATE_KEY = ""  # set per mode: generated when embedded, from the environment in production
HEADLESS_JWT_ACCESS_TOKEN_EXPIRES_IN = env.integer("AZORA_JWT_ACCESS_TOKEN_SECONDS", 300)
HEADLESS_JWT_REFRESH_TOKEN_EXPIRES_IN = env.integer("AZORA_JWT_REFRESH_TOKEN_SECONDS", 86400)
HEADLESS_JWT_ROTATE_REFRESH_TOKEN = True
HEADLESS_SERVE_SPECIFICATION = True
HEADLESS_FRONTEND_URLS = {
    "account_confirm_email": "/accounts/confirm-email/{key}/",
    "account_reset_password_from_key": "/accounts/password/reset/key/{key}/",
    "account_signup": "/accounts/signup/",
}

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("af", _("Afrikaans")),
    ("sw", _("Kiswahili")),
    ("fr", _("French")),
    ("pt", _("Portuguese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security ---------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
AZORA_PERMISSIONS_POLICY = env.text(
    "AZORA_PERMISSIONS_POLICY",
    "camera=(), microphone=(), geolocation=(), payment=(self), publickey-credentials-get=(self)",
)
# How many reverse proxies in front of Azora append to X-Forwarded-For; 0 = never read it (docs/security.md).
AZORA_TRUSTED_PROXY_COUNT = env.integer("AZORA_TRUSTED_PROXY_COUNT", 0)
AZORA_RATE_LIMITS_ENABLED = env.flag("AZORA_RATE_LIMITS_ENABLED", default=True)
# Overrides of the rate-limit table in azora/security/rules.py, by name: a rate such as "20/1m" or None
# (off). From the environment: AZORA_RATE_LIMITS="login-ip=20/1m,api-credential=off".
AZORA_RATE_LIMITS: dict[str, str | None] = {
    name.strip(): None if rate.strip() == "off" else rate.strip()
    for name, _, rate in (item.partition("=") for item in env.csv("AZORA_RATE_LIMITS"))
}

# --- API edge ---------------------------------------------------------------------------------
AZORA_MAX_REQUEST_BYTES = env.integer("AZORA_MAX_REQUEST_BYTES", 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = AZORA_MAX_REQUEST_BYTES
AZORA_IDEMPOTENCY_TTL = timedelta(hours=24)
# How long a repeat waits for the first request with its Idempotency-Key before answering 409.
AZORA_IDEMPOTENCY_WAIT_SECONDS = 5.0
NINJA_PAGINATION_MAX_LIMIT = 100

# --- Observability ----------------------------------------------------------------------------
AZORA_LOG_FORMAT = env.choice("AZORA_LOG_FORMAT", ("json", "console"), "json")
AZORA_LOG_LEVEL = env.text("AZORA_LOG_LEVEL", "INFO")
OTEL_EXPORTER_OTLP_ENDPOINT = env.text("OTEL_EXPORTER_OTLP_ENDPOINT")
OTEL_SERVICE_NAME = env.text("OTEL_SERVICE_NAME", "azora")
LOGGING_CONFIG = None  # azora.shared.observability.logging configures structlog + stdlib once, at start-up
# /metrics answers loopback and private-network callers, and anyone presenting this bearer token.
AZORA_METRICS_TOKEN = env.text("AZORA_METRICS_TOKEN")
# Set for multi-process servers (granian --workers N): each process writes its samples there and /metrics
# sums them. prometheus_client reads the same variable itself; it must be an empty directory at server start.
PROMETHEUS_MULTIPROC_DIR = env.text("PROMETHEUS_MULTIPROC_DIR")

# --- Education: certificates (EDU-CERTS) ------------------------------------------------------
# The platform's public address, for links that leave it: certificate verify URLs and their QR codes
# (signed into certificates). Defaults to AZORA_SITE_URL, so one setting serves both where they agree.
AZORA_PUBLIC_URL = env.text("AZORA_PUBLIC_URL", AZORA_SITE_URL).rstrip("/")
AZORA_CERTIFICATE_ISSUER_NAME = env.text("AZORA_CERTIFICATE_ISSUER_NAME", "Azora")
AZORA_CERTIFICATE_VALIDITY_DAYS = env.integer("AZORA_CERTIFICATE_VALIDITY_DAYS", 365)
if AZORA_CERTIFICATE_VALIDITY_DAYS < 1:
    raise ImproperlyConfigured("AZORA_CERTIFICATE_VALIDITY_DAYS must be at least 1.")
# The issuer's Ed25519 private key (PEM): generated into DATA_DIR when embedded, required in production.
AZORA_CERTIFICATE_SIGNING_KEY = env.pem("AZORA_CERTIFICATE_SIGNING_KEY")
# Public keys (PEM blocks, concatenated) of earlier signing keys: still published in the JWKS and trusted,
# so that certificates signed before a key rotation keep verifying.
AZORA_CERTIFICATE_RETIRED_PUBLIC_KEYS = env.pem("AZORA_CERTIFICATE_RETIRED_PUBLIC_KEYS")
# --- end Education: certificates --------------------------------------------------------------

# --- Payments (PAYMENTS) ----------------------------------------------------------------------
# Secrets come from the environment only and are never logged. docs/payments.md lists every option.
AZORA_PAYMENTS_DEFAULT_PROVIDER = env.choice("AZORA_PAYMENTS_PROVIDER", ("sandbox", "stripe", "paystack"), "sandbox")
AZORA_PAYMENTS_ENABLED_PROVIDERS = env.csv("AZORA_PAYMENTS_ENABLED_PROVIDERS", AZORA_PAYMENTS_DEFAULT_PROVIDER)
if AZORA_PAYMENTS_DEFAULT_PROVIDER not in AZORA_PAYMENTS_ENABLED_PROVIDERS:
    raise ImproperlyConfigured("AZORA_PAYMENTS_ENABLED_PROVIDERS must include AZORA_PAYMENTS_PROVIDER.")
if set(AZORA_PAYMENTS_ENABLED_PROVIDERS) - {"sandbox", "stripe", "paystack"}:
    raise ImproperlyConfigured("AZORA_PAYMENTS_ENABLED_PROVIDERS may name only sandbox, stripe and paystack.")
# Per provider: (basis points, fixed minor units), e.g. AZORA_PAYMENTS_FEE_STRIPE="290,30" = 2.90% + 0.30.
AZORA_PAYMENTS_FEES: dict[str, tuple[int, int]] = {
    name: (int(bps), int(fixed))
    for name, default in (("sandbox", "290,30"), ("stripe", "290,30"), ("paystack", "150,100"))
    for bps, fixed in [env.csv(f"AZORA_PAYMENTS_FEE_{name.upper()}", default)]
}
AZORA_PAYMENTS_REFUND_WINDOW_DAYS = env.integer("AZORA_PAYMENTS_REFUND_WINDOW_DAYS", 90)
AZORA_PAYMENTS_WEBHOOK_TOLERANCE_SECONDS = env.integer("AZORA_PAYMENTS_WEBHOOK_TOLERANCE_SECONDS", 300)
AZORA_PAYMENTS_PROVIDER_TIMEOUT_SECONDS = float(env.integer("AZORA_PAYMENTS_PROVIDER_TIMEOUT_SECONDS", 20))
# Where a provider's challenge (3-D Secure) page sends the customer back: the Pay UI's result page.
AZORA_PAYMENTS_RETURN_URL = env.text(
    "AZORA_PAYMENTS_RETURN_URL", AZORA_SITE_URL.rstrip("/") + "/pay/checkout/{intent_id}/result/"
)
# Empty = derived from SECRET_KEY (the sandbox is in-process, so only Azora itself signs and verifies).
AZORA_PAYMENTS_SANDBOX_WEBHOOK_SECRET = env.text("AZORA_PAYMENTS_SANDBOX_WEBHOOK_SECRET")
AZORA_STRIPE_SECRET_KEY = env.text("AZORA_STRIPE_SECRET_KEY")
AZORA_STRIPE_WEBHOOK_SECRET = env.text("AZORA_STRIPE_WEBHOOK_SECRET")
AZORA_STRIPE_API_BASE = env.text("AZORA_STRIPE_API_BASE", "https://api.stripe.com").rstrip("/")
AZORA_PAYSTACK_SECRET_KEY = env.text("AZORA_PAYSTACK_SECRET_KEY")
AZORA_PAYSTACK_API_BASE = env.text("AZORA_PAYSTACK_API_BASE", "https://api.paystack.co").rstrip("/")
if "stripe" in AZORA_PAYMENTS_ENABLED_PROVIDERS and not (AZORA_STRIPE_SECRET_KEY and AZORA_STRIPE_WEBHOOK_SECRET):
    raise ImproperlyConfigured("Stripe needs AZORA_STRIPE_SECRET_KEY and AZORA_STRIPE_WEBHOOK_SECRET.")
if "paystack" in AZORA_PAYMENTS_ENABLED_PROVIDERS and not AZORA_PAYSTACK_SECRET_KEY:
    raise ImproperlyConfigured("Paystack needs AZORA_PAYSTACK_SECRET_KEY.")
# --- end Payments -----------------------------------------------------------------------------

# --- Finance: the ledger (F-LEDGER) -----------------------------------------------------------
# docs/finance.md lists every option. Rates are in basis points (1 bp = 0.01%).
AZORA_AZR_SUPPLY = env.integer("AZORA_AZR_SUPPLY", 1_000_000_000)  # whole AZR, issued once into "treasury"
AZORA_AZR_REDEMPTION_BURN_BPS = env.integer("AZORA_AZR_REDEMPTION_BURN_BPS", 200)  # 2% of AZR redeemed
AZORA_AZR_WITHDRAWAL_BURN_BPS = env.integer("AZORA_AZR_WITHDRAWAL_BURN_BPS", 300)  # 3% of earnings withdrawn
AZORA_AZR_PEER_FEE_BPS = env.integer("AZORA_AZR_PEER_FEE_BPS", 10)  # 0.10% of a peer transfer
AZORA_AZR_PEER_FEE_MIN_MINOR = env.integer("AZORA_AZR_PEER_FEE_MIN_MINOR", 1)  # at least 0.01 AZR
# Whole AZR one sender may send to peers per UTC day (fees not counted).
AZORA_AZR_PEER_DAILY_LIMIT = env.integer("AZORA_AZR_PEER_DAILY_LIMIT", 10_000)
# Fiat currencies in which instructors and sellers have earnings accounts (the first is the default).
AZORA_EARNINGS_CURRENCIES = env.csv("AZORA_EARNINGS_CURRENCIES", "ZAR,USD")
if AZORA_AZR_SUPPLY <= 0 or AZORA_AZR_PEER_DAILY_LIMIT <= 0 or AZORA_AZR_PEER_FEE_MIN_MINOR < 0:
    raise ImproperlyConfigured("AZORA_AZR_SUPPLY and AZORA_AZR_PEER_DAILY_LIMIT must be > 0, the minimum fee >= 0.")
_finance_rates = (AZORA_AZR_REDEMPTION_BURN_BPS, AZORA_AZR_WITHDRAWAL_BURN_BPS, AZORA_AZR_PEER_FEE_BPS)
if not all(0 <= bps <= 10_000 for bps in _finance_rates):
    raise ImproperlyConfigured("Finance rates in basis points must be between 0 and 10000.")
# --- end Finance ------------------------------------------------------------------------------

# --- Education Revenue Engine (azora/revenue; docs/revenue.md lists every option) -------------------------------
# Plans, their prices and coupons are data (admin); these are the rules around them.
AZORA_REVENUE_BASE_CURRENCY = env.text("AZORA_REVENUE_BASE_CURRENCY", "ZAR")
# Exchange rates for country prices without an explicit price: "A:B=r" means 1 A = r B.
AZORA_REVENUE_FX = env.text(
    "AZORA_REVENUE_FX",
    "USD:ZAR=18.50,USD:EUR=0.92,USD:GBP=0.79,USD:KES=129.00,USD:NGN=1550.00,USD:GHS=15.50,USD:JPY=150.00",
)
AZORA_REVENUE_STUDENT_DOMAINS = env.csv("AZORA_REVENUE_STUDENT_DOMAINS", "ac.za,.edu")  # verified email domains
AZORA_REVENUE_STUDENT_DISCOUNT_BP = env.integer("AZORA_REVENUE_STUDENT_DISCOUNT_BP", 5000)  # 50%
AZORA_REVENUE_STUDENT_DISCOUNT_PLANS = env.csv("AZORA_REVENUE_STUDENT_DISCOUNT_PLANS", "pro")
AZORA_REVENUE_HOLD_DAYS = env.integer("AZORA_REVENUE_HOLD_DAYS", 14)  # instructor shares held against refunds
AZORA_REVENUE_PAYOUT_MINIMUM = env.text("AZORA_REVENUE_PAYOUT_MINIMUM", "ZAR:100.00")  # per currency
AZORA_PAYOUTS_PROVIDER = env.choice("AZORA_PAYOUTS_PROVIDER", ("sandbox",), "sandbox")
AZORA_REVENUE_DUNNING_RETRY_DAYS = env.text("AZORA_REVENUE_DUNNING_RETRY_DAYS", "1,3,7")  # after a failed renewal
AZORA_REVENUE_REWARDS_POOL = env.integer("AZORA_REVENUE_REWARDS_POOL", 10_000_000)  # whole AZR from the treasury
AZORA_REVENUE_DAILY_REWARD_CAP = env.text("AZORA_REVENUE_DAILY_REWARD_CAP", "200")  # AZR a learner may earn a day
AZORA_REVENUE_AZR_REDEMPTION_RATE = env.text("AZORA_REVENUE_AZR_REDEMPTION_RATE", "ZAR:10")  # AZR per 1 unit
AZORA_REVENUE_REWARD_PASS_SCORE = env.text("AZORA_REVENUE_REWARD_PASS_SCORE", "70")
AZORA_REVENUE_REWARD_TIME_BONUS_MAX_HOURS = env.text("AZORA_REVENUE_REWARD_TIME_BONUS_MAX_HOURS", "0.5")
AZORA_REVENUE_OFFER_DAYS = env.integer("AZORA_REVENUE_OFFER_DAYS", 7)
AZORA_REVENUE_OFFER_PROGRESS_PERCENT = env.integer("AZORA_REVENUE_OFFER_PROGRESS_PERCENT", 40)
# The reward table (AZORA_REVENUE_REWARD_ITEMS, AZORA_REVENUE_REWARD_DIFFICULTY) and the offers' terms
# (AZORA_REVENUE_OFFER_TERMS) are dictionaries a settings module may override; their defaults are the issue's.
if AZORA_REVENUE_HOLD_DAYS < 0 or AZORA_REVENUE_REWARDS_POOL < 0 or AZORA_REVENUE_OFFER_DAYS < 1:
    raise ImproperlyConfigured("Revenue: the hold and the pool must be >= 0 and offers last at least a day.")
if not 0 <= AZORA_REVENUE_STUDENT_DISCOUNT_BP <= 10_000:
    raise ImproperlyConfigured("AZORA_REVENUE_STUDENT_DISCOUNT_BP must be between 0 and 10000.")
# --- end Education Revenue Engine -------------------------------------------------------------------------------

# --- Azora Marketplace (azora/marketplace; docs/marketplace.md lists every option) -------------------------------
AZORA_MARKETPLACE_FEE_BP = env.integer("AZORA_MARKETPLACE_FEE_BP", 250)  # 2.5% of a released milestone
AZORA_MARKETPLACE_AUTO_RELEASE_DAYS = env.integer("AZORA_MARKETPLACE_AUTO_RELEASE_DAYS", 14)  # after submission
AZORA_MARKETPLACE_REVIEW_BLIND_DAYS = env.integer("AZORA_MARKETPLACE_REVIEW_BLIND_DAYS", 14)  # reviews hidden
AZORA_MARKETPLACE_ESCROW_MAX_DAYS = env.integer("AZORA_MARKETPLACE_ESCROW_MAX_DAYS", 365)  # a hold's expiry
# Match score weights (skills, experience, location, pay; they must sum to 100) and what an unverified skill counts.
AZORA_MARKETPLACE_MATCH_WEIGHTS = env.text("AZORA_MARKETPLACE_MATCH_WEIGHTS", "40,30,15,15")
AZORA_MARKETPLACE_MATCH_THRESHOLD = env.integer("AZORA_MARKETPLACE_MATCH_THRESHOLD", 60)
AZORA_MARKETPLACE_UNVERIFIED_SKILL_PERCENT = env.integer("AZORA_MARKETPLACE_UNVERIFIED_SKILL_PERCENT", 50)
AZORA_MARKETPLACE_ENDORSEMENTS_PER_DAY = env.integer("AZORA_MARKETPLACE_ENDORSEMENTS_PER_DAY", 20)
if not 0 <= AZORA_MARKETPLACE_FEE_BP <= 10_000 or AZORA_MARKETPLACE_AUTO_RELEASE_DAYS < 1:
    raise ImproperlyConfigured("Marketplace: the fee is 0..10000 basis points and auto-release at least a day.")
if not 0 <= AZORA_MARKETPLACE_UNVERIFIED_SKILL_PERCENT <= 100 or not 0 <= AZORA_MARKETPLACE_MATCH_THRESHOLD <= 100:
    raise ImproperlyConfigured("Marketplace: the unverified-skill share and the match threshold are 0..100.")
# --- end Azora Marketplace ---------------------------------------------------------------------------------------

# --- Elara AI Orchestrator (azora.agents) and Elara Onboarding -----------------------------------------------
# docs/agents.md and docs/onboarding.md describe each option.
AZORA_AGENTS_MESSAGE_MAX_CHARS = env.integer("AZORA_AGENTS_MESSAGE_MAX_CHARS", 4000)  # a longer question is refused
AZORA_AGENTS_HISTORY_MESSAGES = env.integer("AZORA_AGENTS_HISTORY_MESSAGES", 10)  # earlier messages the model sees
AZORA_AGENTS_MEMORY_ITEMS = env.integer("AZORA_AGENTS_MEMORY_ITEMS", 20)  # memory items a learner may keep
AZORA_AGENTS_SERVED_LANGUAGES = env.csv("AZORA_AGENTS_SERVED_LANGUAGES", "en,fr,pt,af,sw")
AZORA_ONBOARDING_ABANDON_AFTER_DAYS = env.integer("AZORA_ONBOARDING_ABANDON_AFTER_DAYS", 14)  # idle session
AZORA_ONBOARDING_TERMS_VERSION = env.text("AZORA_ONBOARDING_TERMS_VERSION", "2026-11")
AZORA_PLACEMENT_MIN_ITEMS = env.integer("AZORA_PLACEMENT_MIN_ITEMS", 10)
AZORA_PLACEMENT_MAX_ITEMS = env.integer("AZORA_PLACEMENT_MAX_ITEMS", 20)
if AZORA_AGENTS_MESSAGE_MAX_CHARS < 1 or AZORA_AGENTS_HISTORY_MESSAGES < 0 or AZORA_AGENTS_MEMORY_ITEMS < 1:
    raise ImproperlyConfigured("Agents: the message limit and memory size must be >= 1, the history >= 0.")
if not 1 <= AZORA_PLACEMENT_MIN_ITEMS <= AZORA_PLACEMENT_MAX_ITEMS:
    raise ImproperlyConfigured("AZORA_PLACEMENT_MIN_ITEMS must be >= 1 and <= AZORA_PLACEMENT_MAX_ITEMS.")
# --- end Elara ---------------------------------------------------------------------------------------------------

# --- AI Routing ---------------------------------------------------------------------------
# docs/ai-routing.md lists every option. Providers are data (admin); their API keys are read from the environment
# variable each provider names, at call time, and never stored or logged.
AZORA_AI_CURRENCY = env.text("AZORA_AI_CURRENCY", "USD")  # costs and budgets in integer micro-units of it
AZORA_AI_STRATEGY = env.choice(
    "AZORA_AI_STRATEGY", ("fallback", "weighted", "lowest_latency", "lowest_cost", "difficulty"), "fallback"
)
AZORA_AI_DEFAULT_MAX_TOKENS = env.integer("AZORA_AI_DEFAULT_MAX_TOKENS", 1024)
# Difficulty tiers' latency budgets (an attempt slower than its tier's budget falls back to the next tier up).
AZORA_AI_TIER_LATENCY_MS = {
    "simple": env.integer("AZORA_AI_TIER_SIMPLE_MS", 500),
    "moderate": env.integer("AZORA_AI_TIER_MODERATE_MS", 1000),
    "complex": env.integer("AZORA_AI_TIER_COMPLEX_MS", 3000),
}
AZORA_AI_RETRIES = env.integer("AZORA_AI_RETRIES", 1)  # extra tries of a failed attempt, only where safe
AZORA_AI_RETRY_BACKOFF_MS = env.integer("AZORA_AI_RETRY_BACKOFF_MS", 200)
AZORA_AI_BREAKER_FAILURES = env.integer("AZORA_AI_BREAKER_FAILURES", 5)
AZORA_AI_BREAKER_OPEN_SECONDS = env.integer("AZORA_AI_BREAKER_OPEN_SECONDS", 60)
AZORA_AI_BREAKER_SUCCESSES = env.integer("AZORA_AI_BREAKER_SUCCESSES", 2)
# Per-minute limits of one user and of one API key (0 = no limit); providers carry their own.
AZORA_AI_USER_RPM = env.integer("AZORA_AI_USER_RPM", 30)
AZORA_AI_USER_TPM = env.integer("AZORA_AI_USER_TPM", 60_000)
AZORA_AI_KEY_RPM = env.integer("AZORA_AI_KEY_RPM", 60)
AZORA_AI_KEY_TPM = env.integer("AZORA_AI_KEY_TPM", 120_000)
AZORA_AI_CACHE_TTL_SECONDS = env.integer("AZORA_AI_CACHE_TTL_SECONDS", 3600)
AZORA_AI_CACHE_MAX_ENTRIES = env.integer("AZORA_AI_CACHE_MAX_ENTRIES", 10_000)  # new entries per TTL window
AZORA_AI_CACHE_MAX_CHARACTERS = env.integer("AZORA_AI_CACHE_MAX_CHARACTERS", 32_000)  # longer answers not cached
AZORA_AI_BUDGET_ALERT_PERCENTS = (75, 90)
# Governed chats need the constitution's guard; production always requires it (system check ai_routing.E001).
# How long a process keeps the active providers it read (every chat routes over them); 0 reads them on every chat.
AZORA_AI_PROVIDER_CACHE_SECONDS = env.integer("AZORA_AI_PROVIDER_CACHE_SECONDS", 5)
AZORA_AI_REQUIRE_GUARD = env.flag("AZORA_AI_REQUIRE_GUARD", default=False)
if AZORA_AI_RETRIES < 0 or AZORA_AI_BREAKER_FAILURES < 1 or AZORA_AI_BREAKER_SUCCESSES < 1:
    raise ImproperlyConfigured("AZORA_AI_RETRIES must be >= 0 and the breaker's thresholds >= 1.")
# --- end AI Routing ---------------------------------------------------------------------------

# --- Constitutional AI (azora/constitution; docs/constitution.md) -----------------------------------------------
# The profile of organisations that chose none (learners under 18 are always STRICT).
AZORA_CONSTITUTION_DEFAULT_PROFILE = env.choice(
    "AZORA_CONSTITUTION_DEFAULT_PROFILE", ("STRICT", "STANDARD", "LENIENT", "DEVELOPMENT"), "STANDARD"
)
# Decisions audit: how long records are kept, and which texts (redacted of personal data) a record may hold:
# "none" (hashes only), "flagged" (texts of decisions that were not a plain allow), "all".
AZORA_CONSTITUTION_RETENTION_DAYS = env.integer("AZORA_CONSTITUTION_RETENTION_DAYS", 90)
AZORA_CONSTITUTION_AUDIT_TEXTS = env.choice("AZORA_CONSTITUTION_AUDIT_TEXTS", ("none", "flagged", "all"), "flagged")
# After a request, the audit chain is sealed at most this often per process (milliseconds); decisions written in
# between are sealed by the next seal or, when traffic stops, by the minutely seal job (docs/decisions/0023).
AZORA_CONSTITUTION_SEAL_INTERVAL_MS = env.integer("AZORA_CONSTITUTION_SEAL_INTERVAL_MS", 1000)
# Critique-and-revise rounds for a failing answer when an external provider answered (0 = straight to refusal).
AZORA_CONSTITUTION_REVISE_ROUNDS = env.integer("AZORA_CONSTITUTION_REVISE_ROUNDS", 2)
if AZORA_CONSTITUTION_RETENTION_DAYS < 1 or not 0 <= AZORA_CONSTITUTION_REVISE_ROUNDS <= 2:
    raise ImproperlyConfigured(
        "AZORA_CONSTITUTION_RETENTION_DAYS must be >= 1 and AZORA_CONSTITUTION_REVISE_ROUNDS between 0 and 2."
    )
# Load the rails' models (the profanity model, ~3 s) when the process starts instead of on its first chat. `azora
# serve`, `azora run` (web) and `azora worker` (tasks) turn it on for the processes that take traffic; tests and
# other management commands leave it off. Set AZORA_WARM_UP=0 to turn it off there too.
AZORA_WARM_UP = env.flag("AZORA_WARM_UP", False)
# --- end Constitutional AI -------------------------------------------------------------------------------------

# --- Health Monitor (azora/health; docs/health.md) -------------------------------------------------------------
# A probe round every N seconds (the periodic job `health.run_probes`); a probe is down after N failures in a row
# and up again after N successes, so one blip is not an outage.
AZORA_HEALTH_PROBE_INTERVAL_SECONDS = env.integer("AZORA_HEALTH_PROBE_INTERVAL_SECONDS", 30)
AZORA_HEALTH_FAILURE_THRESHOLD = env.integer("AZORA_HEALTH_FAILURE_THRESHOLD", 3)
AZORA_HEALTH_SUCCESS_THRESHOLD = env.integer("AZORA_HEALTH_SUCCESS_THRESHOLD", 2)
# System thresholds of the host probes (percent) and of any probe's or HTTP check's response time (ms).
AZORA_HEALTH_CPU_PERCENT = env.integer("AZORA_HEALTH_CPU_PERCENT", 80)
AZORA_HEALTH_MEMORY_PERCENT = env.integer("AZORA_HEALTH_MEMORY_PERCENT", 85)
AZORA_HEALTH_DISK_PERCENT = env.integer("AZORA_HEALTH_DISK_PERCENT", 90)
AZORA_HEALTH_RESPONSE_TIME_MS = env.integer("AZORA_HEALTH_RESPONSE_TIME_MS", 5000)
# Outbox: failed events, or a pending event older than this, fail the outbox probe.
AZORA_HEALTH_OUTBOX_LAG_SECONDS = env.integer("AZORA_HEALTH_OUTBOX_LAG_SECONDS", 300)
AZORA_HEALTH_QUEUE_OLDEST_SECONDS = env.integer("AZORA_HEALTH_QUEUE_OLDEST_SECONDS", 300)
# History: minute buckets kept N days (then only hours), hour buckets N days (then only days), days for 400 days.
AZORA_HEALTH_MINUTE_RETENTION_DAYS = env.integer("AZORA_HEALTH_MINUTE_RETENTION_DAYS", 2)
AZORA_HEALTH_HOUR_RETENTION_DAYS = env.integer("AZORA_HEALTH_HOUR_RETENTION_DAYS", 35)
# Alerts: email recipients of every alert (besides the channels operators add), the webhook timeout, how long
# a firing alert stays quiet before it is notified again, and how many fire/resolve changes in an hour make it
# "flapping" (notified once, then quiet until it settles).
AZORA_HEALTH_ALERT_EMAILS = env.csv("AZORA_HEALTH_ALERT_EMAILS")
AZORA_HEALTH_WEBHOOK_TIMEOUT_SECONDS = env.integer("AZORA_HEALTH_WEBHOOK_TIMEOUT_SECONDS", 5)
AZORA_HEALTH_ALERT_REPEAT_MINUTES = env.integer("AZORA_HEALTH_ALERT_REPEAT_MINUTES", 240)
AZORA_HEALTH_FLAP_LIMIT = env.integer("AZORA_HEALTH_FLAP_LIMIT", 4)
if AZORA_HEALTH_PROBE_INTERVAL_SECONDS < 5 or AZORA_HEALTH_FAILURE_THRESHOLD < 1 or AZORA_HEALTH_SUCCESS_THRESHOLD < 1:
    raise ImproperlyConfigured(
        "AZORA_HEALTH_PROBE_INTERVAL_SECONDS must be >= 5 and the failure and success thresholds >= 1."
    )
# --- end Health Monitor ----------------------------------------------------------------------------------------

# --- Azora Aegis (azora/security; docs/security.md, docs/audit-and-privacy.md) ---------------------------------
# Turn the IP-rule and firewall middleware off (benchmarks compare with it off; never in production).
AZORA_SECURITY_EDGE_ENABLED = env.flag("AZORA_SECURITY_EDGE_ENABLED", default=True)
# Request firewall: the largest header block (bytes) and number of headers; attack probes are logged, and
# blocked only on high confidence.
AZORA_FIREWALL_MAX_HEADER_BYTES = env.integer("AZORA_FIREWALL_MAX_HEADER_BYTES", 16_384)
AZORA_FIREWALL_MAX_HEADERS = env.integer("AZORA_FIREWALL_MAX_HEADERS", 100)
AZORA_FIREWALL_BLOCK = env.flag("AZORA_FIREWALL_BLOCK", default=True)
# Abuse detection over a sliding window: failed sign-ins against many accounts from one IP (credential
# stuffing) or against one account from many IPs (brute force) are slowed progressively, then blocked.
AZORA_ABUSE_WINDOW_SECONDS = env.integer("AZORA_ABUSE_WINDOW_SECONDS", 900)
AZORA_ABUSE_STUFFING_ACCOUNTS = env.integer("AZORA_ABUSE_STUFFING_ACCOUNTS", 10)
AZORA_ABUSE_BRUTE_FORCE_IPS = env.integer("AZORA_ABUSE_BRUTE_FORCE_IPS", 10)
AZORA_ABUSE_FAILURES_BEFORE_DELAY = env.integer("AZORA_ABUSE_FAILURES_BEFORE_DELAY", 5)
AZORA_ABUSE_MAX_DELAY_SECONDS = env.integer("AZORA_ABUSE_MAX_DELAY_SECONDS", 8)
AZORA_ABUSE_BLOCK_MINUTES = env.integer("AZORA_ABUSE_BLOCK_MINUTES", 60)
# AML: a transfer at or above this many minor units of ZAR (or its equivalent), or more than N outgoing
# transfers of one account in an hour, is a suspicious money movement.
AZORA_AML_LARGE_TRANSFER_ZAR_MINOR = env.integer("AZORA_AML_LARGE_TRANSFER_ZAR_MINOR", 1_000_000)
AZORA_AML_VELOCITY_PER_HOUR = env.integer("AZORA_AML_VELOCITY_PER_HOUR", 20)
# Per-currency large-transfer thresholds in minor units for currencies without an exchange rate to ZAR
# ("KES:130000000,JPY:8000000").
AZORA_AML_LARGE_TRANSFER_MINOR = env.text("AZORA_AML_LARGE_TRANSFER_MINOR", "")
# Retention: security events and other activity logs, sessions, data exports (days); financial records (years).
AZORA_RETENTION_ACTIVITY_DAYS = env.integer("AZORA_RETENTION_ACTIVITY_DAYS", 90)
AZORA_RETENTION_SESSIONS_DAYS = env.integer("AZORA_RETENTION_SESSIONS_DAYS", 30)
AZORA_PRIVACY_EXPORT_DAYS = env.integer("AZORA_PRIVACY_EXPORT_DAYS", 7)
AZORA_PRIVACY_FINANCIAL_RETENTION_YEARS = env.integer("AZORA_PRIVACY_FINANCIAL_RETENTION_YEARS", 7)
if AZORA_ABUSE_WINDOW_SECONDS < 1 or AZORA_RETENTION_ACTIVITY_DAYS < 1 or AZORA_RETENTION_SESSIONS_DAYS < 1:
    raise ImproperlyConfigured("Aegis's abuse window and retention periods must be positive.")
# --- end Azora Aegis -------------------------------------------------------------------------------------------
