"""Marketplace demo data: organisations' jobs and gigs, the demo people's skill profiles, and one gig in progress.

Loaded by `azora demo-data` (and every embedded `azora run`) after the accounts, education, finance, payments and
revenue demos and before the agents demo (registered at the bottom of this module, order 65; wiring imports it at
start-up). Everything goes through public functions: organisations through `accounts.public.organisation_create`
(owned by the demo admin, who posts for them), listings through `marketplace.public.listing_create`, profiles and
skills through `profile_update` and `skills_set`, the gig through `application_create`, `application_transition`
(offered, then accepted: the contract is made), `milestone_fund` (the sandbox card) and `milestone_submit`.

What it makes (see docs/marketplace.md, "Demo data"):
- 34 open listings (23 jobs, 11 gigs) from seven organisations and the demo instructor, in ZAR and KES, on site and
  remote, each asking for catalogue skills at a level;
- skill profiles for the demo learner (a junior with Excel, Python and data analysis, in Cape Town) and the demo
  instructor, so the learner's "my matches" is not empty;
- the learner's application to a job (shortlisted) and a gig contract with the instructor: the first milestone held
  in escrow (funded by card) and the work handed in, the second not funded yet; a short message thread.

Idempotent: a listing is made only when its poster has none with that title; a profile and skills only for someone
who has neither yet; the gig is carried on from whatever step it reached. Running it twice changes nothing.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

import azora.accounts.public as accounts
from azora.marketplace.public import applications as market_applications
from azora.marketplace.public import contracts as market_contracts
from azora.marketplace.public import listings as market_listings
from azora.marketplace.public import skills as market_skills
from azora.marketplace.public.views import ListingSkillInput, MilestoneInput
from azora.shared import demo as shared_demo

logger = logging.getLogger(__name__)

DEMO_ADMIN_EMAIL = "admin@azora.local"
DEMO_INSTRUCTOR_EMAIL = "instructor@azora.local"
DEMO_LEARNER_EMAIL = "learner@azora.local"
# The sandbox's card that succeeds without 3-D Secure (docs/payments.md).
DEMO_CARD = {"type": "card", "number": "4242424242424242", "exp_month": "12", "exp_year": "2040", "cvc": "123"}

# (slug, name) of the organisations that post jobs; the demo admin owns each (Ubuntu Academy is the accounts demo's).
ORGANISATIONS: tuple[tuple[str, str], ...] = (
    ("ubuntu-academy", "Ubuntu Academy"),
    ("karoo-solar", "Karoo Solar Co-operative"),
    ("lwazi-financial", "Lwazi Financial Services"),
    ("jacaranda-health", "Jacaranda Health Clinics"),
    ("baobab-logistics", "Baobab Logistics"),
    ("mbali-studio", "Mbali Creative Studio"),
    ("sawubona-tours", "Sawubona Tours"),
)

BEGINNER, INTERMEDIATE, ADVANCED, EXPERT = 1, 2, 3, 4
Skills = tuple[tuple[str, int, bool], ...]  # (catalogue name, level, required)


@dataclass(frozen=True, slots=True)
class DemoListing:
    """One listing: `organisation` is a slug of ORGANISATIONS, or "" for the demo instructor's own gigs."""

    organisation: str
    kind: str
    title: str
    description: str
    location: str
    country: str
    is_remote: bool
    currency: str
    pay_min_minor: int
    pay_max_minor: int
    skills: Skills
    job_type: str = ""
    pay_period: str = "month"
    experience_years: int = 0
    milestones: tuple[tuple[str, int], ...] = ()


def _job(
    organisation: str,
    title: str,
    description: str,
    *,
    where: tuple[str, str, bool],
    pay: tuple[str, int, int],
    skills: Skills,
    job_type: str = "full_time",
    years: int = 0,
    period: str = "month",
) -> DemoListing:
    location, country, is_remote = where
    currency, low, high = pay
    return DemoListing(
        organisation=organisation,
        kind="job",
        job_type=job_type,
        title=title,
        description=description,
        location=location,
        country=country,
        is_remote=is_remote,
        currency=currency,
        pay_min_minor=low,
        pay_max_minor=high,
        pay_period=period,
        experience_years=years,
        skills=skills,
    )


