"""`verify_audit`, `export_audit` and `azora verify-audit`: exit codes and messages an operator can act on."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from azora import cli
from azora.security import public as security
from azora.security.models import AuditRecord

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def _append(count: int) -> None:
    for index in range(count):
        security.audit_record(
            action="security.ip_rule_created", target_id=f"rule-{index}", occurred_at=AT + dt.timedelta(minutes=index)
        )


def _delete_record(sequence: int) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE security_auditrecord DISABLE TRIGGER ALL")
        cursor.execute("DELETE FROM security_auditrecord WHERE sequence = %s", [sequence])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE security_auditrecord ENABLE TRIGGER ALL")


def test_verify_reports_an_intact_chain(capsys: pytest.CaptureFixture[str]) -> None:
    _append(3)

    call_command("verify_audit")

    assert capsys.readouterr().out == "Audit chain intact: 3 records.\n"


def test_verify_exits_non_zero_naming_the_first_bad_sequence() -> None:
    _append(4)
    _delete_record(2)

    with pytest.raises(CommandError) as raised:
        call_command("verify_audit")

    assert raised.value.returncode == 1
    assert str(raised.value) == "Audit chain broken at sequence 2 (missing); 1 records before it are intact."


def test_the_azora_command_runs_the_verification(capsys: pytest.CaptureFixture[str]) -> None:
    _append(2)

    assert cli.main(["verify-audit"]) == 0
    assert capsys.readouterr().out == "Audit chain intact: 2 records.\n"


def test_the_azora_command_exits_one_on_a_broken_chain(capsys: pytest.CaptureFixture[str]) -> None:
    _append(3)
    _delete_record(3)

    assert cli.main(["verify-audit"]) == 1
    assert "broken at sequence 3 (missing)" in capsys.readouterr().err


def test_an_anchor_kept_elsewhere_catches_a_rewritten_chain() -> None:
    _append(2)
    kept = AuditRecord.objects.get(sequence=2).record_hash

    call_command("verify_audit", anchor=[f"2:{kept}"])
    with pytest.raises(CommandError, match="does not match the anchor at sequence 2"):
        call_command("verify_audit", anchor=[f"2:{'a' * 64}"])
    with pytest.raises(CommandError, match="SEQUENCE:HASH"):
        call_command("verify_audit", anchor=["two:abc"])


def test_export_then_verify_the_copy_offline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _append(3)
    copy = tmp_path / "audit.jsonl"

    call_command("export_audit", output=str(copy))
    call_command("verify_audit", file=str(copy))

    assert capsys.readouterr().out == "Audit chain intact: 3 records.\n"
    assert len(copy.read_text().splitlines()) == 3


def test_an_edited_copy_fails_offline_verification(tmp_path: Path) -> None:
    _append(3)
    copy = tmp_path / "audit.jsonl"
    call_command("export_audit", output=str(copy))
    rows = [json.loads(line) for line in copy.read_text().splitlines()]
    rows[2]["action"] = "security.nothing_happened"
    copy.write_text("".join(json.dumps(row) + "\n" for row in rows))

    with pytest.raises(CommandError, match=r"broken at sequence 3 \(edited\)"):
        call_command("verify_audit", file=str(copy))


def test_a_file_that_is_not_an_export_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "audit.jsonl"
    copy.write_text("not json\n")

    with pytest.raises(CommandError, match="Line 1 is not JSON"):
        call_command("verify_audit", file=str(copy))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("verify_audit", file=str(tmp_path / "missing.jsonl"))


def test_export_to_standard_output_as_csv(capsys: pytest.CaptureFixture[str]) -> None:
    _append(2)

    call_command("export_audit", fmt="csv", since="2026-03-01T12:01:00Z")

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("sequence,id,occurred_at,")
    assert len(lines) == 2
    assert lines[1].startswith("2,")


def test_export_refuses_a_time_without_a_zone() -> None:
    with pytest.raises(CommandError, match="ISO 8601 time with a zone"):
        call_command("export_audit", since="2026-03-01T12:00:00")
