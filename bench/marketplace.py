"""The marketplace benchmark: listing search and "my matches" over HTTP at 64 connections, beside the search's raw SQL.

Run it with `./dev bench --scenario marketplace` (options: `./dev bench --scenario marketplace --help`). It is not
a test: it prints figures and the Marketplace issue's targets (search P95 < 25 ms, matches P95 < 50 ms,
PASS/MISS), and writes a JSON result to bench/results/.

What one run does:
1. recreates a scratch PostgreSQL database (`azora_bench_market`), migrates it in production settings (the skills
   catalogue comes from the marketplace's data migration);
2. seeds it in a worker process with Django's bulk_create (so the rows are what the models say, whatever columns
   the app has grown): 100,000 people with a skill profile (3 to 8 skills each at a level, some verified), 2,000
   posters, 50,000 open listings (70 % jobs, 30 % gigs with two milestones; titles and descriptions from a
   vocabulary of roles and skills plus filler, so a search word matches a realistic share) with 2 to 5 skills each,
   and 5,000 listings that are not open (filled, closed, expired), then VACUUM ANALYZE;
3. in a worker process (Django set up, production settings): each search of the mix and a "my matches" call once
   with their SQL captured (statements per call), CPU time per call on one client, EXPLAIN (ANALYZE, BUFFERS) of
   each captured statement (`--explain` prints the plans); and access tokens for the people the load signs in as
   (allauth's JWT, as a sign-in issues it);
4. the baseline: the very statements the search mix ran (captured in step 3), replayed on one psycopg connection;
5. starts `azora serve` (WSGI, as bench/run.py starts it) and, with wrk at `--connections` (64), each step
   saturated and then paced at half its saturated rate (docs/decisions/0022; the targets are read on the paced
   run), a warm-up run first:
   - search: `GET /api/v1/listings` through a mix of eight first pages with facets (queries, facets, sorts),
     signed in as 200 different people (each page carries the viewer's match with every listing on it);
   - matches: `GET /api/v1/me/matches`, each request as a person not asked before (`--first-visits` people
     shared out among the warm-up, saturated and paced runs: nothing of theirs cached);
   - matches_repeat: the same, cycling over 5 people per connection (what a returning person costs);
6. always drops the scratch database (unless `--keep`/`--reuse`) and flushes its Redis database.

`--reuse` skips steps 1-2 when a database kept by an earlier `--keep` run holds the seeded rows: seed once with
`./dev bench --scenario marketplace --keep`, then measure with `... --reuse` after each change of the code.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg
import redis
import run
from loadgen import Mix, run_paced, wrk_available

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
TARGET_SEARCH_P95_MS = 25.0
TARGET_MATCHES_P95_MS = 50.0
MARKER = "AZORA_MARKET "
SEARCH_VIEWERS = 200
SEARCH_REQUESTS = 1_600  # the search mix's length: every template with many viewers before one comes back
MATCHES_PATH = "/api/v1/me/matches?limit=20"
STEPS = ("search", "matches", "matches_repeat")
# Roles and the catalogue skills they ask for (matched to the catalogue by folded name; missing ones are skipped).
ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Python developer", ("Python", "Django", "SQL", "Git", "PostgreSQL", "Docker")),
    ("Data analyst", ("Data analysis", "Microsoft Excel", "SQL", "Python")),
    ("Frontend developer", ("JavaScript", "React", "HTML", "CSS", "Git")),
    ("Mobile developer", ("Flutter", "Git", "JavaScript")),
    ("DevOps engineer", ("Linux", "Docker", "PostgreSQL", "Git")),
    ("Machine learning engineer", ("Machine learning", "Python", "SQL")),
    ("UX designer", ("UX design", "Graphic design")),
    ("Graphic designer", ("Graphic design", "Photography")),
    ("Bookkeeper", ("Bookkeeping", "Microsoft Excel")),
    ("Copywriter", ("Copywriting", "Social media marketing", "Translation")),
    ("Social media coordinator", ("Social media marketing", "Copywriting", "Photography")),
    ("Customer support agent", ("Customer service", "Translation")),
    ("Sales consultant", ("Sales", "Customer service")),
    ("Project manager", ("Project management", "Microsoft Excel")),
    ("Teacher", ("Teaching", "Curriculum design")),
    ("Curriculum designer", ("Curriculum design", "Technical writing", "Teaching")),
    ("Solar installer", ("Solar PV installation", "Electrical installation")),
    ("Electrician", ("Electrical installation",)),
    ("Logistics coordinator", ("Logistics", "Microsoft Excel", "Customer service")),
    ("Video editor", ("Video editing", "Photography")),
    ("Technical writer", ("Technical writing", "Copywriting")),
)
SENIORITY = ("Junior", "", "Senior", "Lead", "Trainee", "")
PLACES: tuple[tuple[str, str, str], ...] = (
    ("Cape Town", "ZA", "ZAR"),
    ("Johannesburg", "ZA", "ZAR"),
    ("Durban", "ZA", "ZAR"),
    ("Pretoria", "ZA", "ZAR"),
    ("Gqeberha", "ZA", "ZAR"),
    ("Upington", "ZA", "ZAR"),
    ("Nairobi", "KE", "KES"),
    ("Mombasa", "KE", "KES"),
    ("Lagos", "NG", "NGN"),
    ("Abuja", "NG", "NGN"),
    ("Accra", "GH", "GHS"),
    ("Kumasi", "GH", "GHS"),
)
# A month's pay in each currency's minor units (a junior's floor); multiplied by seniority.
MONTHLY_FLOOR = {"ZAR": 1_200_000, "KES": 6_000_000, "NGN": 25_000_000, "GHS": 500_000}
JOB_TYPES = ("full_time", "full_time", "full_time", "part_time", "contract", "internship")
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "ta", "zo", "bi", "fe", "gu", "ha", "ji", "ko", "lu", "ma", "no")
FILLER = [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES]

# The search mix: what the browse page and the API are asked, first pages with facets: (name, the selector's
# arguments); "skill" is replaced by a frequent skill. Every request is signed in (the API's search is), as one of
# SEARCH_VIEWERS people.
SEARCH_MIX: tuple[tuple[str, dict[str, Any]], ...] = (
    ("browse_newest", {"sort": "newest"}),
    ("q_python", {"query": "python"}),
    ("q_data_analyst", {"query": "data analyst"}),
    ("gigs_remote", {"kind": "gig", "remote": True, "sort": "newest"}),
    ("skill_pay", {"skills": "skill", "sort": "pay"}),
    ("q_developer_fulltime_pay", {"query": "developer", "job_type": "full_time", "pay_min_minor": 2_000_000,
                                  "currency": "ZAR"}),
    ("q_solar_location", {"query": "solar installer", "location": "Upington"}),
    ("q_teacher_jobs_onsite", {"query": "teacher", "kind": "job", "remote": False}),
)  # fmt: skip


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="./dev bench --scenario marketplace", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--listings", type=int, default=50_000, help="open listings seeded (default: 50000)")
    parser.add_argument("--profiles", type=int, default=100_000, help="people with a skill profile (default: 100000)")
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections (default: 64)")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds measured per step (default: 15)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of discarded warm-up (default: 3)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default: 1)")
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes (default: 2)")
    parser.add_argument("--cpu-calls", type=int, default=50, help="sequential calls per kind for CPU time")
    parser.add_argument("--sql-runs", type=int, default=400, help="sequential search calls of the raw SQL baseline")
    parser.add_argument(
        "--first-visits",
        type=int,
        default=12_000,
        help="people signed in for the matches step, each asked once (default: 12000)",
    )
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN (ANALYZE, BUFFERS) of every statement")
    parser.add_argument(
        "--steps",
        default=",".join(STEPS),
        help="measured steps: search, matches (first visits), matches_repeat (the same 5 people per connection)",
    )
    run.add_paced_option(parser)
    run.add_scratch_options(
        parser,
        database="azora_bench_market",
        redis_env="AZORA_BENCH_MARKET_REDIS",
        redis_default="redis://127.0.0.1:6379/7",
    )
    parser.add_argument("--keep", action="store_true", help="keep the seeded database (for EXPLAIN afterwards)")
    parser.add_argument("--reuse", action="store_true", help="reuse a database seeded by a --keep run; implies --keep")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-input", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.reuse:
        args.keep = True
    args.steps = [name.strip() for name in args.steps.split(",") if name.strip()]
    unknown = sorted(set(args.steps) - set(STEPS))
    if unknown:
        parser.error(f"unknown steps: {', '.join(unknown)} (known: {', '.join(STEPS)})")
    # bench/run.py's helpers read these.
    args.blocking_threads = None
    args.backpressure = None
    return args


# --- The worker: a process with Django set up ----------------------------------------------------


def worker(args: argparse.Namespace, environment: dict[str, str], task: str, payload: dict[str, Any]) -> Any:
    """Runs one task in a fresh process with Django set up (production settings), returning its JSON answer."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(payload, handle)
    try:
        completed = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--worker", task, "--worker-input", handle.name,
             "--listings", str(args.listings), "--profiles", str(args.profiles),
             "--connections", str(args.connections), "--cpu-calls", str(args.cpu_calls),
             "--first-visits", str(args.first_visits), "--steps", ",".join(args.steps),
             *(["--explain"] if args.explain else [])],
            cwd=ROOT, env=environment, capture_output=True, text=True, check=False,
        )  # fmt: skip
    finally:
        Path(handle.name).unlink(missing_ok=True)
    if completed.stderr.strip():
        print(completed.stderr.rstrip()[-6000:], file=sys.stderr)
    for line in completed.stdout.splitlines():
        if not line.startswith(MARKER):
            print(line)
    lines = [line for line in completed.stdout.splitlines() if line.startswith(MARKER)]
    if completed.returncode != 0 or not lines:
        raise RuntimeError(f"worker {task} failed ({completed.returncode}):\n{completed.stdout[-3000:]}")
    return json.loads(lines[-1].removeprefix(MARKER))


