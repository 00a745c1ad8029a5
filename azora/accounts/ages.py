"""Ages from dates of birth: pure calendar rules (no database, no clock)."""

from __future__ import annotations

import calendar
from datetime import date

ADULT_AGE = 18
# A date of birth further back than this is a typing mistake, not a person.
OLDEST_AGE = 130


def birthday_in(date_of_birth: date, year: int) -> date:
    """The person's birthday in `year`; 29 February falls on 1 March in years that have no 29 February.

    1 March is the legal rule in, among others, England and Wales, New Zealand and Hong Kong, and it keeps a
    learner born on 29 February under 18 for the one extra day rather than one day too few.
    """
    if date_of_birth.month == 2 and date_of_birth.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return date_of_birth.replace(year=year)


def age_on(date_of_birth: date, today: date) -> int:
    """Completed years of age on `today` (a person turns N on their Nth birthday); negative before birth."""
    years = today.year - date_of_birth.year
    return years if today >= birthday_in(date_of_birth, today.year) else years - 1


def is_minor_on(date_of_birth: date, today: date) -> bool:
    """Under 18 on `today`: true until the day of the 18th birthday, false from that day on."""
    return age_on(date_of_birth, today) < ADULT_AGE
