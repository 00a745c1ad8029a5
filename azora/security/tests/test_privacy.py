"""Data protection: exports built from every app's exporter, deletion requests with blockers and an admin review
that anonymises in one transaction, consent records."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from azora.accounts.models import Membership, Organisation
from azora.security import data_protection
from azora.security import public as security
from azora.security.errors import (
    DataExportNotFound,
    DeletionBlocked,
    DeletionRequestNotFound,
    DeletionRequestOpen,
    DeletionReviewInvalid,
    InvalidConsent,
)
from azora.security.models import AuditRecord, ConsentRecord, DataExport, DeletionRequest, SecurityEvent
from azora.security.privacy import anonymise_security_data
from azora.security.tests.factories import UserFactory
from azora.security.tests.factories_privacy import operator

pytestmark = pytest.mark.django_db

Register = Callable[..., None]


@pytest.fixture
def register() -> Iterator[Register]:
    """Registers temporary hooks under test names and removes them afterwards."""
    names: list[str] = []

    def add(kind: str, name: str, function: Any, **options: Any) -> None:
        names.append(name)
        if kind == "exporter":
            data_protection.exporter_register(name, function)
        elif kind == "anonymiser":
            data_protection.anonymiser_register(name, function, **options)
        else:
            data_protection.blocker_register(name, function)

    yield add
    for name in names:
        data_protection.hook_unregister(name)


def _exported(user_id: uuid.UUID, capture: Any) -> security.DataExportView:
    with capture(execute=True):
        return security.data_export_request(user_id=user_id)


# --- exports


def test_an_export_collects_every_apps_section_into_one_json_file(
    register: Register, django_capture_on_commit_callbacks: Any
) -> None:
    user = UserFactory()
    register("exporter", "testapp", lambda user_id: {"notes": [f"note of {user_id}"]})

    requested = _exported(user.pk, django_capture_on_commit_callbacks)

    export = DataExport.objects.get()
    assert (requested.id, requested.status) == (export.id, "pending")
    assert export.status == "ready"
    document = json.loads(security.data_export_file(user_id=user.pk, export_id=export.id))
    assert (document["format"], document["user_id"]) == ("azora-data-export/1", str(user.pk))
    assert document["sections"]["testapp"] == {"notes": [f"note of {user.pk}"]}
    assert {"security", "testapp"} <= set(document["sections"])
    assert export.size_bytes == len(security.data_export_file(user_id=user.pk, export_id=export.id))
    assert [view.status for view in security.data_export_list(user_id=user.pk)] == ["ready"]
    assert [record.action for record in AuditRecord.objects.order_by("sequence")] == [
        "privacy.data_export_requested",
        "privacy.data_export_downloaded",
        "privacy.data_export_downloaded",
    ]


def test_an_export_expires_after_the_configured_days(settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.AZORA_PRIVACY_EXPORT_DAYS = 3
    user = UserFactory()
    _exported(user.pk, django_capture_on_commit_callbacks)
    export = DataExport.objects.get()

    assert export.ready_at is not None
    assert export.expires_at == export.ready_at + dt.timedelta(days=3)
    with pytest.raises(DataExportNotFound):
        data_protection.export_file(user_id=user.pk, export_id=export.id, now=export.expires_at)


def test_another_users_export_is_not_found(django_capture_on_commit_callbacks: Any) -> None:
    owner, other = UserFactory(), UserFactory()
    export = _exported(owner.pk, django_capture_on_commit_callbacks)

    with pytest.raises(DataExportNotFound):
        security.data_export_file(user_id=other.pk, export_id=export.id)
    assert security.data_export_list(user_id=other.pk) == []


def test_an_export_still_being_prepared_is_not_downloadable_and_not_requested_twice() -> None:
    user = UserFactory()
    first = security.data_export_request(user_id=user.pk)  # its task waits for a commit that never comes here

    second = security.data_export_request(user_id=user.pk)

    assert second.id == first.id
    assert DataExport.objects.count() == 1
    with pytest.raises(DataExportNotFound):
        security.data_export_file(user_id=user.pk, export_id=first.id)


def test_a_failing_exporter_fails_the_export_naming_only_its_section(
    register: Register, django_capture_on_commit_callbacks: Any
) -> None:
    user = UserFactory()

    def broken(user_id: uuid.UUID) -> dict[str, Any]:
        raise RuntimeError("secret connection string postgres://u:p@db")

    register("exporter", "brokenapp", broken)

    _exported(user.pk, django_capture_on_commit_callbacks)

    export = DataExport.objects.get()
    assert (export.status, export.storage_key, export.size_bytes) == ("failed", "", 0)
    assert export.error == "The brokenapp section could not be exported."
    assert not default_storage.exists(f"privacy/exports/{user.pk}/{export.id}.json")


def test_building_twice_builds_once(django_capture_on_commit_callbacks: Any) -> None:
    user = UserFactory()
    _exported(user.pk, django_capture_on_commit_callbacks)
    export = DataExport.objects.get()

    assert data_protection.export_build(export_id=export.id) == "skipped"
    assert data_protection.export_build(export_id=uuid.uuid4()) == "skipped"
    assert DataExport.objects.get().storage_key == export.storage_key


def test_a_malformed_hook_name_is_refused() -> None:
    with pytest.raises(ValueError, match="lower-case identifier"):
        security.register_exporter("Bad Name", lambda user_id: {})


# --- deletion requests


def test_a_blocked_user_gets_the_list_and_nothing_is_written(register: Register) -> None:
    user = UserFactory()
    register("blocker", "testescrow", lambda user_id: "You have an open dispute.")
    register("blocker", "testpayout", lambda user_id: None)

    with pytest.raises(DeletionBlocked) as raised:
        security.deletion_request_create(user_id=user.pk, reason="moving on")

    assert (raised.value.code, raised.value.status) == ("deletion_blocked", 409)
    assert raised.value.extra == {"blockers": ["You have an open dispute."]}
    assert DeletionRequest.objects.count() == 0
    assert AuditRecord.objects.count() == 0
    assert security.deletion_request_blockers(user_id=user.pk) == ["You have an open dispute."]


def test_a_request_waits_for_review_and_a_second_is_refused() -> None:
    user = UserFactory()

    request = security.deletion_request_create(user_id=user.pk, reason="  moving on  ")

    assert (request.status, request.reason, request.blockers) == ("pending", "moving on", ())
    with pytest.raises(DeletionRequestOpen):
        security.deletion_request_create(user_id=user.pk)
    assert DeletionRequest.objects.count() == 1
    assert AuditRecord.objects.get().action == "privacy.deletion_requested"


def test_the_user_cancels_their_own_pending_request_only() -> None:
    user, other = UserFactory(), UserFactory()
    request = security.deletion_request_create(user_id=user.pk)

    with pytest.raises(DeletionRequestNotFound):
        security.deletion_request_cancel(user_id=other.pk, request_id=request.id)
    cancelled = security.deletion_request_cancel(user_id=user.pk, request_id=request.id)

    assert cancelled.status == "cancelled"
    with pytest.raises(DeletionRequestNotFound):
        security.deletion_request_cancel(user_id=user.pk, request_id=request.id)
    assert security.deletion_request_create(user_id=user.pk).status == "pending"  # a new one may follow


def test_the_review_list_names_each_user() -> None:
    user = UserFactory(display_name="Thandi")
    security.deletion_request_create(user_id=user.pk)

    (listed,) = security.deletion_request_list(status="pending")

    assert (listed.user_id, listed.user_label) == (user.pk, "Thandi")
    assert security.deletion_request_list(status="completed") == []


def test_a_rejection_needs_a_note_and_changes_nothing_without_one() -> None:
    reviewer, user = operator(), UserFactory()
    request = security.deletion_request_create(user_id=user.pk)

    with pytest.raises(DeletionReviewInvalid):
        security.deletion_request_review(reviewer_id=reviewer.pk, request_id=request.id, approve=False, note=" ")
    assert DeletionRequest.objects.get().status == "pending"

    rejected = security.deletion_request_review(
        reviewer_id=reviewer.pk, request_id=request.id, approve=False, note="Legal hold"
    )
    assert (rejected.status, rejected.review_note) == ("rejected", "Legal hold")
    assert AuditRecord.objects.order_by("-sequence").first().action == "privacy.deletion_rejected"  # type: ignore[union-attr]


def test_approval_runs_every_anonymiser_in_order_and_completes(register: Register) -> None:
    reviewer, user = operator(), UserFactory()
    calls: list[str] = []
    register("anonymiser", "zzlate", lambda user_id: calls.append("zzlate"), order=5)
    register("anonymiser", "aaearly", lambda user_id: calls.append("aaearly"), order=5)
    request = security.deletion_request_create(user_id=user.pk)

    done = security.deletion_request_review(reviewer_id=reviewer.pk, request_id=request.id, approve=True, note="ok")

    assert calls == ["aaearly", "zzlate"]
    assert (done.status, done.completed_at is not None) == ("completed", True)
    record = AuditRecord.objects.order_by("-sequence").first()
    assert record is not None
    assert (record.action, record.actor_id, record.detail["user_id"]) == (
        "privacy.deletion_completed",
        reviewer.pk,
        str(user.pk),
    )
    assert record.detail["anonymisers"][-1] == "accounts"  # the Auth Service's runs last
    with pytest.raises(DeletionRequestNotFound):  # a completed request cannot be reviewed again
        security.deletion_request_review(reviewer_id=reviewer.pk, request_id=request.id, approve=True, note="")


def test_a_failing_anonymiser_rolls_every_app_back_and_marks_the_request_failed(register: Register) -> None:
    reviewer, user = operator(), UserFactory(display_name="Keep Me")
    ConsentRecord.objects.create(user=user, purpose="marketing_email", version="1", granted=True, ip="192.0.2.9")

    def broken(user_id: uuid.UUID) -> None:
        raise RuntimeError("disk full at /srv/secret")

    register("anonymiser", "zzbroken", broken, order=10_000)  # after every real anonymiser has run
    request = security.deletion_request_create(user_id=user.pk)

    failed = security.deletion_request_review(reviewer_id=reviewer.pk, request_id=request.id, approve=True, note="")

    assert failed.status == "failed"
    assert failed.blockers == ("The zzbroken data could not be anonymised (RuntimeError); nothing was changed.",)
    user.refresh_from_db()
    assert (user.display_name, user.is_active) == ("Keep Me", True)
    assert ConsentRecord.objects.get().ip == "192.0.2.9"
    record = AuditRecord.objects.order_by("-sequence").first()
    assert record is not None
    assert (record.action, record.detail["anonymiser"]) == ("privacy.deletion_failed", "zzbroken")
    assert "secret" not in json.dumps(record.detail)


def test_a_failed_request_can_be_approved_again_once_fixed(register: Register) -> None:
    reviewer, user = operator(), UserFactory()
    attempts: list[int] = []

    def flaky(user_id: uuid.UUID) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("first time")

    register("anonymiser", "flaky", flaky)
    request = security.deletion_request_create(user_id=user.pk)
    security.deletion_request_review(reviewer_id=reviewer.pk, request_id=request.id, approve=True, note="")

    retried = security.deletion_request_review(reviewer_id=reviewer.pk, request_id=request.id, approve=True, note="")

    assert (retried.status, retried.blockers) == ("completed", ())


def test_a_blocker_that_appeared_since_the_request_stops_the_approval(register: Register) -> None:
    reviewer, user = operator(), UserFactory()
    request = security.deletion_request_create(user_id=user.pk)
    register("blocker", "testdispute", lambda user_id: "A dispute was opened.")

    with pytest.raises(DeletionBlocked):
        security.deletion_request_review(reviewer_id=reviewer.pk, request_id=request.id, approve=True, note="")

    assert DeletionRequest.objects.get().status == "pending"


def test_aegis_exports_and_anonymises_its_own_records(django_capture_on_commit_callbacks: Any) -> None:
    user = UserFactory()
    SecurityEvent.objects.create(
        kind="login_failed", severity="low", actor_id=user.pk, ip="198.51.100.4", path="/accounts/login/",
        summary="Wrong password",
    )  # fmt: skip
    security.consent_record(user_id=user.pk, purpose="marketing_email", version="2026-01", granted=True, ip="::1")
    _exported(user.pk, django_capture_on_commit_callbacks)
    export = DataExport.objects.get()
    section = json.loads(security.data_export_file(user_id=user.pk, export_id=export.id))["sections"]["security"]
    assert [event["ip"] for event in section["security_events"]] == ["198.51.100.4"]
    assert [(c["purpose"], c["granted"]) for c in section["consents"]] == [("marketing_email", True)]
    assert section["audit_records"][0]["action"] == "privacy.data_export_requested"
    assert section["audit_records"][0]["by_you"] is True

    stored = export.storage_key
    with django_capture_on_commit_callbacks(execute=True):
        anonymise_security_data(user.pk)

    assert SecurityEvent.objects.get(actor_id=user.pk).ip is None
    assert ConsentRecord.objects.get().ip is None
    export.refresh_from_db()
    assert (export.status, export.storage_key) == ("expired", "")
    assert not default_storage.exists(stored)


# --- consents


def test_consents_keep_every_decision_and_list_the_latest_per_purpose() -> None:
    user = UserFactory()
    security.consent_record(user_id=user.pk, purpose="marketing_email", version="2026-01", granted=True)
    security.consent_record(user_id=user.pk, purpose="product_analytics", version="2026-01", granted=True)
    security.consent_record(user_id=user.pk, purpose="marketing_email", version="2026-01", granted=False)

    latest = security.consent_list(user_id=user.pk)

    assert [(view.purpose, view.granted) for view in latest] == [
        ("marketing_email", False),
        ("product_analytics", True),
    ]
    assert ConsentRecord.objects.count() == 3


@pytest.mark.parametrize(("purpose", "version"), [("selling_my_soul", "1"), ("marketing_email", "v 1"), ("", "1")])
def test_an_invalid_consent_is_refused_and_nothing_is_saved(purpose: str, version: str) -> None:
    user = UserFactory()

    with pytest.raises(InvalidConsent):
        security.consent_record(user_id=user.pk, purpose=purpose, version=version, granted=True)

    assert ConsentRecord.objects.count() == 0


def test_the_purposes_come_with_their_current_versions() -> None:
    purposes = security.consent_purposes()

    assert purposes["marketing_email"] == ("News and offers by email", "2026-01")


def test_now_is_used_for_expiry_checks_by_default(django_capture_on_commit_callbacks: Any) -> None:
    user = UserFactory()
    _exported(user.pk, django_capture_on_commit_callbacks)
    export = DataExport.objects.get()

    assert export.ready_at is not None
    assert export.ready_at <= timezone.now()


# --- the Auth Service's hooks, which Aegis registers for it


def test_an_only_owner_of_an_organisation_cannot_ask_for_deletion() -> None:
    owner, member = UserFactory(), UserFactory()
    organisation = Organisation.objects.create(name="Ubuntu Academy", slug="ubuntu-academy")
    Membership.objects.create(organisation=organisation, user=owner, role="owner")
    Membership.objects.create(organisation=organisation, user=member, role="member")

    with pytest.raises(DeletionBlocked) as raised:
        security.deletion_request_create(user_id=owner.pk)

    assert raised.value.extra["blockers"] == [
        "You are the only owner of Ubuntu Academy: make another member an owner first."
    ]
    assert DeletionRequest.objects.count() == 0


def test_an_approved_deletion_anonymises_the_account(django_capture_on_commit_callbacks: Any) -> None:
    reviewer, user = operator(), UserFactory(display_name="Thandi")
    request = security.deletion_request_create(user_id=user.pk, reason="moving on")

    with django_capture_on_commit_callbacks(execute=True):
        done = security.deletion_request_review(reviewer_id=reviewer.pk, request_id=request.id, approve=True, note="")

    assert done.status == "completed"
    user.refresh_from_db()
    assert (user.display_name, user.is_active, user.email) == ("", False, f"deleted-{user.pk.hex}@deleted.invalid")
    assert security.audit_verify().ok


# --- every app's registered hooks, on a real account


def test_every_app_registers_its_hooks() -> None:
    names = data_protection.registered_names()

    assert set(names["exporters"]) >= {
        "accounts", "agents", "ai_routing", "constitution", "education", "finance", "marketplace", "onboarding",
        "payments", "revenue", "security",
    }  # fmt: skip
    assert set(names["anonymisers"]) >= {
        "accounts",
        "agents",
        "education",
        "finance",
        "marketplace",
        "onboarding",
        "payments",
        "security",
    }
    assert names["anonymisers"][-1] == "accounts"
    assert set(names["blockers"]) >= {"accounts", "finance", "marketplace", "revenue"}


def test_every_exporter_and_anonymiser_runs_for_a_new_account(django_capture_on_commit_callbacks: Any) -> None:
    user = UserFactory()
    _exported(user.pk, django_capture_on_commit_callbacks)

    export = DataExport.objects.get()
    assert (export.status, export.error) == ("ready", "")
    assert security.deletion_request_blockers(user_id=user.pk) == []
    request = security.deletion_request_create(user_id=user.pk)
    with django_capture_on_commit_callbacks(execute=True):
        done = security.deletion_request_review(reviewer_id=operator().pk, request_id=request.id, approve=True, note="")
    assert (done.status, done.blockers) == ("completed", ())