def worker_main(args: argparse.Namespace) -> int:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    payload = json.loads(Path(args.worker_input).read_text()) if args.worker_input else {}
    tasks = {"seed": task_seed, "prepare": task_prepare}
    answer = tasks[args.worker](args, payload)
    print(MARKER + json.dumps(answer, default=str), flush=True)
    return 0


# --- Seeding -------------------------------------------------------------------------------------


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


def task_seed(args: argparse.Namespace, payload: dict[str, Any]) -> dict[str, Any]:
    """People with profiles and skills, posters, open and other listings with skills and milestones; ANALYZE."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils.text import slugify

    from azora.marketplace.models import Listing, ListingMilestone, ListingSkill, Profile, Skill, UserSkill
    from azora.shared.ids import uuid7

    rng = random.Random(20261126)  # reproducible test data, not security
    began = time.perf_counter()
    now = datetime.now(UTC)
    batch = 5_000
    catalogue = {_fold(skill.name): skill for skill in Skill.objects.filter(status="approved")}
    if len(catalogue) < 10:  # the catalogue's data migration has not landed: a stand-in catalogue
        names = sorted({name for _role, skills in ROLES for name in skills})
        Skill.objects.bulk_create(
            [Skill(name=name, slug=slugify(name), category="Bench") for name in names], ignore_conflicts=True
        )
        catalogue = {_fold(skill.name): skill for skill in Skill.objects.filter(status="approved")}
    roles = [(title, [catalogue[_fold(n)] for n in skills if _fold(n) in catalogue]) for title, skills in ROLES]
    roles = [(title, skills) for title, skills in roles if skills]
    every_skill = list(catalogue.values())
    listing_fields = {field.name for field in Listing._meta.get_fields()}
    user_model = get_user_model()

    def users(prefix: str, count: int) -> list[Any]:
        made = []
        for start in range(0, count, batch):
            rows = [
                user_model(id=uuid7(), email=f"{prefix}{n}@bench.test", display_name=f"{prefix.title()} {n}",
                           password="!", country=rng.choice(PLACES)[1])  # noqa: S106 -- unusable
                for n in range(start, min(count, start + batch))
            ]  # fmt: skip
            with transaction.atomic():
                user_model.objects.bulk_create(rows, batch_size=batch)
            made += [row.id for row in rows]
        return made

    people = users("person", args.profiles)
    posters = users("poster", 2_000)
    print(
        f"bench: marketplace: {len(people) + len(posters):,} users in {time.perf_counter() - began:.0f} s", flush=True
    )
    levels = (1, 1, 2, 2, 2, 3, 3, 4)
    for start in range(0, len(people), batch):
        profiles, held = [], []
        for user_id in people[start : start + batch]:
            city, country, currency = rng.choice(PLACES)
            years = rng.choice((0, 0, 1, 1, 2, 3, 4, 5, 7, 10))
            profiles.append(
                Profile(
                    user_id=user_id, headline=f"{rng.choice(roles)[0]}", location=city, country=country,
                    is_remote_ok=rng.random() < 0.8, years_experience=years,
                    expected_pay_minor=MONTHLY_FLOOR[currency] * (1 + years // 3) if rng.random() < 0.7 else None,
                    expected_pay_currency=currency,
                )
            )  # fmt: skip
            # Most skills from one or two roles (people specialise), a few from anywhere.
            pool = {skill.id: skill for _t, skills in rng.sample(roles, 2) for skill in skills}
            chosen = rng.sample(list(pool.values()), min(len(pool), rng.randint(2, 6)))
            chosen += [skill for skill in rng.sample(every_skill, 2) if skill.id not in {s.id for s in chosen}]
            for skill in chosen[:8]:
                held.append(
                    UserSkill(user_id=user_id, skill_id=skill.id, level=rng.choice(levels),
                              is_verified=rng.random() < 0.3)
                )  # fmt: skip
        with transaction.atomic():
            Profile.objects.bulk_create(profiles, batch_size=batch)
            UserSkill.objects.bulk_create(held, batch_size=batch)
    print(f"bench: marketplace: profiles and skills at {time.perf_counter() - began:.0f} s", flush=True)
    statuses = ["open"] * args.listings + [
        rng.choice(("filled", "closed", "expired")) for _ in range(args.listings // 10)
    ]
    rng.shuffle(statuses)
    for start in range(0, len(statuses), batch):
        listings, asked, milestones = [], [], []
        for offset, status in enumerate(statuses[start : start + batch]):
            n = start + offset
            role, skills = rng.choice(roles)
            city, country, currency = rng.choice(PLACES)
            remote = rng.random() < 0.3
            is_gig = rng.random() < 0.3
            seniority = rng.choice(SENIORITY)
            title = f"{seniority} {role}".strip() if not is_gig else f"{role} needed for a {rng.choice(FILLER)} project"
            picked = rng.sample(skills, min(len(skills), rng.randint(2, 5)))
            asked_names = " ".join(skill.name for skill in picked)
            description = f"We are looking for a {role.lower()} in {city}. You know {asked_names}. " + " ".join(
                rng.choice(FILLER) for _ in range(40)
            )
            floor = MONTHLY_FLOOR[currency] * (1 + SENIORITY.index(seniority) % 3)
            published = now - timedelta(minutes=n)
            listing = Listing(
                id=uuid7(), kind="gig" if is_gig else "job", job_type="" if is_gig else rng.choice(JOB_TYPES),
                title=title, description=description, description_html=f"<p>{description}</p>",
                poster_id=posters[n % len(posters)], location="" if remote else city, country=country,
                is_remote=remote, currency=currency,
                pay_min_minor=floor // 4 if is_gig else floor, pay_max_minor=floor // 4 if is_gig else floor * 3 // 2,
                pay_period="project" if is_gig else "month", experience_years=rng.choice((0, 0, 1, 2, 3, 5)),
                closes_at=now + timedelta(days=rng.randint(5, 90)), status=status,
                published_at=published, application_count=rng.randint(0, 30),
            )  # fmt: skip
            # The columns the listing services keep on write (denormalised for search and matching), when the
            # model has them: skill names and aliases, the poster's name.
            if "skills_text" in listing_fields:
                listing.skills_text = " ".join(
                    word for skill in picked for word in (skill.name, *(str(a) for a in skill.aliases or ()))
                )
            if "poster_name" in listing_fields:
                listing.poster_name = f"Poster {n % len(posters)}"
            listings.append(listing)
            for index, skill in enumerate(picked):
                asked.append(
                    ListingSkill(listing_id=listing.id, skill_id=skill.id, level=rng.choice(levels[:6]),
                                 is_required=index < 3)
                )  # fmt: skip
            if is_gig:
                half = listing.pay_min_minor // 2
                milestones += [
                    ListingMilestone(listing_id=listing.id, position=1, title="First half", amount_minor=half),
                    ListingMilestone(
                        listing_id=listing.id, position=2, title="Second half",
                        amount_minor=listing.pay_min_minor - half,
                    ),
                ]  # fmt: skip
        with transaction.atomic():
            Listing.objects.bulk_create(listings, batch_size=batch)
            ListingSkill.objects.bulk_create(asked, batch_size=batch)
            ListingMilestone.objects.bulk_create(milestones, batch_size=batch)
    try:  # the open-requirements read model "my matches" ranks from, as the listing services keep it on write
        from azora.marketplace.services.match_index import match_index_rebuild
    except ImportError:  # a build from before it
        pass
    else:
        match_index_rebuild()
    with connection.cursor() as cursor:
        # As autovacuum leaves a settled table: statistics, and the visibility map that lets the covering indexes
        # answer without reading the rows (migration 0004's for search's facets, 0005's for the matches ranking; a
        # plain ANALYZE once left the planner a sequential scan of every listing: 36 of a first visit's 58 ms).
        cursor.execute("VACUUM ANALYZE")
    counts = {
        model._meta.db_table: model.objects.count()
        for model in (Listing, ListingSkill, ListingMilestone, Profile, UserSkill, Skill)
    }
    counts["open_listings"] = Listing.objects.filter(status="open").count()
    return {"seconds": round(time.perf_counter() - began, 1), "rows": counts}


# --- Preparing: the calls profiled in one process, the statements, the people signed in --------------------------


def _search_arguments(template: dict[str, Any], skill: str) -> dict[str, Any]:
    return {key: ([skill] if value == "skill" else value) for key, value in template.items()}


def search_path(arguments: dict[str, Any]) -> str:
    """The API request for the selector's arguments (`query` is `q`, each of `skills` a `skill` parameter)."""
    names = {"query": "q", "skills": "skill"}
    params: list[tuple[str, str]] = []
    for key, value in arguments.items():
        for one in value if isinstance(value, list) else [value]:
            params.append((names.get(key, key), str(one).lower() if isinstance(one, bool) else str(one)))
    return "/api/v1/listings?" + urlencode([*params, ("limit", "20")])