def _gig(
    organisation: str,
    title: str,
    description: str,
    *,
    milestones: tuple[tuple[str, int], ...],
    skills: Skills,
    currency: str = "ZAR",
    years: int = 0,
    where: tuple[str, str, bool] = ("", "ZA", True),
) -> DemoListing:
    location, country, is_remote = where
    price = sum(amount for _title, amount in milestones)
    return DemoListing(
        organisation=organisation,
        kind="gig",
        title=title,
        description=description,
        location=location,
        country=country,
        is_remote=is_remote,
        currency=currency,
        pay_min_minor=price,
        pay_max_minor=price,
        pay_period="project",
        experience_years=years,
        skills=skills,
        milestones=milestones,
    )


CAPE_TOWN = ("Cape Town", "ZA", False)
JOHANNESBURG = ("Johannesburg", "ZA", False)
PRETORIA = ("Pretoria", "ZA", False)
DURBAN = ("Durban", "ZA", False)
UPINGTON = ("Upington", "ZA", False)
NAIROBI = ("Nairobi", "KE", False)
REMOTE_ZA = ("", "ZA", True)
REMOTE_KE = ("", "KE", True)

# The gig the demo learner works on for the demo instructor (a contract in progress).
CONTRACT_GIG_TITLE = "Excel budgeting template for the \u201cPersonal budgeting\u201d lesson"
# The job the demo learner applied to (shortlisted).
APPLIED_JOB_TITLE = "Junior data analyst"

