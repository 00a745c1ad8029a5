"""Each mode wires the right components: embedded is self-contained, production takes everything from the env."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from azora.shared.testing.settings_probe import run_settings_import, settings_of

PRODUCTION_REQUIRED = {
    "AZORA_SECRET_KEY": "x" * 50,
    "DATABASE_URL": "postgres://azora@db.invalid:5432/azora",
    "REDIS_URL": "redis://cache.invalid:6379/0",
    "AZORA_JWT_PRIVATE_KEY": "not parsed on import",
    "AZORA_CERTIFICATE_SIGNING_KEY": "not parsed on import",
}
NAMES = ["DATABASES", "CACHES", "MAILERS", "STORAGES", "TASKS", "ACCOUNT_EMAIL_VERIFICATION", "AZORA_MODE"]


def test_embedded_runs_on_sqlite_in_wal_mode_with_local_cache_files_and_console_email(tmp_path: Path) -> None:
    values = settings_of("config.settings.embedded", NAMES, {}, tmp_path)

    database = values["DATABASES"]["default"]  # type: ignore[index]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "azora.sqlite3")
    assert "PRAGMA journal_mode=WAL;" in database["OPTIONS"]["init_command"]
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"  # type: ignore[index]
    assert values["MAILERS"] == {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    assert values["STORAGES"]["default"] == {  # type: ignore[index]
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/media/"},
    }
    assert values["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"  # type: ignore[index]
    assert values["ACCOUNT_EMAIL_VERIFICATION"] == "optional"
    assert (tmp_path / "secret_key").exists()
    assert (tmp_path / "jwt_private_key.pem").read_text().startswith("-----BEGIN PRIVATE KEY-----")


def test_production_uses_postgresql_through_a_pool_redis_and_mandatory_verification(tmp_path: Path) -> None:
    values = settings_of("config.settings.production", NAMES, PRODUCTION_REQUIRED, tmp_path)

    database = values["DATABASES"]["default"]  # type: ignore[index]
    assert (database["ENGINE"], database["HOST"], database["NAME"]) == (
        "django.db.backends.postgresql",
        "db.invalid",
        "azora",
    )
    assert database["CONN_MAX_AGE"] == 0
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8, "timeout": 10}
    assert database["OPTIONS"]["prepare_threshold"] == 0  # only prepared_cursor's statements are ever prepared
    assert values["CACHES"]["default"]["BACKEND"] == "azora.shared.cache.RedisCache"  # type: ignore[index]
    assert values["CACHES"]["default"]["LOCATION"] == "redis://cache.invalid:6379/0"  # type: ignore[index]
    assert values["ACCOUNT_EMAIL_VERIFICATION"] == "mandatory"
    assert values["AZORA_MODE"] == "production"


def test_production_behind_pgbouncer_keeps_connections_without_a_pool(tmp_path: Path) -> None:
    values = settings_of("config.settings.production", NAMES, {**PRODUCTION_REQUIRED, "AZORA_DB_POOL": "0"}, tmp_path)

    database = values["DATABASES"]["default"]  # type: ignore[index]
    assert "pool" not in database["OPTIONS"]
    assert (database["CONN_MAX_AGE"], database["DISABLE_SERVER_SIDE_CURSORS"]) == (60, True)
    assert database["OPTIONS"]["prepare_threshold"] == 0  # PgBouncer >= 1.21 keeps protocol-level statements


def test_prepared_statements_can_be_turned_off_for_an_older_pgbouncer(tmp_path: Path) -> None:
    environment = {**PRODUCTION_REQUIRED, "AZORA_DB_POOL": "0", "AZORA_DB_PREPARED_STATEMENTS": "0"}
    values = settings_of("config.settings.production", NAMES, environment, tmp_path)

    assert values["DATABASES"]["default"]["OPTIONS"]["prepare_threshold"] is None  # type: ignore[index]


def test_smtp_and_object_storage_are_used_when_configured(tmp_path: Path) -> None:
    password = secrets.token_urlsafe(16)
    environment = {
        **PRODUCTION_REQUIRED,
        "AZORA_SMTP_HOST": "smtp.invalid",
        "AZORA_SMTP_PORT": "2525",
        "AZORA_SMTP_USER": "mailer",
        "AZORA_SMTP_PASSWORD": password,
        "AZORA_S3_BUCKET": "azora-media",
        "AZORA_S3_ENDPOINT_URL": "https://s3.invalid",
    }
    values = settings_of("config.settings.production", NAMES, environment, tmp_path)

    mailer = values["MAILERS"]["default"]  # type: ignore[index]
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (mailer["OPTIONS"]["host"], mailer["OPTIONS"]["port"], mailer["OPTIONS"]["password"]) == (
        "smtp.invalid",
        2525,
        password,
    )
    storage = values["STORAGES"]["default"]  # type: ignore[index]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (storage["OPTIONS"]["bucket_name"], storage["OPTIONS"]["endpoint_url"]) == (
        "azora-media",
        "https://s3.invalid",
    )


@pytest.mark.parametrize("missing", sorted(PRODUCTION_REQUIRED))
def test_production_refuses_to_start_without_a_required_value_and_names_it(missing: str, tmp_path: Path) -> None:
    environment = {name: value for name, value in PRODUCTION_REQUIRED.items() if name != missing}

    completed = run_settings_import("config.settings.production", ["AZORA_MODE"], environment, tmp_path)

    assert completed.returncode == 1
    assert f"The environment variable {missing} is required in this mode." in completed.stderr
    assert PRODUCTION_REQUIRED["AZORA_SECRET_KEY"] not in completed.stderr


def test_a_malformed_option_is_refused_at_start_up(tmp_path: Path) -> None:
    completed = run_settings_import(
        "config.settings.embedded", ["AZORA_MODE"], {"AZORA_EMAIL_VERIFICATION": "sometimes"}, tmp_path
    )

    assert completed.returncode == 1
    assert "AZORA_EMAIL_VERIFICATION must be one of mandatory, optional, none, not 'sometimes'." in completed.stderr
