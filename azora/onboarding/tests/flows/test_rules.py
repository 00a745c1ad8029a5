"""The pure rules of flows: the step list's schema, progress and the current step, each kind's data, type detection."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from azora.onboarding import flows

CONTEXT = flows.StepContext(languages={"en": "English", "fr": "French"}, terms_version="2026-11")
STEPS = flows.parse_steps(
    [
        {"slug": "welcome", "title": "Welcome", "kind": "welcome", "skippable": False, "guide": "Hi"},
        {"slug": "goals", "title": "Goals", "kind": "goals", "skippable": True, "guide": ""},
        {"slug": "plan", "title": "Plan", "kind": "plan", "skippable": False, "guide": ""},
        {"slug": "sso", "title": "SSO", "kind": "sso", "skippable": True, "guide": ""},
    ]
)


def errors_of(kind: str, data: Any, context: flows.StepContext = CONTEXT) -> list[dict[str, str]]:
    with pytest.raises(flows.StepDataError) as raised:
        flows.clean_step_data(kind, data, context)
    return raised.value.errors


def fields_of(kind: str, data: Any, context: flows.StepContext = CONTEXT) -> list[str]:
    return [error["field"] for error in errors_of(kind, data, context)]


# --- steps, progress, current step ---


def test_progress_counts_completed_or_skipped_steps_over_all() -> None:
    assert flows.progress(STEPS, set()) == 0.0
    assert flows.progress(STEPS, {"welcome"}) == 0.25
    assert flows.progress(STEPS, {"welcome", "goals", "plan"}) == 0.75
    assert flows.progress(STEPS, {"welcome", "goals", "plan", "sso"}) == 1.0
    assert flows.progress(STEPS[:3], {"welcome"}) == 0.3333


def test_the_current_step_is_the_first_not_done_and_empty_at_the_end() -> None:
    assert flows.current_step(STEPS, set()) == "welcome"
    assert flows.current_step(STEPS, {"welcome", "goals"}) == "plan"
    assert flows.current_step(STEPS, {"welcome", "goals", "plan", "sso"}) == ""


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "non-empty list"),
        ({"slug": "x"}, "non-empty list"),
        (["welcome"], "not an object"),
        ([{"slug": "Bad Slug", "title": "T", "kind": "welcome"}], "slug must be"),
        ([{"slug": "x", "title": "T", "kind": "dance"}], "kind must be one of"),
        ([{"slug": "x", "title": " ", "kind": "welcome"}], "a title is required"),
        ([{"slug": "x", "title": "T", "kind": "welcome", "skippable": "yes"}], "skippable is true or false"),
        ([{"slug": "x", "title": "T", "kind": "welcome"}, {"slug": "x", "title": "U", "kind": "sso"}], "used twice"),
    ],
)
def test_a_broken_step_list_is_refused_with_the_reason(raw: Any, message: str) -> None:
    with pytest.raises(flows.FlowStepsInvalid, match=message):
        flows.parse_steps(raw)


def test_a_step_list_round_trips_through_its_data() -> None:
    assert flows.parse_steps([step.as_data() for step in STEPS]) == STEPS


def test_only_catalogue_texts_are_translated() -> None:
    from django.utils import translation

    with translation.override("fr"):
        assert flows.translated("Text an admin wrote") == "Text an admin wrote"
        assert flows.translated("Welcome to Azora") in {"Welcome to Azora", translation.gettext("Welcome to Azora")}


# --- each kind's data ---


def test_welcome_and_sso_take_nothing_and_ignore_extra_fields() -> None:
    assert flows.clean_step_data("welcome", {"csrfmiddlewaretoken": "x"}, CONTEXT) == {}
    assert flows.clean_step_data("sso", None, CONTEXT) == {}


def test_data_must_be_an_object() -> None:
    assert fields_of("profile", ["Amara"]) == ["data"]


def test_profile_needs_a_name_and_at_most_a_two_letter_country() -> None:
    assert flows.clean_step_data("profile", {"display_name": "  Amara   Okafor ", "country": "ng"}, CONTEXT) == {
        "display_name": "Amara Okafor",
        "country": "NG",
    }
    assert fields_of("profile", {"country": "Nigeria"}) == ["display_name", "country"]
    assert fields_of("profile", {"display_name": "x" * 121}) == ["display_name"]
    assert fields_of("profile", {"display_name": 7}) == ["display_name"]


def test_goals_take_goals_or_interests_without_repeats() -> None:
    cleaned = flows.clean_step_data(
        "goals", {"goals": ["Become a nurse", "become a  NURSE", " "], "interests": "Biology"}, CONTEXT
    )
    assert cleaned == {"goals": ["Become a nurse"], "interests": ["Biology"]}
    assert fields_of("goals", {}) == ["goals"]
    assert fields_of("goals", {"goals": [f"goal {n}" for n in range(6)]}) == ["goals"]
    assert fields_of("goals", {"interests": ["x" * 61]}) == ["interests"]
    assert fields_of("goals", {"goals": [1, 2]}) == ["goals"]


def test_language_is_one_azora_offers() -> None:
    assert flows.clean_step_data("language", {"language": "FR"}, CONTEXT) == {"language": "fr"}
    assert fields_of("language", {"language": "de"}) == ["language"]


def test_placement_needs_one_of_the_users_completed_attempts() -> None:
    attempt = uuid.uuid4()
    context = flows.StepContext(languages={}, terms_version="v", completed_placement_ids={attempt})
    assert flows.clean_step_data("placement", {"attempt_id": str(attempt)}, context) == {"attempt_id": str(attempt)}
    assert errors_of("placement", {"attempt_id": str(uuid.uuid4())}, context) == [
        {"field": "attempt_id", "message": "Finish the placement first (or skip this step)."}
    ]
    assert fields_of("placement", {"attempt_id": "not-a-uuid"}, context) == ["attempt_id"]
    assert fields_of("placement", {}, context) == ["attempt_id"]


def test_plan_is_free_or_pro_in_any_case() -> None:
    assert flows.clean_step_data("plan", {"plan": "PRO"}, CONTEXT) == {"plan": "pro"}
    assert fields_of("plan", {"plan": "enterprise"}) == ["plan"]


def test_credentials_need_text_and_web_links() -> None:
    cleaned = flows.clean_step_data(
        "credentials", {"text": "  BCom, CA(SA).\nTen years.  ", "links": ["https://example.org"]}, CONTEXT
    )
    assert cleaned == {"text": "BCom, CA(SA).\nTen years.", "links": ["https://example.org"]}
    assert fields_of("credentials", {"text": "x", "links": ["javascript:alert(1)"]}) == ["links"]
    assert fields_of("credentials", {"links": []}) == ["text"]


def test_terms_must_be_accepted_in_the_current_version() -> None:
    assert flows.clean_step_data("terms", {"accepted": True}, CONTEXT) == {"accepted": True, "version": "2026-11"}
    assert fields_of("terms", {"accepted": "yes"}) == ["accepted"]
    assert fields_of("terms", {"accepted": True, "version": "2025-01"}) == ["version"]


def test_payout_keeps_only_the_last_four_digits() -> None:
    bank = flows.clean_step_data(
        "payout",
        {"method": "bank_account", "account_number": "6281 2345 678", "bank_code": "250655", "account_holder": "A O"},
        CONTEXT,
    )
    assert bank == {
        "method": "bank_account",
        "bank_code": "250655",
        "account_holder": "A O",
        "destination_masked": "•••• 5678",
    }
    assert "62812345678" not in str(bank)
    mobile = flows.clean_step_data("payout", {"method": "mobile_money", "destination": "+254 712-345-678"}, CONTEXT)
    assert mobile == {"method": "mobile_money", "destination_masked": "•••• 5678"}
    assert fields_of("payout", {"method": "bank_account", "account_number": "12"}) == ["account_number"]
    assert fields_of("payout", {"method": "mobile_money", "destination": "call me"}) == ["destination"]
    assert fields_of("payout", {"method": "cash"}) == ["method"]


def test_first_course_needs_a_title() -> None:
    assert flows.clean_step_data("first_course", {"title": "Bookkeeping"}, CONTEXT) == {
        "title": "Bookkeeping",
        "summary": "",
    }
    assert fields_of("first_course", {"summary": "x"}) == ["title"]


def test_organisation_needs_a_name_and_a_clean_slug_if_any() -> None:
    assert flows.clean_step_data("organisation", {"name": "Ubuntu Co", "slug": "Ubuntu-Co"}, CONTEXT) == {
        "name": "Ubuntu Co",
        "slug": "ubuntu-co",
    }
    assert fields_of("organisation", {"name": "U", "slug": "no spaces"}) == ["slug"]
    assert fields_of("organisation", {}) == ["name"]


def test_verification_needs_a_domain_or_a_registration_number() -> None:
    assert flows.clean_step_data("verification", {"domain": "Example.ORG."}, CONTEXT) == {
        "domain": "example.org",
        "registration_number": "",
        "review_status": "pending",
    }
    assert (
        flows.clean_step_data("verification", {"registration_number": "2020/123456/07"}, CONTEXT)["registration_number"]
        == "2020/123456/07"
    )
    assert fields_of("verification", {}) == ["domain"]
    assert fields_of("verification", {"domain": "not a domain"}) == ["domain"]


def test_invite_members_needs_valid_addresses_and_a_role() -> None:
    assert flows.clean_step_data("invite_members", {"emails": "Thabo@Example.test"}, CONTEXT) == {
        "emails": ["thabo@example.test"],
        "role": "member",
    }
    assert fields_of("invite_members", {"emails": ["not-an-address"]}) == ["emails"]
    assert fields_of("invite_members", {"emails": ["a@b.co"], "role": "owner"}) == ["role"]
    assert fields_of("invite_members", {"emails": [f"p{n}@example.test" for n in range(21)]}) == ["emails"]


# --- type detection ---


@pytest.mark.parametrize(
    ("email", "domain"),
    [
        ("thandi@uct.ac.za", "ac.za"),
        ("thandi@AC.ZA", "ac.za"),
        ("sam@mit.edu", "edu"),
        ("sam@notac.za", None),
        ("sam@edu.example.com", None),
        ("sam@gmail.com", None),
    ],
)
def test_student_domains_match_the_domain_or_a_subdomain(email: str, domain: str | None) -> None:
    assert flows.student_domain(email, ("ac.za", ".edu")) == domain


def test_a_student_email_suggests_a_student_learner_before_anything_else() -> None:
    suggestion = flows.suggest_type(
        emails=["a@gmail.com", "a@wits.ac.za"], student_domains=["ac.za"], is_instructor=True, manages_organisation=True
    )
    assert suggestion == flows.Suggestion(
        user_type="learner", is_student=True, reason="Your email address at ac.za suggests you are a student."
    )


def test_otherwise_the_sign_up_data_decides() -> None:
    def suggest(**flags: bool) -> str:
        return flows.suggest_type(emails=["a@gmail.com"], student_domains=["ac.za"], **flags).user_type

    assert suggest(is_instructor=True, manages_organisation=True) == "instructor"
    assert suggest(is_instructor=False, manages_organisation=True) == "organisation"
    assert suggest(is_instructor=False, manages_organisation=False) == "learner"