LISTINGS: tuple[DemoListing, ...] = (
    # --- Ubuntu Academy (education) ---
    _job(
        "ubuntu-academy",
        "Python tutor for evening classes",
        "Teach **Python basics** to adult learners two evenings a week, in person in Cape Town.\n\n"
        "- Follow the Azora *Python basics* course\n- Mark weekly exercises\n- Help learners with their projects",
        where=CAPE_TOWN,
        pay=("ZAR", 1_200_000, 1_600_000),
        job_type="part_time",
        years=1,
        skills=(("Python", INTERMEDIATE, True), ("Teaching", BEGINNER, True), ("Git", BEGINNER, False)),
    ),
    _job(
        "ubuntu-academy",
        "Curriculum designer, financial literacy",
        "Design short, practical lessons on budgeting, saving and credit for first-time earners. You write the "
        "outline, the lessons and the quizzes; our instructors review them.",
        where=REMOTE_ZA,
        pay=("ZAR", 2_800_000, 3_600_000),
        years=3,
        skills=(
            ("Curriculum design", ADVANCED, True),
            ("Technical writing", INTERMEDIATE, True),
            ("Microsoft Excel", INTERMEDIATE, False),
        ),
    ),
    _job(
        "ubuntu-academy",
        "Learner support agent",
        "Answer learners' questions by chat and email, in English and isiZulu or isiXhosa, and pass course "
        "problems on to the right instructor.",
        where=DURBAN,
        pay=("ZAR", 1_100_000, 1_400_000),
        skills=(("Customer service", BEGINNER, True), ("Translation", BEGINNER, False)),
    ),
    _job(
        "ubuntu-academy",
        "Teaching assistant internship",
        "Six months with our instructors: prepare exercises, run study groups, learn how a course is built.",
        where=CAPE_TOWN,
        pay=("ZAR", 600_000, 800_000),
        job_type="internship",
        skills=(("Teaching", BEGINNER, True), ("Microsoft Excel", BEGINNER, False)),
    ),
    _gig(
        "ubuntu-academy",
        "Short explainer videos for the civics course",
        "Edit five 3-minute videos from our recordings: cuts, captions and title cards.",
        milestones=(("First two videos", 300_000), ("Remaining three videos", 450_000)),
        skills=(("Video editing", INTERMEDIATE, True),),
    ),
    # --- Karoo Solar Co-operative ---
    _job(
        "karoo-solar",
        "Solar PV installer",
        "Install and maintain rooftop solar systems for homes and farms in the Northern Cape. A valid driver's "
        "licence is needed; we train you on our inverters.",
        where=UPINGTON,
        pay=("ZAR", 1_600_000, 2_200_000),
        years=1,
        skills=(("Solar PV installation", INTERMEDIATE, True), ("Electrical installation", INTERMEDIATE, True)),
    ),
    _job(
        "karoo-solar",
        "Apprentice electrician",
        "Learn the trade beside our qualified electricians: wiring, distribution boards, safety checks.",
        where=UPINGTON,
        pay=("ZAR", 800_000, 1_100_000),
        job_type="internship",
        skills=(("Electrical installation", BEGINNER, True),),
    ),
    _job(
        "karoo-solar",
        "Bookkeeper for a growing co-operative",
        "Keep our books: invoices, supplier payments, VAT returns and the monthly report to members.",
        where=UPINGTON,
        pay=("ZAR", 1_500_000, 1_900_000),
        job_type="part_time",
        years=2,
        skills=(("Bookkeeping", INTERMEDIATE, True), ("Microsoft Excel", INTERMEDIATE, True)),
    ),
    _gig(
        "karoo-solar",
        "Solar savings calculator in a spreadsheet",
        "A spreadsheet a customer fills in (roof size, monthly bill) that estimates the system size, price and "
        "payback time.",
        milestones=(("Working calculator", 250_000), ("Polished version with instructions", 150_000)),
        skills=(("Microsoft Excel", ADVANCED, True), ("Data analysis", BEGINNER, False)),
    ),
    # --- Lwazi Financial Services ---
    _job(
        "lwazi-financial",
        "Django developer",
        "Build the services behind our savings app: Django, PostgreSQL, background jobs and a clean API.",
        where=JOHANNESBURG,
        pay=("ZAR", 3_500_000, 4_800_000),
        years=3,
        skills=(
            ("Python", ADVANCED, True),
            ("Django", ADVANCED, True),
            ("PostgreSQL", INTERMEDIATE, True),
            ("Docker", BEGINNER, False),
        ),
    ),
    _job(
        "lwazi-financial",
        "Junior Python developer",
        "Join a small team that pairs a lot. You know Python and some SQL; we teach you the rest.",
        where=REMOTE_ZA,
        pay=("ZAR", 1_800_000, 2_400_000),
        skills=(("Python", INTERMEDIATE, True), ("SQL", BEGINNER, True), ("Git", BEGINNER, False)),
    ),
    _job(
        "lwazi-financial",
        APPLIED_JOB_TITLE,
        "Turn transaction data into weekly reports for our product team: spreadsheets first, Python when it "
        "helps. Remote within South Africa.",
        where=REMOTE_ZA,
        pay=("ZAR", 1_600_000, 2_200_000),
        skills=(("Data analysis", BEGINNER, True), ("Microsoft Excel", ADVANCED, True), ("Python", BEGINNER, False)),
    ),
    _job(
        "lwazi-financial",
        "Frontend developer (React)",
        "Build the web version of our savings app in React, accessible and fast on cheap phones.",
        where=JOHANNESBURG,
        pay=("ZAR", 3_000_000, 4_200_000),
        years=2,
        skills=(("React", ADVANCED, True), ("JavaScript", ADVANCED, True), ("CSS", INTERMEDIATE, True)),
    ),
    _job(
        "lwazi-financial",
        "Customer success lead",
        "Lead a team of six agents who help our members with their savings goals; improve our help pages.",
        where=JOHANNESBURG,
        pay=("ZAR", 2_500_000, 3_200_000),
        years=4,
        skills=(("Customer service", EXPERT, True), ("Project management", INTERMEDIATE, False)),
    ),
    _gig(
        "lwazi-financial",
        "Landing page for a savings club product",
        "One responsive page (HTML and CSS, no framework) with a sign-up form that posts to our API.",
        milestones=(("Design and HTML", 200_000), ("Responsive CSS and form", 200_000)),
        skills=(("HTML", INTERMEDIATE, True), ("CSS", INTERMEDIATE, True), ("JavaScript", BEGINNER, False)),
    ),
    # --- Jacaranda Health Clinics ---
    _job(
        "jacaranda-health",
        "Data analyst, clinic operations",
        "Analyse waiting times and stock levels across our 12 clinics and build the dashboards managers use.",
        where=PRETORIA,
        pay=("ZAR", 2_600_000, 3_400_000),
        years=2,
        skills=(("Data analysis", ADVANCED, True), ("SQL", INTERMEDIATE, True), ("Python", INTERMEDIATE, False)),
    ),
    _job(
        "jacaranda-health",
        "Machine learning engineer (triage)",
        "Improve the model that suggests a triage category from symptoms; work with our nurses on evaluation.",
        where=REMOTE_ZA,
        pay=("ZAR", 4_500_000, 6_000_000),
        years=4,
        skills=(("Machine learning", ADVANCED, True), ("Python", ADVANCED, True), ("SQL", INTERMEDIATE, False)),
    ),
    _job(
        "jacaranda-health",
        "IT support technician",
        "Keep the clinics' laptops, printers and network running; Linux servers at head office.",
        where=PRETORIA,
        pay=("ZAR", 1_400_000, 1_800_000),
        years=1,
        skills=(("Linux", INTERMEDIATE, True), ("Customer service", BEGINNER, False)),
    ),
    _gig(
        "jacaranda-health",
        "Patient leaflet translations",
        "Translate six one-page leaflets from English into isiZulu and Sesotho; plain language, checked by a nurse.",
        milestones=(("isiZulu leaflets", 180_000), ("Sesotho leaflets", 180_000)),
        skills=(("Translation", ADVANCED, True),),
    ),
    # --- Baobab Logistics (Kenya) ---
    _job(
        "baobab-logistics",
        "Logistics coordinator",
        "Plan daily delivery routes for 40 motorbike riders in Nairobi and keep customers informed.",
        where=NAIROBI,
        pay=("KES", 8_000_000, 11_000_000),
        years=2,
        skills=(
            ("Logistics", INTERMEDIATE, True),
            ("Microsoft Excel", INTERMEDIATE, True),
            ("Customer service", BEGINNER, False),
        ),
    ),
    _job(
        "baobab-logistics",
        "Flutter developer",
        "Build the riders' app in Flutter: offline-first, maps, M-Pesa confirmations.",
        where=REMOTE_KE,
        pay=("KES", 18_000_000, 25_000_000),
        years=3,
        skills=(("Flutter", ADVANCED, True), ("Git", INTERMEDIATE, True)),
    ),
    _job(
        "baobab-logistics",
        "Operations analyst",
        "Measure on-time deliveries and costs per route; suggest changes and check they worked.",
        where=NAIROBI,
        pay=("KES", 10_000_000, 14_000_000),
        years=1,
        skills=(
            ("Data analysis", INTERMEDIATE, True),
            ("SQL", INTERMEDIATE, True),
            ("Microsoft Excel", ADVANCED, False),
        ),
    ),
    _job(
        "baobab-logistics",
        "DevOps engineer",
        "Run our services on Linux with Docker; automate deployments and keep the monitoring honest.",
        where=REMOTE_KE,
        pay=("KES", 20_000_000, 28_000_000),
        years=4,
        skills=(("Linux", ADVANCED, True), ("Docker", ADVANCED, True), ("PostgreSQL", INTERMEDIATE, False)),
    ),
    _gig(
        "baobab-logistics",
        "Rider safety guide, written and illustrated",
        "A 12-page guide for new riders: road safety, loading, what to do after an accident.",
        currency="KES",
        milestones=(("Text", 3_000_000), ("Illustrations and layout", 4_000_000)),
        skills=(("Technical writing", INTERMEDIATE, True), ("Graphic design", INTERMEDIATE, True)),
        where=REMOTE_KE,
    ),
    # --- Mbali Creative Studio ---
    _job(
        "mbali-studio",
        "UX designer",
        "Research, prototype and test the apps we build for our clients; Figma files developers love.",
        where=DURBAN,
        pay=("ZAR", 2_800_000, 3_800_000),
        years=3,
        skills=(("UX design", ADVANCED, True), ("Graphic design", INTERMEDIATE, False)),
    ),
    _job(
        "mbali-studio",
        "Social media coordinator",
        "Plan and post our clients' content on Instagram, TikTok and LinkedIn, and report what worked.",
        where=DURBAN,
        pay=("ZAR", 1_300_000, 1_700_000),
        job_type="contract",
        years=1,
        skills=(
            ("Social media marketing", INTERMEDIATE, True),
            ("Copywriting", INTERMEDIATE, True),
            ("Photography", BEGINNER, False),
        ),
    ),
    _gig(
        "mbali-studio",
        "Logo and brand kit for a township bakery",
        "A logo, two colours, a font pairing and a one-page brand sheet for a family bakery in Umlazi.",
        milestones=(("Three logo sketches", 150_000), ("Final logo and brand sheet", 250_000)),
        skills=(("Graphic design", ADVANCED, True),),
    ),
    _gig(
        "mbali-studio",
        "Product photos for an online craft shop",
        "Photograph 40 beadwork pieces on a white background; edited, web-sized files.",
        milestones=(("Shoot", 200_000), ("Edited photos", 150_000)),
        skills=(("Photography", INTERMEDIATE, True),),
        where=DURBAN,
    ),
    # --- Sawubona Tours ---
    _job(
        "sawubona-tours",
        "Sales consultant, group tours",
        "Sell township and Garden Route tours to schools and companies; you know how to follow up.",
        where=CAPE_TOWN,
        pay=("ZAR", 1_500_000, 2_500_000),
        years=1,
        skills=(("Sales", INTERMEDIATE, True), ("Customer service", INTERMEDIATE, True)),
    ),
    _job(
        "sawubona-tours",
        "Copywriter, tour pages",
        "Write the pages of our 30 tours in warm, clear English; some German or French is a plus.",
        where=REMOTE_ZA,
        pay=("ZAR", 1_400_000, 1_800_000),
        job_type="part_time",
        skills=(("Copywriting", INTERMEDIATE, True), ("Translation", BEGINNER, False)),
    ),
    _gig(
        "sawubona-tours",
        "Booking spreadsheet clean-up",
        "Our bookings live in one messy spreadsheet: clean it, add validation and a monthly summary sheet.",
        milestones=(("Cleaned data and validation", 150_000), ("Summary sheet", 100_000)),
        skills=(("Microsoft Excel", INTERMEDIATE, True), ("Data analysis", BEGINNER, True)),
    ),
    # --- The demo instructor's own gigs ---
    _gig(
        "",
        CONTRACT_GIG_TITLE,
        "A spreadsheet learners copy to plan a month's budget: income, fixed costs, savings goal, and a chart. "
        "It goes with the *Personal budgeting* lesson.",
        milestones=(("Draft template with sample data", 120_000), ("Final template and a one-page guide", 180_000)),
        skills=(("Microsoft Excel", ADVANCED, True), ("Bookkeeping", BEGINNER, False)),
    ),
    _gig(
        "",
        "Quiz questions for the Python basics course",
        "Write 40 multiple-choice questions with explanations, five per lesson, at a beginner's level.",
        milestones=(("First 20 questions", 100_000), ("Last 20 questions", 100_000)),
        skills=(("Python", INTERMEDIATE, True), ("Teaching", BEGINNER, False)),
    ),
    _gig(
        "",
        "Slides for a course on starting a small business",
        "Turn eight lesson outlines into clear slide decks (our template), with simple diagrams.",
        milestones=(("Lessons 1-4", 150_000), ("Lessons 5-8", 150_000)),
        skills=(("Graphic design", BEGINNER, True), ("Technical writing", BEGINNER, False)),
    ),
)

