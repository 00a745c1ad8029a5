"""Ages from dates of birth: the 18th birthday, 29 February, and `user_is_minor` over the stored date."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from azora.accounts import public
from azora.accounts.ages import age_on, birthday_in, is_minor_on
from azora.accounts.tests.factories import UserFactory


@pytest.mark.parametrize(
    ("born", "today", "minor"),
    [
        (date(2008, 6, 15), date(2026, 6, 14), True),  # the day before the 18th birthday
        (date(2008, 6, 15), date(2026, 6, 15), False),  # the 18th birthday itself
        (date(2008, 6, 15), date(2026, 6, 16), False),
        (date(2008, 1, 1), date(2025, 12, 31), True),
        (date(2008, 12, 31), date(2026, 12, 31), False),
        # 29 February: 18 on 1 March when the year has no 29 February, on 29 February when it has.
        (date(2008, 2, 29), date(2026, 2, 28), True),
        (date(2008, 2, 29), date(2026, 3, 1), False),
        (date(2010, 2, 28), date(2028, 2, 27), True),
        (date(2010, 2, 28), date(2028, 2, 28), False),
        (date(2012, 2, 29), date(2030, 2, 28), True),
        (date(2012, 2, 29), date(2030, 3, 1), False),
        (date(1996, 2, 29), date(2014, 2, 28), True),
        (date(1996, 2, 29), date(2014, 3, 1), False),
        (date(2014, 2, 28), date(2032, 2, 28), False),
        (date(2016, 2, 29), date(2034, 3, 1), False),
        (date(2024, 2, 29), date(2042, 2, 28), True),
        (date(2026, 1, 1), date(2026, 1, 1), True),  # born today
        (date(1950, 7, 1), date(2026, 1, 1), False),
    ],
)
def test_a_learner_is_a_minor_until_the_day_of_the_18th_birthday(born: date, today: date, minor: bool) -> None:
    assert is_minor_on(born, today) is minor


def test_a_29_february_birthday_falls_on_1_march_in_other_years_and_stays_in_leap_years() -> None:
    assert birthday_in(date(2008, 2, 29), 2026) == date(2026, 3, 1)
    assert birthday_in(date(2008, 2, 29), 2028) == date(2028, 2, 29)
    assert birthday_in(date(2008, 2, 29), 2100) == date(2100, 3, 1)  # 2100 is not a leap year
    assert birthday_in(date(2008, 3, 1), 2026) == date(2026, 3, 1)
    assert age_on(date(2008, 2, 29), date(2028, 2, 29)) == 20
    assert age_on(date(2008, 2, 29), date(2027, 2, 28)) == 18


@settings(max_examples=50, deadline=None)
@given(born=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), days=st.integers(0, 40_000))
def test_age_never_decreases_and_grows_by_one_on_each_birthday(born: date, days: int) -> None:
    today = date.fromordinal(born.toordinal() + days)
    tomorrow = date.fromordinal(today.toordinal() + 1)
    step = age_on(born, tomorrow) - age_on(born, today)
    assert step == (1 if tomorrow == birthday_in(born, tomorrow.year) else 0)
    assert is_minor_on(born, today) is (age_on(born, today) < 18)


@pytest.mark.django_db
def test_user_is_minor_reads_the_stored_date_and_is_false_when_unknown() -> None:
    minor = UserFactory(date_of_birth=date(2010, 5, 20))
    adult = UserFactory(date_of_birth=date(2008, 2, 29))
    unknown = UserFactory(date_of_birth=None)
    today = date(2026, 3, 1)

    assert public.user_is_minor(user_id=minor.id, today=today) is True
    assert public.user_is_minor(user_id=adult.id, today=today) is False
    assert public.user_is_minor(user_id=adult.id, today=date(2026, 2, 28)) is True
    assert public.user_is_minor(user_id=unknown.id, today=today) is False
    assert public.user_is_minor(user_id=uuid.uuid4(), today=today) is False
    assert public.user_is_minor(user_id=None, today=today) is False


@pytest.mark.django_db
def test_user_is_minor_counts_today_in_the_users_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    # 28 Feb 2026 at 23:30 UTC is already 1 March in Johannesburg (UTC+2), still 28 February in New York.
    monkeypatch.setattr("azora.accounts.selectors.timezone.now", lambda: datetime(2026, 2, 28, 23, 30, tzinfo=UTC))
    johannesburg = UserFactory(date_of_birth=date(2008, 3, 1), time_zone="Africa/Johannesburg")
    new_york = UserFactory(date_of_birth=date(2008, 3, 1), time_zone="America/New_York")
    broken = UserFactory(date_of_birth=date(2008, 3, 1), time_zone="Nowhere/Land")

    assert public.user_is_minor(user_id=johannesburg.id) is False
    assert public.user_is_minor(user_id=new_york.id) is True
    assert public.user_is_minor(user_id=broken.id) is True  # an unknown zone counts in UTC
