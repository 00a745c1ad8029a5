"""factory_boy factories for the marketplace's tables: skills, profiles, listings (jobs and gigs), applications."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from azora.accounts.tests.factories import UserFactory
from azora.marketplace.models import (
    Application,
    Listing,
    ListingKind,
    ListingMilestone,
    ListingSkill,
    ListingStatus,
    PayPeriod,
    Profile,
    Skill,
    UserSkill,
)
from azora.marketplace.services.match_index import listings_written


class SkillFactory(DjangoModelFactory[Skill]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = Skill
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.LazyAttribute(lambda skill: slugify(skill.name))
    category = "Software"


class ProfileFactory(DjangoModelFactory[Profile]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    headline = "Junior developer"
    location = "Cape Town"
    country = "ZA"
    is_remote_ok = True
    years_experience = 2
    expected_pay_minor = 2_000_000  # R20,000.00 a month
    expected_pay_currency = "ZAR"


class UserSkillFactory(DjangoModelFactory[UserSkill]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = UserSkill

    user = factory.SubFactory(UserFactory)
    skill = factory.SubFactory(SkillFactory)
    level = 2


class ListingFactory(DjangoModelFactory[Listing]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    """An open full-time job in Cape Town paying R20,000 to R30,000 a month; `GigFactory` for a gig."""

    class Meta:
        model = Listing
        skip_postgeneration_save = True  # the hook below writes rows of its own

    kind = ListingKind.JOB
    job_type = "full_time"
    title = factory.Sequence(lambda n: f"Python developer {n}")
    description = "Build and run **Django** services."
    description_html = "<p>Build and run <strong>Django</strong> services.</p>"
    poster = factory.SubFactory(UserFactory)
    location = "Cape Town"
    country = "ZA"
    is_remote = False
    currency = "ZAR"
    pay_min_minor = 2_000_000
    pay_max_minor = 3_000_000
    pay_period = PayPeriod.MONTH
    experience_years = 2
    status = ListingStatus.OPEN
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation  # type: ignore[untyped-decorator]  # factory_boy is typed as Any
    def open_requirements(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:  # as the listing services do on every write (what "my matches" ranks from)
            listings_written([self.id])


class ListingSkillFactory(DjangoModelFactory[ListingSkill]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = ListingSkill
        skip_postgeneration_save = True

    listing = factory.SubFactory(ListingFactory)
    skill = factory.SubFactory(SkillFactory)
    level = 2
    is_required = True

    @factory.post_generation  # type: ignore[untyped-decorator]  # factory_boy is typed as Any
    def counted(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:  # the listing's open requirements, as the listing services keep them
            listings_written([self.listing_id])


class GigFactory(ListingFactory):
    """An open remote gig with a fixed price of R5,000.00 in two milestones (R2,000 and R3,000)."""

    class Meta:
        skip_postgeneration_save = True  # the milestones hook writes its own rows; the listing needs no second save

    kind = ListingKind.GIG
    job_type = ""
    title = factory.Sequence(lambda n: f"Landing page build {n}")
    is_remote = True
    pay_min_minor = 500_000
    pay_max_minor = 500_000
    pay_period = PayPeriod.PROJECT

    @factory.post_generation  # type: ignore[untyped-decorator]  # factory_boy is typed as Any
    def milestones(self, create: bool, extracted: list[tuple[str, int]] | None, **kwargs: Any) -> None:
        if not create:
            return
        for position, (title, amount) in enumerate(extracted or [("Design", 200_000), ("Build", 300_000)], 1):
            ListingMilestone.objects.create(listing=self, position=position, title=title, amount_minor=amount)


class ApplicationFactory(DjangoModelFactory[Application]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = Application

    listing = factory.SubFactory(ListingFactory)
    applicant = factory.SubFactory(UserFactory)
    cover_letter = "I have built three Django services and would like to build yours."
    expected_pay_minor = 2_500_000
    currency = factory.LazyAttribute(lambda application: application.listing.currency)