# email -> (headline, bio, location, country, remote ok, years, expected pay (minor, currency), skills (name, level))
PROFILES: dict[str, tuple[str, str, str, str, bool, int, tuple[int, str], tuple[tuple[str, int], ...]]] = {
    DEMO_LEARNER_EMAIL: (
        "Junior data analyst: spreadsheets, Python and SQL",
        "I finished Azora's Python basics and Personal budgeting courses and build budgeting spreadsheets for "
        "small businesses in my neighbourhood.",
        "Cape Town",
        "ZA",
        True,
        1,
        (1_500_000, "ZAR"),
        (
            ("Microsoft Excel", ADVANCED),
            ("Python", INTERMEDIATE),
            ("Data analysis", INTERMEDIATE),
            ("SQL", BEGINNER),
            ("HTML", INTERMEDIATE),
            ("CSS", BEGINNER),
            ("Bookkeeping", BEGINNER),
        ),
    ),
    DEMO_INSTRUCTOR_EMAIL: (
        "Instructor and curriculum designer",
        "Eight years of teaching programming and money skills; I write courses for Azora.",
        "Johannesburg",
        "ZA",
        True,
        8,
        (4_500_000, "ZAR"),
        (
            ("Teaching", EXPERT),
            ("Curriculum design", ADVANCED),
            ("Python", ADVANCED),
            ("Technical writing", ADVANCED),
            ("Project management", INTERMEDIATE),
        ),
    ),
}

