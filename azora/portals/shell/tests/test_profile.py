"""The profile settings page: display name, language, country, time zone and the optional date of birth."""

from __future__ import annotations

from datetime import UTC, date

import pytest
from django.test import Client
from django.utils import timezone

from azora.accounts.models import User
from azora.portals.shell.tests.helpers import HTMX, is_fragment, login_url

pytestmark = pytest.mark.django_db

URL = "/account/profile/"
VALID = {"display_name": "Thandi M.", "preferred_language": "af", "country": "za", "time_zone": "Africa/Johannesburg"}


def _profile_of(person: User) -> tuple[object, ...]:
    person.refresh_from_db()
    return (person.display_name, person.preferred_language, person.country, person.time_zone, person.date_of_birth)


def test_visitors_are_sent_to_sign_in(client: Client) -> None:
    for response in (client.get(URL), client.post(URL, VALID)):
        assert response.status_code == 302
        assert response["Location"] == login_url(URL)


def test_get_shows_the_current_profile(signed_in: Client) -> None:
    response = signed_in.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<input type="text" name="display_name" value="Thandi"' in html
    assert '<option value="en" selected>English</option>' in html
    assert '<option value="UTC" selected>UTC</option>' in html
    assert "<strong>thandi@example.test</strong>" in html


def test_post_saves_the_profile_and_switches_the_interface_language(signed_in: Client, person: User) -> None:
    response = signed_in.post(URL, VALID)

    assert response.status_code == 302
    assert response["Location"] == URL
    assert _profile_of(person) == ("Thandi M.", "af", "ZA", "Africa/Johannesburg", None)
    assert response.cookies["django_language"].value == "af"
    assert '<html lang="af"' in signed_in.get(URL).content.decode()


def test_post_with_a_country_that_does_not_exist_shows_the_error_and_changes_nothing(
    signed_in: Client, person: User
) -> None:
    before = _profile_of(person)

    response = signed_in.post(URL, {**VALID, "country": "QQ"})

    assert response.status_code == 422
    html = response.content.decode()
    assert '<ul class="errorlist" id="id_country_error"><li>Not an ISO 3166-1 alpha-2 country code.</li></ul>' in html
    assert 'aria-invalid="true"' in html
    assert _profile_of(person) == before
    assert "django_language" not in response.cookies


def test_post_with_malformed_input_shows_each_error_and_changes_nothing(signed_in: Client, person: User) -> None:
    before = _profile_of(person)

    response = signed_in.post(
        URL, {"display_name": "x" * 121, "preferred_language": "tlh", "country": "1", "time_zone": "Mars/Olympus"}
    )

    assert response.status_code == 422
    form = response.context["form"]
    assert sorted(form.errors) == ["country", "display_name", "preferred_language", "time_zone"]
    assert _profile_of(person) == before


def test_htmx_post_answers_with_the_form_fragment(signed_in: Client, person: User) -> None:
    response = signed_in.post(URL, {**VALID, "preferred_language": "en"}, headers=HTMX)

    assert response.status_code == 200
    assert is_fragment(response.content)
    html = response.content.decode()
    assert html.strip().startswith('<section id="profile-form"')
    assert "Your profile was saved." in html
    assert "HX-Refresh" not in response.headers
    assert _profile_of(person) == ("Thandi M.", "en", "ZA", "Africa/Johannesburg", None)


def test_htmx_post_that_changes_the_language_reloads_the_page(signed_in: Client) -> None:
    response = signed_in.post(URL, VALID, headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"


def test_htmx_get_answers_with_the_form_fragment(signed_in: Client) -> None:
    response = signed_in.get(URL, headers=HTMX)

    assert response.status_code == 200
    assert is_fragment(response.content)


def test_the_date_of_birth_is_optional_labelled_and_explained(signed_in: Client) -> None:
    html = signed_in.get(URL).content.decode()

    assert '<label for="id_date_of_birth">Date of birth (optional):</label>' in html
    today = timezone.now().astimezone(UTC).date().isoformat()
    assert (
        f'<input type="date" name="date_of_birth" autocomplete="bday" max="{today}" '
        'aria-describedby="id_date_of_birth_helptext" id="id_date_of_birth">'
    ) in html
    assert 'id="id_date_of_birth_helptext"' in html
    assert "Only you can see it." in html


def test_post_saves_the_date_of_birth_shows_it_back_and_can_clear_it(signed_in: Client, person: User) -> None:
    response = signed_in.post(URL, {**VALID, "preferred_language": "en", "date_of_birth": "2011-02-28"})

    assert response.status_code == 302
    assert _profile_of(person)[4] == date(2011, 2, 28)
    assert 'name="date_of_birth" value="2011-02-28"' in signed_in.get(URL).content.decode()

    signed_in.post(URL, {**VALID, "preferred_language": "en", "date_of_birth": ""})
    assert _profile_of(person)[4] is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2999-01-01", "A date of birth cannot be in the future."),
        ("1800-01-01", "Enter a date of birth less than 130 years ago."),
        ("2011-02-30", "Enter a valid date."),
        ("soon", "Enter a valid date."),
    ],
)
def test_a_date_of_birth_in_the_future_too_long_ago_or_not_a_date_shows_the_error_and_changes_nothing(
    signed_in: Client, person: User, typed: str, message: str
) -> None:
    person.date_of_birth = date(2000, 1, 1)
    person.save(update_fields=["date_of_birth"])
    before = _profile_of(person)

    response = signed_in.post(URL, {**VALID, "preferred_language": "en", "date_of_birth": typed})

    assert response.status_code == 422
    assert f'<ul class="errorlist" id="id_date_of_birth_error"><li>{message}</li></ul>' in response.content.decode()
    assert _profile_of(person) == before