def _explain(sql: str, params: Any) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        text = "\n".join(row[0] for row in cursor.fetchall())
    top = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
    return {
        "execution_ms": round(float(top["Execution Time"]), 3),
        "planning_ms": round(float(top["Planning Time"]), 3),
        "plan": text,
    }


def _is_read(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


@contextlib.contextmanager
def _recording() -> Any:
    """Every statement the connection runs, with its parameters and time (prepared ones included, which Django's
    query log shows only in a fallback form)."""
    from django.db import connection

    statements: list[dict[str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append({"sql": sql, "params": params, "ms": (time.perf_counter() - began) * 1000})

    with connection.execute_wrapper(record):
        yield statements


def _parameters(params: Any) -> Any:
    return dict(params) if isinstance(params, dict) else list(params or ())  # named (the ranking's) or positional


def _profile_call(args: argparse.Namespace, name: str, call: Any) -> dict[str, Any]:
    """One call with its SQL recorded and explained, then CPU and wall time per call on one client."""
    for _ in range(3):
        call()
    with _recording() as recorded:
        call()
    cpu_began, wall_began = time.process_time(), time.perf_counter()
    for _ in range(args.cpu_calls):
        call()
    cpu = (time.process_time() - cpu_began) * 1000 / args.cpu_calls
    wall = (time.perf_counter() - wall_began) * 1000 / args.cpu_calls
    explained = []
    for statement in recorded:
        if _is_read(statement["sql"]):
            try:
                explained.append({"sql": statement["sql"], **_explain(statement["sql"], statement["params"])})
            except Exception as error:  # a statement EXPLAIN cannot take is shown, not fatal
                explained.append({"sql": statement["sql"], "error": f"{type(error).__name__}: {str(error)[:200]}"})
    slowest = max(explained, key=lambda entry: entry.get("execution_ms", 0.0), default={})
    if args.explain:
        for entry in explained:
            plan = entry.get("plan", entry.get("error"))
            print(f"\n--- {name}: {entry.get('execution_ms')} ms\n{entry['sql'][:1500]}\n{plan}")
    return {
        "statements": len(recorded),
        "statements_sql": [
            {"sql": statement["sql"], "params": _parameters(statement["params"])} for statement in recorded
        ],
        "sql_ms_in_call": round(sum(statement["ms"] for statement in recorded), 3),
        "cpu_ms_per_call": round(cpu, 3),
        "wall_ms_per_call": round(wall, 3),
        "explain_total_ms": round(sum(entry.get("execution_ms", 0.0) for entry in explained), 3),
        "slowest": slowest,  # its SQL, execution time and plan
    }


def _tokens(user_ids: list[Any]) -> list[str]:
    """An access token for each person, as allauth's JWT sign-in issues it (stateless: no session needed)."""
    from allauth.headless.tokens.strategies.jwt.internal import create_token

    return [
        "Bearer " + create_token("access", sub=str(user_id), sid="bench", expires_in=7200)[0] for user_id in user_ids
    ]


def _write_mix(path: Path, requests: list[tuple[str, str]]) -> str:
    path.write_text("".join(f"{target}\t{authorization}\n" for target, authorization in requests))
    return str(path)


def task_prepare(args: argparse.Namespace, payload: dict[str, Any]) -> dict[str, Any]:
    """Profiles each call in this process, captures the search mix's statements, and writes the request mixes
    (with the signed-in people's tokens) to files in payload["mix_dir"], which the load generator reads."""
    from django.db.models import Count

    from azora.marketplace.models import ListingSkill, Profile, Skill
    from azora.marketplace.public import listing_search, matches_for_user

    mix_dir = Path(payload["mix_dir"])
    everyone = list(Profile.objects.order_by("user_id").values_list("user_id", flat=True))
    random.Random(11).shuffle(everyone)  # reproducible, not security
    viewers, rest = everyone[:SEARCH_VIEWERS], everyone[SEARCH_VIEWERS:]
    repeaters, rest = rest[: args.connections * 5], rest[args.connections * 5 :]
    first_visitors, spare = rest[: args.first_visits], rest[args.first_visits :]
    frequent = (
        ListingSkill.objects.values("skill_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("skill_id", flat=True)
    )[:10]
    skills = list(Skill.objects.filter(id__in=list(frequent)).order_by("slug").values_list("slug", flat=True))
    result: dict[str, Any] = {"profiled": {}, "search_statements": [], "mixes": {}}
    for name, template in SEARCH_MIX if "search" in args.steps else ():
        arguments = _search_arguments(template, skills[0])
        print(f"bench: marketplace: profiling search {name}", flush=True)

        def search(arguments: dict[str, Any] = arguments) -> Any:
            return listing_search(viewer_id=viewers[0], **arguments)

        profiled = _profile_call(args, name, search)
        profiled["results"] = len(search().items)
        result["search_statements"].append([one for one in profiled["statements_sql"] if _is_read(one["sql"])])
        result["profiled"][f"search:{name}"] = profiled
    if {"matches", "matches_repeat"} & set(args.steps):
        print("bench: marketplace: profiling matches_for_user", flush=True)
        unseen = iter(spare)
        result["profiled"]["matches"] = _profile_call(
            args, "matches", lambda: matches_for_user(user_id=next(unseen), limit=20)
        )
        # How many matches a few people get (the threshold's selectivity on this data).
        result["profiled"]["matches"]["results"] = [len(matches_for_user(user_id=p, limit=20)) for p in spare[-10:]]
        result["profiled"]["matches_repeat"] = _profile_call(
            args, "matches_repeat", lambda: matches_for_user(user_id=spare[-1], limit=20)
        )
    print("bench: marketplace: signing the load's people in (access tokens)", flush=True)
    mixes = result["mixes"]
    if "search" in args.steps:
        tokens = _tokens(viewers)
        requests = [
            (search_path(_search_arguments(template, skills[n % len(skills)])), tokens[n % len(tokens)])
            for n, (_name, template) in zip(range(SEARCH_REQUESTS), itertools.cycle(SEARCH_MIX), strict=False)
        ]
        mixes["search"] = {"warmup": _write_mix(mix_dir / "search.tsv", requests)}
        mixes["search"]["run"] = mixes["search"]["paced"] = mixes["search"]["warmup"]
    if "matches" in args.steps:
        # Disjoint people for the warm-up, the saturated and the paced run: nobody is asked twice while there
        # are people left (the report says when a run sent more requests than it had people).
        tokens = _tokens(first_visitors)
        sixth = len(tokens) // 6
        parts = {"warmup": tokens[:sixth], "run": tokens[sixth : 4 * sixth], "paced": tokens[4 * sixth :]}
        mixes["matches"] = {
            part: _write_mix(mix_dir / f"matches-{part}.tsv", [(MATCHES_PATH, token) for token in own])
            for part, own in parts.items()
        }
        result["first_visitors"] = {part: len(own) for part, own in parts.items()}
    if "matches_repeat" in args.steps:
        path = _write_mix(mix_dir / "matches-repeat.tsv", [(MATCHES_PATH, token) for token in _tokens(repeaters)])
        mixes["matches_repeat"] = {"warmup": path, "run": path, "paced": path}
    return result


# --- Measuring -----------------------------------------------------------------------------------


def raw_search_sql(args: argparse.Namespace, statements: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """The search mix's own statements on one connection, one search call after the other: the floor the HTTP
    figures stand on."""
    calls = [call for call in statements if call]
    if not calls:
        return {}
    timings: list[float] = []
    with psycopg.connect(run.database_url(args, args.database), autocommit=True) as connection:

        def replay(call: list[dict[str, Any]]) -> None:
            with connection.cursor() as cursor:
                for statement in call:  # Django's SQL (%s placeholders) with its parameters, as recorded
                    cursor.execute(statement["sql"].encode(), statement["params"])
                    if cursor.description is not None:
                        cursor.fetchall()

        for call in calls * 3:
            replay(call)
        for n in range(args.sql_runs):
            started = time.perf_counter()
            replay(calls[n % len(calls)])
            timings.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return {
        "runs": args.sql_runs,
        "calls_in_mix": len(calls),
        "p50_ms": round(cuts[49], 3),
        "p95_ms": round(cuts[94], 3),
        "p99_ms": round(cuts[98], 3),
    }


def _read_mix(path: str) -> Mix:
    return [tuple(line.split("\t", 1)) for line in Path(path).read_text().splitlines()]  # type: ignore[misc]


def measure_http(
    args: argparse.Namespace, environment: dict[str, str], wrk: str | None, mixes: dict[str, Any], log: Path
) -> dict[str, Any]:
    """Each step over HTTP: a warm-up run, saturated, then paced at half the saturated rate (ADR 0022)."""
    results: dict[str, Any] = {}
    with run.server(environment, interface="wsgi", workers=args.workers, log=log) as running:
        base = f"http://127.0.0.1:{running.port}"
        for name in args.steps:
            parts = {part: _read_mix(path) for part, path in mixes[name].items()}
            target, authorization = parts["run"][0]
            status, body = run.request(running.port, "GET", target, headers={"Authorization": authorization})
            if status != 200:
                raise RuntimeError(f"GET {target} answered {status}: {body[:300]!r}")
            if args.warmup > 0:
                run.load(args, wrk, base + "/", {}, args.warmup, mix=parts["warmup"])
            print(f"bench: marketplace: {name} for {args.duration:g} s at {args.connections} connections", flush=True)
            cpu_before = run.process_group_cpu_seconds(running.process_group)
            result: dict[str, Any] = run.load(args, wrk, base + "/", {}, args.duration, mix=parts["run"]).as_dict()
            cpu_used = run.process_group_cpu_seconds(running.process_group) - cpu_before
            result["server_cpu_ms_per_request"] = round(cpu_used * 1000 / max(1, int(result["requests"])), 3)
            result["distinct_requests"] = len(parts["run"])
            rate = run.paced_rate(float(result["requests_per_second"]), args.paced_share)
            print(f"bench: marketplace: {name} paced at {rate:g} req/s for {args.duration:g} s", flush=True)
            paced = run_paced(
                base + "/", connections=args.connections, rate=rate, seconds=args.duration, headers={},
                mix=parts["paced"],
            ).as_dict()  # fmt: skip
            result["paced"] = {"rate": rate, "distinct_requests": len(parts["paced"]), **paced}
            result["load_average"] = run.load_average()
            results[name] = result
    return results


# --- Report --------------------------------------------------------------------------------------


def report(
    args: argparse.Namespace,
    info: dict[str, Any],
    seeded: dict[str, Any],
    prepared: dict[str, Any],
    sql: dict[str, Any],
    http: dict[str, Any],
) -> str:
    machine = info["machine"]
    lines = [
        "",
        f"Azora marketplace benchmark  {info['date']}  commit {machine['git_commit']}",
        f"machine: {machine['cpus']} CPUs ({machine['cpu_model']}), {machine['memory_gib']} GiB, "
        f"Python {machine['python']}, PostgreSQL {info.get('postgresql')}; load average before: "
        f"{' '.join(map(str, machine['load_average_before']))}, after: "
        f"{' '.join(map(str, machine.get('load_average_after', ())))}",
        f"seeded in {seeded.get('seconds')} s: " + ", ".join(f"{k.removeprefix('marketplace_')} {v:,}"
                                                               for k, v in seeded.get("rows", {}).items()),
        f"load: {info['load_tool']}, {args.connections} connections, {args.duration:g} s per step after "
        f"{args.warmup:g} s warm-up; granian WSGI workers={args.workers}; load generator, PostgreSQL and Redis share "
        "the CPUs",
        "",
        "one call in one process (per call):     statements  SQL ms  EXPLAIN ms  CPU ms  wall ms  results",
    ]  # fmt: skip
    for name, value in prepared.get("profiled", {}).items():
        lines.append(
            f"  {name:<36}{value['statements']:>10}{value['sql_ms_in_call']:>8.2f}{value['explain_total_ms']:>12.2f}"
            f"{value['cpu_ms_per_call']:>8.2f}{value['wall_ms_per_call']:>9.2f}  {value.get('results')}"
        )
    if sql:
        lines += [
            "",
            f"raw SQL of the search mix ({sql['calls_in_mix']} calls in turn, one connection, {sql['runs']} runs): "
            f"P50 {sql['p50_ms']:.2f} ms, P95 {sql['p95_ms']:.2f} ms, P99 {sql['p99_ms']:.2f} ms",
        ]
    lines += [
        "",
        f"{'HTTP, ' + str(args.connections) + ' connections':<22}{'saturated req/s':>16}{'P50 ms':>9}{'P95 ms':>9}"
        f"{'CPU ms/req':>12}{'paced req/s':>13}{'P50 ms':>9}{'P95 ms':>9}{'P99 ms':>9}{'non-2xx':>9}"
        "  target (paced P95, ADR 0022)",
    ]
    for name, target in (
        ("search", TARGET_SEARCH_P95_MS),
        ("matches", TARGET_MATCHES_P95_MS),
        ("matches_repeat", TARGET_MATCHES_P95_MS),
    ):
        result = http.get(name)
        if result is None:
            lines.append(f"{name:<22} not measured")
            continue
        paced = result["paced"]
        verdict = f"P95 < {target:g} ms " + ("PASS" if paced["p95_ms"] < target else "MISS")
        lines.append(
            f"{name:<22}{result['requests_per_second']:>16,.0f}{result['p50_ms']:>9.2f}{result['p95_ms']:>9.2f}"
            f"{result['server_cpu_ms_per_request']:>12.2f}{paced['rate']:>13,.0f}{paced['p50_ms']:>9.2f}"
            f"{paced['p95_ms']:>9.2f}{paced['p99_ms']:>9.2f}{result['non_2xx'] + paced['non_2xx']:>9}  {verdict}"
        )
    for name in ("matches",):
        result = http.get(name)
        if result is None:
            continue
        for label, run_result in (("saturated", result), ("paced", result["paced"])):
            if run_result["requests"] > run_result["distinct_requests"]:
                lines.append(
                    f"note: {name} {label} sent {run_result['requests']:,} requests for "
                    f"{run_result['distinct_requests']:,} people: some were second visits (raise --first-visits)"
                )
    return "\n".join(lines)


def reusable(args: argparse.Namespace) -> dict[str, Any] | None:
    try:
        with psycopg.connect(run.database_url(args, args.database)) as connection:
            row = connection.execute(
                "SELECT (SELECT count(*) FROM marketplace_listing WHERE status = 'open'), "
                "(SELECT count(*) FROM marketplace_profile)"
            ).fetchone()
    except psycopg.Error:
        return None
    if row is None or row[0] != args.listings or row[1] != args.profiles:
        return None
    return {"seconds": 0.0, "rows": {"open_listings": row[0], "marketplace_profile": row[1]}, "reused": True}


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    if args.worker:
        return worker_main(args)
    wrk = wrk_available()
    started = datetime.now(UTC)
    info: dict[str, Any] = {
        "scenario": "marketplace",
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": run.machine(),
        "load_tool": "wrk" if wrk else "python-asyncio",
        "settings": {
            "connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "workers": args.workers,
            "paced_share": args.paced_share,
        },
    }
    RESULTS.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    seeded: dict[str, Any] = {}
    prepared: dict[str, Any] = {}
    sql: dict[str, Any] = {}
    http: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="azora-bench-market-") as data_dir:
        try:
            kept = reusable(args) if args.reuse else None
            if kept is None:
                info["postgresql"] = run.database_recreate(args)
            info["redis"] = run.redis_flush(args.redis)
            (Path(data_dir) / "static").mkdir()
            environment = run.production_environment(args, data_dir)
            print(f"bench: marketplace: migrating the scratch database {args.database}", flush=True)
            run.azora(environment, "migrate")
            if kept is None:
                print("bench: marketplace: seeding (bulk_create)", flush=True)
                seeded = worker(args, environment, "seed", {})
                print(f"bench: marketplace: seeded in {seeded['seconds']} s: {seeded['rows']}", flush=True)
            else:
                seeded = kept
                with psycopg.connect(run.database_url(args, args.database)) as connection:
                    version = connection.execute("SHOW server_version").fetchone()
                info["postgresql"] = str(version[0]) if version else ""
            mix_dir = Path(data_dir) / "mixes"
            mix_dir.mkdir()
            prepared = worker(args, environment, "prepare", {"mix_dir": str(mix_dir)})
            sql = raw_search_sql(args, prepared["search_statements"])
            run.redis_flush(args.redis)  # the HTTP runs start with nothing cached, as after a deploy
            http = measure_http(args, environment, wrk, prepared["mixes"], RESULTS / f"{stamp}-marketplace-server.log")
        except (RuntimeError, OSError, psycopg.Error, redis.RedisError, subprocess.SubprocessError) as error:
            print(f"bench: marketplace: failed: {error}", file=sys.stderr)
            return 2
        finally:
            if not args.keep:
                with contextlib.suppress(psycopg.Error):
                    run.database_drop(args)
            with contextlib.suppress(redis.RedisError):
                run.redis_flush(args.redis)
    info["machine"]["load_average_after"] = run.load_average()
    print(report(args, info, seeded, prepared, sql, http))
    path = RESULTS / f"{stamp}-marketplace.json"
    kept_figures = {key: value for key, value in prepared.items() if key not in {"mixes", "search_statements"}}
    result = {**info, "seeded": seeded, **kept_figures, "raw_sql": sql, "http": http}
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"\nbench: result written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