CONTRACT_MESSAGES: tuple[tuple[str, str], ...] = (
    (DEMO_LEARNER_EMAIL, "Hello Thandi, I have built budget templates for three spaza shops; I can start this week."),
    (DEMO_INSTRUCTOR_EMAIL, "Welcome aboard, Sipho. Keep the formulas visible: learners should see how it works."),
    (DEMO_LEARNER_EMAIL, "The draft with sample data is handed in; the chart updates as you type."),
)


class _NotYet(Exception):
    """A marketplace function the demo needs is not implemented in this build: skip that part, log it."""


def load_demo_data() -> None:
    """Creates what is missing of the marketplace demo; running it again changes nothing."""
    admin_id = accounts.active_user_id_by_email(email=DEMO_ADMIN_EMAIL)
    instructor_id = accounts.active_user_id_by_email(email=DEMO_INSTRUCTOR_EMAIL)
    learner_id = accounts.active_user_id_by_email(email=DEMO_LEARNER_EMAIL)
    if admin_id is None or instructor_id is None or learner_id is None:
        logger.warning("marketplace demo skipped: the accounts demo's users are missing")
        return
    people = {DEMO_ADMIN_EMAIL: admin_id, DEMO_INSTRUCTOR_EMAIL: instructor_id, DEMO_LEARNER_EMAIL: learner_id}
    organisations = _organisations(admin_id)
    _listings(admin_id, instructor_id, organisations)
    _profiles(people)
    _application(learner_id, poster_id=admin_id, title=APPLIED_JOB_TITLE)
    _contract(learner_id, instructor_id)


