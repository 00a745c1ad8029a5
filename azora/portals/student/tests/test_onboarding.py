"""The onboarding wizard in the Student Portal, against the real onboarding, placement and education services:
type suggestion, one page per step with progress and Elara's guidance, resume, skip, bad input and steps out of
order (nothing changed), the placement diagnostic one item per page, the result and the learning path card."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.test import Client

import azora.accounts.public as accounts
import azora.education.public as education
import azora.onboarding.public as onboarding
from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.onboarding.models import LearningPath, OnboardingSession, PlacementAttempt, StepRecord
from azora.shared.events.dispatch import dispatch_pending_events

pytestmark = pytest.mark.django_db

# Queries per page (the session, the catalogue, the path, the guidance's governed call and its audit rows); whatever
# the number of steps, items or path courses.
DASHBOARD_BUDGET = 18  # 13 measured
STEP_BUDGET = 34  # 28 measured, most of them the guidance call's usage and audit rows
PLACEMENT_ITEM_BUDGET = 14  # 10 measured


def placement_course(owner: User, *, title: str, level: str, questions: int) -> uuid.UUID:
    """A published course (category "Business") with lessons and a bank of single-choice questions whose right
    option is always "Right"."""
    category = education.category_ensure(slug="business", name="Business")
    course = education.course_create(
        user_id=owner.id, title=title, summary=f"{title} in short.", level=level, language="en", category=category.slug
    )
    module = education.module_create(course_id=course.id, user_id=owner.id, title="Basics")
    education.lesson_create(module_id=module.id, user_id=owner.id, title=f"{title}: first steps", body_markdown="Hi.")
    education.lesson_create(module_id=module.id, user_id=owner.id, title=f"{title}: next", body_markdown="More.")
    for number in range(1, questions + 1):
        education.question_create(
            course_id=course.id,
            user_id=owner.id,
            kind="single_choice",
            prompt=f"{title} question {number}?",
            definition={"options": [{"id": "a", "text": "Right"}, {"id": "b", "text": "Wrong"}], "correct": "a"},
        )
    education.course_publish(course_id=course.id, user_id=owner.id)
    return course.id


@pytest.fixture
def catalogue(instructor: User) -> dict[str, uuid.UUID]:
    return {
        "beginner": placement_course(instructor, title="Business basics", level="beginner", questions=8),
        "intermediate": placement_course(instructor, title="Running a business", level="intermediate", questions=8),
    }


def start_learner_flow(client: Client) -> onboarding.SessionView:
    response = client.post("/onboarding/", {"user_type": "learner"})
    assert response.status_code == 302
    session = OnboardingSession.objects.get()
    assert response["Location"] == f"/onboarding/{session.id}/welcome/"
    return onboarding.session_get(session_id=session.id, user_id=session.user_id)


def post_step(client: Client, session: onboarding.SessionView, step: str, data: dict[str, object] | None = None):  # type: ignore[no-untyped-def]  # Django's test response
    return client.post(f"/onboarding/{session.id}/{step}/", data or {})


def test_the_wizard_needs_sign_in(client: Client) -> None:
    response = client.get("/onboarding/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_student_email_suggests_a_learner_and_the_person_confirms_the_type(client: Client) -> None:
    student = UserFactory(email="naledi@uct.ac.za", display_name="Naledi")
    client.force_login(student)

    response = client.get("/onboarding/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Getting started</h1>" in html
    assert "Your email address at ac.za suggests you are a student." in html
    assert re.search(r'id="user-type-learner" value="learner"[^>]*checked', html)
    assert '<span class="badge">Suggested for you</span>' in html
    assert 'value="instructor"' in html
    assert 'value="organisation"' in html
    assert not OnboardingSession.objects.exists()  # suggesting starts nothing: the person confirms
    assert "style=" not in html


def test_an_unknown_type_is_refused_beside_the_choice_and_starts_nothing(as_learner: Client) -> None:
    response = as_learner.post("/onboarding/", {"user_type": "wizard"})

    assert response.status_code == 422
    assert "Select a valid choice. wizard is not one of the available choices." in response.content.decode()
    assert not OnboardingSession.objects.exists()


def test_each_step_is_one_page_with_progress_and_elaras_guidance(as_learner: Client) -> None:
    session = start_learner_flow(as_learner)

    response = as_learner.get(f"/onboarding/{session.id}/welcome/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Welcome to Azora</h1>" in html
    assert "step 1 of 7" in html
    assert '<progress id="onboarding-progress" max="7" value="0">0%</progress>' in html
    assert "0 of 7 steps done" in html
    assert "Elara, your guide</h2>" in html
    assert "Hello, I" in html  # the scripted guide (the offline provider's answer is the guide itself)
    assert "Skip this step" not in html  # welcome cannot be skipped
    assert "style=" not in html


def test_completing_steps_moves_on_and_the_wizard_resumes_where_it_was_left(as_learner: Client, learner: User) -> None:
    session = start_learner_flow(as_learner)

    assert post_step(as_learner, session, "welcome")["Location"] == f"/onboarding/{session.id}/profile/"
    response = post_step(as_learner, session, "profile", {"display_name": "Thandi Dlamini", "country": "za"})
    assert response["Location"] == f"/onboarding/{session.id}/goals/"

    assert accounts.user_profile(user_id=learner.id).display_name == "Thandi Dlamini"
    assert accounts.user_profile(user_id=learner.id).country == "ZA"
    # Coming back later (a new visit to /onboarding/ or to an old step) lands on the step where it was left.
    assert as_learner.get("/onboarding/")["Location"] == f"/onboarding/{session.id}/goals/"
    assert as_learner.get(f"/onboarding/{session.id}/welcome/")["Location"] == f"/onboarding/{session.id}/goals/"
    html = as_learner.get(f"/onboarding/{session.id}/goals/").content.decode()
    assert '<progress id="onboarding-progress" max="7" value="2">29%</progress>' in html
    assert "Skip this step" in html


def test_bad_step_data_comes_back_as_form_errors_and_changes_nothing(as_learner: Client, learner: User) -> None:
    session = start_learner_flow(as_learner)
    post_step(as_learner, session, "welcome")

    response = post_step(as_learner, session, "profile", {"display_name": "", "country": "South Africa"})

    assert response.status_code == 422
    html = response.content.decode()
    assert "This field is required." in html
    assert "Ensure this value has at most 2 characters (it has 12)." in html
    assert list(StepRecord.objects.values_list("step", flat=True)) == ["welcome"]
    assert onboarding.session_get(session_id=session.id, user_id=learner.id).current_step == "profile"


def test_the_services_own_validation_is_shown_beside_its_field(as_learner: Client, learner: User) -> None:
    session = start_learner_flow(as_learner)
    for step in ("welcome",):
        post_step(as_learner, session, step)
    post_step(as_learner, session, "profile", {"display_name": "Thandi"})

    response = post_step(as_learner, session, "goals", {"goals": "", "interests": []})

    assert response.status_code == 422
    assert "Name at least one goal or interest (or skip this step)." in response.content.decode()
    assert StepRecord.objects.filter(step="goals").count() == 0


def test_a_step_posted_out_of_order_is_refused_and_changes_nothing(as_learner: Client, learner: User) -> None:
    session = start_learner_flow(as_learner)

    response = post_step(as_learner, session, "plan", {"plan": "free"})

    assert response.status_code == 409
    html = response.content.decode()
    assert "Complete the earlier steps first." in html
    assert f'href="/onboarding/{session.id}/welcome/"' in html  # the way back to the step the person is on
    assert not StepRecord.objects.exists()
    assert onboarding.session_get(session_id=session.id, user_id=learner.id).current_step == "welcome"


def test_only_skippable_steps_may_be_skipped(as_learner: Client, learner: User) -> None:
    session = start_learner_flow(as_learner)

    refused = post_step(as_learner, session, "welcome", {"skip": "1"})

    assert refused.status_code == 409
    assert "This step cannot be skipped." in refused.content.decode()
    assert not StepRecord.objects.exists()

    post_step(as_learner, session, "welcome")
    post_step(as_learner, session, "profile", {"display_name": "Thandi"})
    skipped = post_step(as_learner, session, "goals", {"skip": "1"})
    assert skipped["Location"] == f"/onboarding/{session.id}/language/"
    assert StepRecord.objects.get(step="goals").status == "skipped"


def test_another_persons_session_is_not_found(as_learner: Client, stranger: User) -> None:
    theirs = onboarding.session_start(user_id=stranger.id, flow="learner")

    assert as_learner.get(f"/onboarding/{theirs.id}/welcome/").status_code == 404
    assert as_learner.post(f"/onboarding/{theirs.id}/welcome/").status_code == 404
    assert not StepRecord.objects.exists()


def _walk_to_placement(client: Client, session: onboarding.SessionView) -> None:
    post_step(client, session, "welcome")
    post_step(client, session, "profile", {"display_name": "Thandi", "country": "ZA"})
    post_step(client, session, "goals", {"goals": "Run my own shop\nLearn bookkeeping", "interests": ["Business"]})
    post_step(client, session, "language", {"language": "en"})


def _answer_until_done(client: Client, attempt_id: uuid.UUID, session_id: uuid.UUID, *, right: bool) -> int:
    """Answers every item the page shows (by the choice's text), one page at a time; returns how many."""
    answered = 0
    url = f"/onboarding/placement/{attempt_id}/?session={session_id}"
    while True:
        attempt = onboarding.placement_get(attempt_id=attempt_id, user_id=PlacementAttempt.objects.get().user_id)
        if attempt.current is None:
            return answered
        page = client.get(url).content.decode()
        assert page.count('type="radio"') == 2  # one item per page, its choices as radio buttons
        choice = next(cid for cid, text in attempt.current.choices if (text == "Right") == right)
        response = client.post(url, {"question_id": str(attempt.current.question_id), "answer": choice})
        assert response.status_code == 302
        answered += 1
        assert answered <= 20


def test_placement_one_item_per_page_then_levels_and_the_learning_path(
    as_learner: Client, learner: User, catalogue: dict[str, uuid.UUID]
) -> None:
    session = start_learner_flow(as_learner)
    _walk_to_placement(as_learner, session)
    step_page = as_learner.get(f"/onboarding/{session.id}/placement/").content.decode()
    assert "Start the placement check" in step_page
    assert "Skip this step" in step_page

    started = as_learner.post("/onboarding/placement/", {"session": str(session.id)})

    attempt = PlacementAttempt.objects.get()
    assert started["Location"] == f"/onboarding/placement/{attempt.id}/?session={session.id}"
    first = as_learner.get(started["Location"]).content.decode()
    assert "<h1>Question 1</h1>" in first
    assert "Subject: Business" in first
    assert "I don't know</button>" in first

    answered = _answer_until_done(as_learner, attempt.id, session.id, right=True)

    assert 10 <= answered <= 16
    result = as_learner.get(f"/onboarding/placement/{attempt.id}/?session={session.id}")
    html = result.content.decode()
    assert "<h1>Your placement result</h1>" in html
    path = onboarding.learning_path_of(user_id=learner.id)
    assert path is not None
    assert path.items
    for subject, level in path.estimates.items():
        assert f"<dt>{path.subject_names.get(subject, subject)}</dt><dd>{level.capitalize()}</dd>" in html
    for item in path.items:
        assert item.course_title in html
        assert item.reason in html
    assert "Continue setting up" in html

    response = post_step(as_learner, session, "placement", {"attempt_id": str(attempt.id)})
    assert response["Location"] == f"/onboarding/{session.id}/plan/"
    assert StepRecord.objects.get(step="placement").data["attempt_id"] == str(attempt.id)


def test_placement_answers_that_do_not_fit_change_nothing(
    as_learner: Client, learner: User, catalogue: dict[str, uuid.UUID]
) -> None:
    attempt_id = uuid.UUID(as_learner.post("/onboarding/placement/")["Location"].split("/")[3])
    attempt = onboarding.placement_get(attempt_id=attempt_id, user_id=learner.id)
    assert attempt.current is not None
    url = f"/onboarding/placement/{attempt_id}/"

    empty = as_learner.post(url, {"question_id": str(attempt.current.question_id)})
    stale = as_learner.post(url, {"question_id": str(uuid.uuid4()), "answer": "a"})

    assert empty.status_code == 422
    assert "Choose an answer." in empty.content.decode()
    assert stale.status_code == 409
    assert "That question was already answered. Here is the next one." in stale.content.decode()
    assert onboarding.placement_get(attempt_id=attempt_id, user_id=learner.id).answered == 0


def test_i_dont_know_counts_as_an_answer(as_learner: Client, learner: User, catalogue: dict[str, uuid.UUID]) -> None:
    attempt_id = uuid.UUID(as_learner.post("/onboarding/placement/")["Location"].split("/")[3])
    attempt = onboarding.placement_get(attempt_id=attempt_id, user_id=learner.id)
    assert attempt.current is not None

    response = as_learner.post(
        f"/onboarding/placement/{attempt_id}/", {"question_id": str(attempt.current.question_id), "dont_know": "1"}
    )

    assert response.status_code == 302
    after = onboarding.placement_get(attempt_id=attempt_id, user_id=learner.id)
    assert after.answered == 1
    assert after.current is not None
    assert after.current.number == 2


def test_another_persons_placement_is_not_found(
    as_learner: Client, stranger: User, catalogue: dict[str, uuid.UUID]
) -> None:
    theirs = onboarding.placement_start(user_id=stranger.id)

    assert as_learner.get(f"/onboarding/placement/{theirs.id}/").status_code == 404
    assert as_learner.post(f"/onboarding/placement/{theirs.id}/", {"answer": "a"}).status_code == 404


def test_choosing_pro_offers_the_checkout_and_the_first_lesson_ends_the_wizard(
    as_learner: Client, learner: User, catalogue: dict[str, uuid.UUID]
) -> None:
    session = start_learner_flow(as_learner)
    _walk_to_placement(as_learner, session)
    attempt_id = uuid.UUID(as_learner.post("/onboarding/placement/", {"session": str(session.id)})["Location"][22:58])
    _answer_until_done(as_learner, attempt_id, session.id, right=False)
    post_step(as_learner, session, "placement", {"attempt_id": str(attempt_id)})

    chosen = post_step(as_learner, session, "plan", {"plan": "pro"})
    assert chosen["Location"] == f"/onboarding/{session.id}/first_lesson/"
    html = as_learner.get(f"/onboarding/{session.id}/first_lesson/").content.decode()
    assert 'href="/pay/buy/plan/pro/">Pay for PRO now</a>' in html
    path = onboarding.learning_path_of(user_id=learner.id)
    assert path is not None
    first = path.items[0]
    assert f'value="{first.course_id}"' in html
    assert first.reason in html

    response = post_step(as_learner, session, "first_lesson", {"course_id": str(first.course_id)})

    assert response.status_code == 302
    assert response["Location"] == f"/learn/{first.lesson_id}/"
    assert OnboardingSession.objects.get().status == "completed"
    assert [item.course.id for item in education.enrollments_of(user_id=learner.id).items] == [first.course_id]
    done = as_learner.get(f"/onboarding/{session.id}/done/").content.decode()
    assert "<h1>You are set up</h1>" in done
    assert as_learner.get(f"/onboarding/{session.id}/plan/")["Location"] == f"/onboarding/{session.id}/done/"


def test_the_dashboard_offers_the_placement_before_there_is_a_path(as_learner: Client) -> None:
    html = as_learner.get("/my/").content.decode()

    assert '<h2 id="learning-path-heading">Your learning path</h2>' in html
    assert 'action="/onboarding/placement/"' in html
    assert "Take the placement check</button>" in html


def test_the_dashboard_links_an_unfinished_onboarding(as_learner: Client) -> None:
    session = start_learner_flow(as_learner)
    post_step(as_learner, session, "welcome")

    html = as_learner.get("/my/").content.decode()

    assert '<a href="/onboarding/">Finish setting up (1 of 7 steps done)</a>' in html
    assert "Take the placement check</button>" not in html


def test_the_dashboard_shows_the_learning_path_with_each_reason_and_first_lesson(
    as_learner: Client, learner: User, catalogue: dict[str, uuid.UUID]
) -> None:
    attempt_id = uuid.UUID(as_learner.post("/onboarding/placement/")["Location"].split("/")[3])
    _answer_until_done(as_learner, attempt_id, uuid.uuid4(), right=True)
    path = onboarding.learning_path_of(user_id=learner.id)
    assert path is not None
    assert path.items

    html = as_learner.get("/my/").content.decode()

    for item in path.items:
        assert f'<a href="/courses/{item.course_slug}/">{item.course_title}</a>' in html
        assert f"<p>{item.reason}</p>" in html
        assert f'action="/courses/{item.course_slug}/enrol/"' in html
        assert f"Start: {item.lesson_title}" in html
    assert "Take the placement check" not in html
    assert LearningPath.objects.count() == 1


def test_a_completed_course_offers_the_placement_again_on_the_dashboard(
    as_learner: Client, learner: User, catalogue: dict[str, uuid.UUID]
) -> None:
    attempt_id = uuid.UUID(as_learner.post("/onboarding/placement/")["Location"].split("/")[3])
    _answer_until_done(as_learner, attempt_id, uuid.uuid4(), right=True)
    education.enrollment_create(course_id=catalogue["beginner"], user_id=learner.id)
    course = education.course_detail_by_id(course_id=catalogue["beginner"], viewer_id=learner.id)
    for module in course.modules:
        for lesson in module.lessons:
            education.lesson_complete(lesson_id=lesson.id, user_id=learner.id)
    dispatch_pending_events()  # education's CourseCompleted reaches onboarding's subscriber
    path = onboarding.learning_path_of(user_id=learner.id)
    assert path is not None
    assert path.placement_reoffered is True

    html = as_learner.get("/my/").content.decode()

    assert f'<p class="message" role="status">{path.reoffer_reason}</p>' in html
    assert "Take the placement check again</button>" in html

    again = as_learner.post("/onboarding/placement/")
    assert again.status_code == 302
    assert PlacementAttempt.objects.filter(status="active").count() == 1


def test_the_instructor_flow_records_terms_and_ends_in_the_new_course_draft(instructor: User, client: Client) -> None:
    client.force_login(instructor)
    client.post("/onboarding/", {"user_type": "instructor"})
    session = onboarding.session_current(user_id=instructor.id)
    assert session is not None
    assert [step.slug for step in session.steps] == [
        "welcome", "profile", "credentials", "terms", "payout", "first_course",
    ]  # fmt: skip
    post_step(client, session, "welcome")
    post_step(client, session, "profile", {"display_name": "Lerato Mokoena", "country": "ZA"})

    bad_link = post_step(client, session, "credentials", {"text": "Ten years of teaching.", "links": "not a link"})
    assert bad_link.status_code == 422
    assert "“not a link” is not a web address." in bad_link.content.decode()
    post_step(client, session, "credentials", {"text": "Ten years of teaching.", "links": "https://example.org/cv"})

    unaccepted = post_step(client, session, "terms", {})
    assert unaccepted.status_code == 422
    assert "This field is required." in unaccepted.content.decode()
    assert not StepRecord.objects.filter(step="terms").exists()
    terms_page = client.get(f"/onboarding/{session.id}/terms/").content.decode()
    assert "Version 2026-11. The version and the time are recorded." in terms_page
    post_step(client, session, "terms", {"accepted": "on"})

    bad_phone = post_step(client, session, "payout", {"method": "mobile_money", "phone_number": "12"})
    assert bad_phone.status_code == 422
    assert "A phone number of 7 to 15 digits" in bad_phone.content.decode()
    post_step(client, session, "payout", {"method": "mobile_money", "phone_number": "+254712345678"})
    assert StepRecord.objects.get(step="payout").data["destination_masked"] == "•••• 5678"

    response = post_step(client, session, "first_course", {"title": "Bookkeeping for market traders"})

    [course] = education.courses_taught_by(user_id=instructor.id)
    assert course.title == "Bookkeeping for market traders"
    assert response["Location"] == f"/teach/{course.id}/"
    assert OnboardingSession.objects.get().status == "completed"


def test_the_organisation_flow_creates_the_organisation_and_invites_members(client: Client) -> None:
    owner = UserFactory(email="ama@school.example", display_name="Ama")
    client.force_login(owner)
    client.post("/onboarding/", {"user_type": "organisation"})
    session = onboarding.session_current(user_id=owner.id)
    assert session is not None
    post_step(client, session, "welcome")
    post_step(client, session, "organisation", {"name": "Ubuntu High School"})

    nothing = post_step(client, session, "verification", {})
    assert nothing.status_code == 422
    assert "Give a web domain, a registration number or both." in nothing.content.decode()
    post_step(client, session, "verification", {"domain": "ubuntu-high.example"})
    post_step(client, session, "terms", {"accepted": "on"})

    bad = post_step(client, session, "invite_members", {"emails": "teacher@example.org, nobody", "role": "member"})
    assert bad.status_code == 422
    assert "“nobody” is not an email address." in bad.content.decode()
    post_step(client, session, "invite_members", {"emails": "teacher@example.org", "role": "instructor"})
    response = post_step(client, session, "sso", {"skip": "1"})

    assert response["Location"] == f"/onboarding/{session.id}/done/"
    [membership] = accounts.organisation_list_for_user(user_id=owner.id)
    assert membership.name == "Ubuntu High School"
    done = client.get(response["Location"]).content.decode()
    assert 'href="/organisations/"' in done
    # Coming back to /onboarding/ after finishing says so; ?choose=1 offers the types again for another flow.
    assert client.get("/onboarding/")["Location"] == f"/onboarding/{session.id}/done/"
    assert 'href="/onboarding/?choose=1"' in done
    chooser = client.get("/onboarding/?choose=1")
    assert chooser.status_code == 200
    assert 'value="instructor"' in chooser.content.decode()


def test_query_budgets_of_the_dashboard_card_a_step_and_a_placement_item(
    as_learner: Client, learner: User, catalogue: dict[str, uuid.UUID], django_assert_max_num_queries: Any
) -> None:
    session = start_learner_flow(as_learner)
    as_learner.get(f"/onboarding/{session.id}/welcome/")  # the guard's model and the roster are loaded once
    attempt_id = uuid.UUID(as_learner.post("/onboarding/placement/")["Location"].split("/")[3])
    _answer_until_done(as_learner, attempt_id, uuid.uuid4(), right=True)

    with django_assert_max_num_queries(DASHBOARD_BUDGET):
        assert as_learner.get("/my/").status_code == 200
    with django_assert_max_num_queries(STEP_BUDGET):
        assert as_learner.get(f"/onboarding/{session.id}/welcome/").status_code == 200
    second = uuid.UUID(as_learner.post("/onboarding/placement/")["Location"].split("/")[3])
    with django_assert_max_num_queries(PLACEMENT_ITEM_BUDGET):
        assert as_learner.get(f"/onboarding/placement/{second}/").status_code == 200
