"""AI Routing's read rules: who administers it, and which usage a viewer may see over which period."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from azora.accounts import public as accounts
from azora.accounts.tests.factories import UserFactory
from azora.ai_routing.errors import AiAdminRequired
from azora.ai_routing.selectors import may_administer_ai, usage_report_for_viewer
from azora.shared.errors import ValidationFailed

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 31)


def test_only_platform_admins_administer_ai_and_never_through_an_api_key() -> None:
    learner, admin = UserFactory(), UserFactory()
    accounts.platform_role_grant(user_id=admin.id, role="platform_admin")
    assert [
        may_administer_ai(user_id=admin.id, via_api_key=False),
        may_administer_ai(user_id=admin.id, via_api_key=True),
        may_administer_ai(user_id=learner.id, via_api_key=False),
        may_administer_ai(user_id=None, via_api_key=False),
    ] == [True, False, False, False]


def test_the_default_period_is_the_last_thirty_days_up_to_today() -> None:
    report = usage_report_for_viewer(
        viewer_user_id=uuid.uuid4(), viewer_organisation_id=None, via_api_key=False, today=TODAY
    )
    assert (report.since, report.until, report.rows) == (date(2026, 3, 1), TODAY, [])


@pytest.mark.parametrize(
    ("since", "until"), [(date(2026, 3, 2), date(2026, 3, 1)), (date(2025, 1, 1), date(2026, 1, 3))]
)
def test_a_backwards_or_too_long_period_is_refused(since: date, until: date) -> None:
    with pytest.raises(ValidationFailed, match="at most 366 days"):
        usage_report_for_viewer(
            viewer_user_id=uuid.uuid4(), viewer_organisation_id=None, via_api_key=False, since=since, until=until
        )


def test_asking_for_someone_elses_usage_needs_an_admin() -> None:
    learner = UserFactory()
    with pytest.raises(AiAdminRequired):
        usage_report_for_viewer(
            viewer_user_id=learner.id, viewer_organisation_id=None, via_api_key=False, user_id=uuid.uuid4()
        )