def demo_listing_ids() -> dict[str, uuid.UUID]:
    """Title -> id of the demo listings that exist (for tests and the bench's sanity checks)."""
    from azora.marketplace.models import Listing

    titles = [listing.title for listing in LISTINGS]
    return dict(Listing.objects.filter(title__in=titles).values_list("title", "id"))


def _organisations(admin_id: uuid.UUID) -> dict[str, uuid.UUID]:
    existing = {summary.slug: summary.id for summary in accounts.organisation_list_for_user(user_id=admin_id)}
    for slug, name in ORGANISATIONS:
        if slug not in existing:
            existing[slug] = accounts.organisation_create(user_id=admin_id, name=name, slug=slug).id
    return existing


def _listings(admin_id: uuid.UUID, instructor_id: uuid.UUID, organisations: dict[str, uuid.UUID]) -> None:
    from azora.marketplace.models import Listing

    for demo in LISTINGS:
        poster_id = admin_id if demo.organisation else instructor_id
        if Listing.objects.filter(poster_id=poster_id, title=demo.title).exists():
            continue
        market_listings.listing_create(
            poster_id=poster_id,
            organisation_id=organisations[demo.organisation] if demo.organisation else None,
            kind=demo.kind,
            job_type=demo.job_type,
            title=demo.title,
            description=demo.description,
            location=demo.location,
            country=demo.country,
            is_remote=demo.is_remote,
            currency=demo.currency,
            pay_min_minor=demo.pay_min_minor,
            pay_max_minor=demo.pay_max_minor,
            pay_period=demo.pay_period,
            experience_years=demo.experience_years,
            skills=[
                ListingSkillInput(skill=name, level=level, is_required=required)
                for name, level, required in demo.skills
            ],
            milestones=[MilestoneInput(title=title, amount_minor=amount) for title, amount in demo.milestones],
            publish=True,
        )


def _profiles(people: dict[str, uuid.UUID]) -> None:
    from azora.marketplace.models import Profile, UserSkill

    for email, (headline, bio, location, country, remote_ok, years, pay, skills) in PROFILES.items():
        user_id = people[email]
        if not Profile.objects.filter(user_id=user_id).exists():
            market_skills.profile_update(
                user_id=user_id,
                headline=headline,
                bio=bio,
                location=location,
                country=country,
                is_remote_ok=remote_ok,
                years_experience=years,
                expected_pay_minor=pay[0],
                expected_pay_currency=pay[1],
            )
        if not UserSkill.objects.filter(user_id=user_id).exists():
            market_skills.skills_set(user_id=user_id, skills=list(skills))


def _listing_id(poster_id: uuid.UUID, title: str) -> uuid.UUID:
    from azora.marketplace.models import Listing

    listing_id = Listing.objects.filter(poster_id=poster_id, title=title).values_list("id", flat=True).first()
    if listing_id is None:
        raise _NotYet(f"the demo listing {title!r} is missing")
    return listing_id


def _application(learner_id: uuid.UUID, *, poster_id: uuid.UUID, title: str) -> None:
    """The learner's application to a job, moved along to shortlisted by the poster."""
    from azora.marketplace.models import Application

    try:
        listing_id = _listing_id(poster_id, title)
    except _NotYet as missing:
        logger.warning("marketplace demo: %s", missing)
        return
    application = Application.objects.filter(listing_id=listing_id, applicant_id=learner_id).first()
    if application is None:
        created = market_applications.application_create(
            applicant_id=learner_id,
            listing_id=listing_id,
            cover_letter="I build budgeting spreadsheets for small businesses and finished Azora's Python basics; "
            "weekly reports from transaction data are exactly what I would like to do.",
            portfolio_links=["https://example.org/sipho/budget-templates"],
            expected_pay_minor=1_800_000,
            availability="From the first of next month",
        )
        application_id, status = created.id, created.status
    else:
        application_id, status = application.id, application.status
    # The poster's two moves, each only from the status before it (a rerun finds it shortlisted and does nothing).
    for before, after in (("submitted", "reviewing"), ("reviewing", "shortlisted")):
        if status == before:
            status = market_applications.application_transition(
                actor_id=poster_id, application_id=application_id, to_status=after
            ).status


def _contract(learner_id: uuid.UUID, instructor_id: uuid.UUID) -> None:
    """The learner's proposal for the instructor's gig: offered, accepted (the contract), the first milestone funded
    by card and the work handed in. Carried on from whatever step it reached."""
    from azora.marketplace.models import Application, Contract, Message

    try:
        listing_id = _listing_id(instructor_id, CONTRACT_GIG_TITLE)
    except _NotYet as missing:
        logger.warning("marketplace demo: %s", missing)
        return
    application = Application.objects.filter(listing_id=listing_id, applicant_id=learner_id).first()
    if application is None:
        created = market_applications.application_create(
            applicant_id=learner_id,
            listing_id=listing_id,
            cover_letter="I have made budget templates for three spaza shops and know the Personal budgeting "
            "lesson well; I can deliver the draft within a week.",
            portfolio_links=["https://example.org/sipho/budget-templates"],
            expected_pay_minor=300_000,
            availability="Evenings and weekends",
        )
        application_id, status = created.id, created.status
    else:
        application_id, status = application.id, application.status
    if status in {"submitted", "reviewing", "shortlisted"}:
        status = market_applications.application_transition(
            actor_id=instructor_id, application_id=application_id, to_status="offered"
        ).status
    if status == "offered":
        status = market_applications.application_transition(
            actor_id=learner_id, application_id=application_id, to_status="accepted"
        ).status
    contract = Contract.objects.filter(application_id=application_id).first()
    if contract is None:
        logger.warning("marketplace demo: the gig proposal is %s, with no contract", status)
        return
    if not Message.objects.filter(application_id=application_id).exists():
        senders = {DEMO_LEARNER_EMAIL: learner_id, DEMO_INSTRUCTOR_EMAIL: instructor_id}
        for email, body in CONTRACT_MESSAGES:
            market_applications.message_send(sender_id=senders[email], application_id=application_id, body=body)
    first = contract.milestones.order_by("position").first()
    if first is None:
        return
    if first.status == "pending":
        market_contracts.milestone_fund(
            actor_id=instructor_id,
            milestone_id=first.id,
            source="card",
            payment_method=DEMO_CARD,
            idempotency_key=f"demo-marketplace-fund-{first.id}",
        )
        first.refresh_from_db()
    if first.status == "funded":
        market_contracts.milestone_submit(
            actor_id=learner_id,
            milestone_id=first.id,
            note="The draft template with sample data: income, fixed costs, a savings goal and a chart.",
        )


shared_demo.register("marketplace", load_demo_data, order=65)
