"""The marketplace benchmark: listing search and "my matches" at 64 connections, beside the search's raw SQL.

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
   and 5,000 listings that are not open (filled, closed, expired), then ANALYZE;
3. in one worker process (Django set up, production settings): each search of the mix and a "my matches" call
   once with their SQL captured (statements per call), CPU time per call on one client, EXPLAIN (ANALYZE,
   BUFFERS) of each captured statement (`--explain` prints the plans);
4. the measurements, each by `--connections` processes (64; forked after set-up, each with its own PostgreSQL
   connection, as a web worker's request has) back to back for `--duration` seconds after `--warmup`:
   - search: `azora.marketplace.public.listing_search` through a mix of queries, facets and sorts (anonymous and
     signed-in), first pages with facets, as the browse page asks;
   - raw SQL: the very statements the search mix ran (captured in step 3), through a psycopg cursor;
   - matches: `azora.marketplace.public.matches_for_user`, each call for a person not asked before (the 100,000
     shared out among the clients: first visits, nothing of theirs cached);
   - matches_repeat: the same, each client cycling over its own 5 people (what a returning person costs);
   each step then again paced: the same clients at half the calls a second they managed back to back, timed
   without coordinated omission (docs/decisions/0022; the targets are read on the paced figures);
5. always drops the scratch database (unless `--keep`/`--reuse`) and flushes its Redis database.

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

import psycopg
import redis
import run
from loadgen import Pace

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
TARGET_SEARCH_P95_MS = 25.0
TARGET_MATCHES_P95_MS = 50.0
MARKER = "AZORA_MARKET "

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

# The search mix: what the browse page and the API are asked, first pages with facets. (name, arguments); a
# "viewer" argument of True is replaced by a random person of the seeded profiles, "skill" by a frequent skill.
SEARCH_MIX: tuple[tuple[str, dict[str, Any]], ...] = (
    ("browse_newest", {"sort": "newest"}),
    ("q_python", {"query": "python"}),
    ("q_data_analyst_viewer", {"query": "data analyst", "viewer": True}),
    ("gigs_remote", {"kind": "gig", "remote": True, "sort": "newest"}),
    ("skill_pay", {"skills": "skill", "sort": "pay"}),
    ("q_developer_fulltime_pay", {"query": "developer", "job_type": "full_time", "pay_min_minor": 2_000_000,
                                  "currency": "ZAR", "viewer": True}),
    ("q_solar_location", {"query": "solar installer", "location": "Upington"}),
    ("q_teacher_jobs_onsite", {"query": "teacher", "kind": "job", "remote": False}),
)  # fmt: skip


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="./dev bench --scenario marketplace", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--listings", type=int, default=50_000, help="open listings seeded (default: 50000)")
    parser.add_argument("--profiles", type=int, default=100_000, help="people with a skill profile (default: 100000)")
    parser.add_argument("--connections", type=int, default=64, help="concurrent client processes (default: 64)")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds measured per step (default: 15)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of discarded warm-up (default: 3)")
    parser.add_argument("--cpu-calls", type=int, default=50, help="sequential calls per kind for CPU time")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN (ANALYZE, BUFFERS) of every statement")
    parser.add_argument(
        "--steps",
        default="search,raw_sql,matches,matches_repeat",
        help="measured steps: search, raw_sql, matches (first visits), matches_repeat (the same 5 people per client)",
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
    # bench/run.py's helpers read these.
    args.blocking_threads = None
    args.backpressure = None
    return args


# --- Latencies -----------------------------------------------------------------------------------


def figures(latencies_ms: list[float], *, clients: int, duration_s: float, errors: int = 0) -> dict[str, Any]:
    ordered = sorted(latencies_ms) or [0.0]
    cuts = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else ordered * 99
    return {
        "clients": clients,
        "duration_s": round(duration_s, 3),
        "calls": len(latencies_ms),
        "per_second": round(len(latencies_ms) / duration_s, 1) if duration_s > 0 else 0.0,
        "p50_ms": round(cuts[49], 3),
        "p95_ms": round(cuts[94], 3),
        "p99_ms": round(cuts[98], 3),
        "max_ms": round(ordered[-1], 3),
        "errors": errors,
    }


# --- The worker: a process with Django set up ----------------------------------------------------


def worker(args: argparse.Namespace, environment: dict[str, str], task: str, payload: dict[str, Any]) -> Any:
    """Runs one task in a fresh process with Django set up (production settings), returning its JSON answer."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(payload, handle)
    try:
        completed = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--worker", task, "--worker-input", handle.name,
             "--listings", str(args.listings), "--profiles", str(args.profiles),
             "--connections", str(args.connections), "--duration", str(args.duration),
             "--warmup", str(args.warmup), "--cpu-calls", str(args.cpu_calls), "--steps", ",".join(args.steps),
             "--paced-share", str(args.paced_share),
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
    tasks = {"seed": task_seed, "measure": task_measure}
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
            # model has them: skill names and aliases, the poster's name, the number of required skills.
            if "skills_text" in listing_fields:
                listing.skills_text = " ".join(
                    word for skill in picked for word in (skill.name, *(str(a) for a in skill.aliases or ()))
                )
            if "poster_name" in listing_fields:
                listing.poster_name = f"Poster {n % len(posters)}"
            if "required_skill_count" in listing_fields:
                listing.required_skill_count = min(len(picked), 3)
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
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts = {
        model._meta.db_table: model.objects.count()
        for model in (Listing, ListingSkill, ListingMilestone, Profile, UserSkill, Skill)
    }
    counts["open_listings"] = Listing.objects.filter(status="open").count()
    return {"seconds": round(time.perf_counter() - began, 1), "rows": counts}


# --- Measuring -----------------------------------------------------------------------------------


def _search_calls(rng: random.Random, people: list[Any], skills: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """The mix with its placeholders filled: a person for "viewer", a frequent skill slug for "skills"."""
    calls = []
    for name, template in SEARCH_MIX:
        arguments = {key: value for key, value in template.items() if key != "viewer"}
        arguments["viewer_id"] = rng.choice(people) if template.get("viewer") else None
        if template.get("skills") == "skill":
            arguments["skills"] = [rng.choice(skills)]
        calls.append((name, arguments))
    return calls


def _search_step(people: list[Any], skills: list[str], seed: int) -> Any:
    from azora.marketplace.public import listing_search

    rng = random.Random(seed)

    def step() -> None:
        _name, arguments = rng.choice(_search_calls(rng, people, skills))
        page = listing_search(**arguments)
        assert page.items is not None

    return step


def _matches_step(people: list[Any], seed: int) -> Any:
    """Each call for the next person of the client's own list: with `people` all different, every call is a
    person's first visit (nothing of theirs cached); with a short list cycled, the same people come back."""
    from azora.marketplace.public import matches_for_user

    queue = itertools.cycle(people)

    def step() -> None:
        matches_for_user(user_id=next(queue), limit=20)

    return step


def _raw_step(statements: list[list[str]], seed: int) -> Any:
    """The captured statements of one search call at a time, through the client's own psycopg connection."""
    from django.db import connection

    rng = random.Random(seed)
    calls = [call for call in statements if call]

    def step() -> None:
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor() as cursor:
            for sql in rng.choice(calls):
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()

    return step


def _client(
    index: int, make: Any, warmup: float, duration: float, barrier: Any, results: Any, pacing: tuple[int, float] | None
) -> None:
    """One client in its own process (forked after set-up), with its own connection: back to back, or with
    `pacing` (clients, calls a second in all) paced after the warm-up (ADR 0022)."""
    from django.db import connections

    latencies: list[float] = []
    errors = 0
    try:
        step = make(index)
        step()  # connects and warms the caches before the clock starts
        barrier.wait()
        began = time.perf_counter()
        warm_until, deadline = began + warmup, began + warmup + duration
        pace = Pace.of(index, clients=pacing[0], rate=pacing[1], began=warm_until) if pacing else None
        cpu_began = time.process_time()
        measuring = False
        while (now := time.perf_counter()) < deadline:
            if not measuring and now >= warm_until:
                measuring, cpu_began = True, time.process_time()
            if measuring and pace:
                if pace.due >= deadline:
                    break
                now = pace.wait()
                pace.advance()
            try:
                step()
            except Exception as error:  # counted and shown once; the run goes on
                errors += measuring
                if errors == 1:
                    print(f"bench: client {index}: {type(error).__name__}: {str(error)[:300]}", file=sys.stderr)
                continue
            if measuring:
                latencies.append((time.perf_counter() - now) * 1000)
        results.put((index, latencies, errors, time.process_time() - cpu_began))
    except Exception as error:
        results.put((index, [], -1, 0.0))
        print(f"bench: client {index} failed: {type(error).__name__}: {error}", file=sys.stderr)
        barrier.abort()
    finally:
        connections.close_all()


def concurrent(args: argparse.Namespace, make: Any, *, rate: float | None = None) -> dict[str, Any]:
    """`--connections` forked processes calling `make(index)()` back to back, or `rate` calls a second in all;
    latencies and client CPU per call."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # no connection is shared across the fork
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(args.connections + 1)
    results = context.Queue()
    pacing = (args.connections, rate) if rate else None
    processes = [
        context.Process(
            target=_client, args=(index, make, args.warmup, args.duration, barrier, results, pacing), daemon=True
        )
        for index in range(args.connections)
    ]  # fmt: skip
    for process in processes:
        process.start()
    barrier.wait(timeout=300)
    began = time.perf_counter()
    answers = [results.get(timeout=args.warmup + args.duration + 300) for _ in processes]
    elapsed = time.perf_counter() - began - args.warmup
    for process in processes:
        process.join(timeout=30)
    if any(errors < 0 for _, _, errors, _ in answers):
        raise RuntimeError("a client process failed before the run")
    latencies = [value for _, own, _, _ in answers for value in own]
    result = figures(
        latencies, clients=args.connections, duration_s=max(elapsed, args.duration), errors=sum(a[2] for a in answers)
    )
    result["client_cpu_ms_per_call"] = round(sum(a[3] for a in answers) * 1000 / max(len(latencies), 1), 3)
    return result


def _explain(sql: str) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        text = "\n".join(row[0] for row in cursor.fetchall())
    top = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
    return {
        "execution_ms": round(float(top["Execution Time"]), 3),
        "planning_ms": round(float(top["Planning Time"]), 3),
        "plan": text,
    }


def _is_read(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def _profile_call(args: argparse.Namespace, name: str, call: Any) -> dict[str, Any]:
    """One call with its SQL captured and explained, then CPU and wall time per call on one client."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        call()
    with CaptureQueriesContext(connection) as captured:
        call()
    statements = [query["sql"] for query in captured.captured_queries]
    sql_ms = sum(float(query["time"]) * 1000 for query in captured.captured_queries)
    cpu_began, wall_began = time.process_time(), time.perf_counter()
    for _ in range(args.cpu_calls):
        call()
    cpu = (time.process_time() - cpu_began) * 1000 / args.cpu_calls
    wall = (time.perf_counter() - wall_began) * 1000 / args.cpu_calls
    explained = []
    for sql in statements:
        if _is_read(sql):
            try:
                explained.append({"sql": sql, **_explain(sql)})
            except Exception as error:  # a statement EXPLAIN cannot take is shown, not fatal
                explained.append({"sql": sql, "error": f"{type(error).__name__}: {str(error)[:200]}"})
    slowest = max(explained, key=lambda entry: entry.get("execution_ms", 0.0), default={})
    if args.explain:
        for entry in explained:
            plan = entry.get("plan", entry.get("error"))
            print(f"\n--- {name}: {entry.get('execution_ms')} ms\n{entry['sql'][:1500]}\n{plan}")
    return {
        "statements": len(statements),
        "statements_sql": statements,
        "sql_ms_in_call": round(sql_ms, 3),
        "cpu_ms_per_call": round(cpu, 3),
        "wall_ms_per_call": round(wall, 3),
        "explain_total_ms": round(sum(entry.get("execution_ms", 0.0) for entry in explained), 3),
        "slowest": slowest,  # its SQL, execution time and plan
    }


def task_measure(args: argparse.Namespace, payload: dict[str, Any]) -> dict[str, Any]:
    from django.db.models import Count

    from azora.marketplace.models import ListingSkill, Profile, Skill
    from azora.marketplace.public import listing_search, matches_for_user

    rng = random.Random(7)
    people = list(Profile.objects.order_by("?").values_list("user_id", flat=True)[:2000])
    frequent = (
        ListingSkill.objects.values("skill_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("skill_id", flat=True)
    )[:10]
    skills = list(Skill.objects.filter(id__in=list(frequent)).values_list("slug", flat=True))
    result: dict[str, Any] = {"profiled": {}, "concurrent": {}}
    calls = _search_calls(rng, people, skills)
    search_statements = []
    for name, arguments in calls if {"search", "raw_sql"} & set(args.steps) else ():
        print(f"bench: marketplace: profiling search {name}", flush=True)
        profiled = _profile_call(args, name, lambda arguments=arguments: listing_search(**arguments))
        profiled["results"] = len(listing_search(**arguments).items)
        search_statements.append([sql for sql in profiled["statements_sql"] if _is_read(sql)])
        result["profiled"][f"search:{name}"] = profiled
    # Every person of the 100,000 in a fixed shuffled order: the clients of the "matches" step share them out,
    # so no call repeats a person (first visits); "matches_repeat" cycles each client over 5 people.
    everyone = list(Profile.objects.order_by("user_id").values_list("user_id", flat=True))
    random.Random(11).shuffle(everyone)
    if {"matches", "matches_repeat"} & set(args.steps):
        print("bench: marketplace: profiling matches_for_user", flush=True)
        first_visits = iter(everyone[-5000:])
        result["profiled"]["matches"] = _profile_call(
            args, "matches", lambda: matches_for_user(user_id=next(first_visits), limit=20)
        )
        # How many matches a few people get (the threshold's selectivity on this data).
        result["profiled"]["matches"]["results"] = [len(matches_for_user(user_id=p, limit=20)) for p in people[:10]]
        again = everyone[-1]
        result["profiled"]["matches_repeat"] = _profile_call(
            args, "matches_repeat", lambda: matches_for_user(user_id=again, limit=20)
        )
    shares = args.connections
    makers = {
        "search": lambda index: _search_step(people, skills, index),
        "raw_sql": lambda index: _raw_step(search_statements, index),
        "matches": lambda index: _matches_step(everyone[:-5000][index::shares], index),
        "matches_repeat": lambda index: _matches_step(everyone[index * 5 : index * 5 + 5], index),
    }
    for name in args.steps:
        print(f"bench: marketplace: {name} at {args.connections} connections for {args.duration:g} s", flush=True)
        result["concurrent"][name] = concurrent(args, makers[name])
        result["concurrent"][name]["load_average"] = run.load_average()
        # Paced (ADR 0022): the same clients at half the calls a second they managed back to back; the target.
        rate = run.paced_rate(result["concurrent"][name]["per_second"], args.paced_share)
        print(f"bench: marketplace: {name} paced at {rate:g} calls/s for {args.duration:g} s", flush=True)
        result["concurrent"][name]["paced"] = {"rate": rate, **concurrent(args, makers[name], rate=rate)}
    return result


# --- Report --------------------------------------------------------------------------------------


def report(args: argparse.Namespace, info: dict[str, Any], seeded: dict[str, Any], measured: dict[str, Any]) -> str:
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
        f"load: {args.connections} client processes (each its own PostgreSQL connection), back to back, "
        f"{args.duration:g} s per step after {args.warmup:g} s warm-up; clients and PostgreSQL share the CPUs",
        "",
        "one client, sequential (per call):     statements  SQL ms  EXPLAIN ms  CPU ms  wall ms  results",
    ]  # fmt: skip
    for name, value in measured.get("profiled", {}).items():
        lines.append(
            f"  {name:<36}{value['statements']:>10}{value['sql_ms_in_call']:>8.2f}{value['explain_total_ms']:>12.2f}"
            f"{value['cpu_ms_per_call']:>8.2f}{value['wall_ms_per_call']:>9.2f}  {value.get('results')}"
        )
    lines += ["", f"{'at ' + str(args.connections) + ' connections':<28}{'calls/s':>10}{'P50 ms':>10}{'P95 ms':>10}"
                  f"{'CPU ms/call':>13}{'paced/s':>9}{'P50 ms':>10}{'P95 ms':>10}{'P99 ms':>10}{'errors':>8}"
                  "  target (paced P95, ADR 0022)"]  # fmt: skip
    for name, target in (
        ("raw_sql", None),
        ("search", TARGET_SEARCH_P95_MS),
        ("matches", TARGET_MATCHES_P95_MS),
        ("matches_repeat", TARGET_MATCHES_P95_MS),
    ):
        value = measured.get("concurrent", {}).get(name)
        if value is None:
            lines.append(f"{name:<28} not measured")
            continue
        paced = value["paced"]
        verdict = (
            "(the search mix's own SQL, baseline)"
            if target is None
            else f"P95 < {target:g} ms " + ("PASS" if paced["p95_ms"] < target else "MISS")
        )
        lines.append(
            f"{name:<28}{value['per_second']:>10,.1f}{value['p50_ms']:>10.2f}{value['p95_ms']:>10.2f}"
            f"{value['client_cpu_ms_per_call']:>13.2f}{paced['rate']:>9,.1f}{paced['p50_ms']:>10.2f}"
            f"{paced['p95_ms']:>10.2f}{paced['p99_ms']:>10.2f}{value['errors'] + paced['errors']:>8}  {verdict}"
        )
    lines.append(
        f"note: back to back, by Little's law, {args.connections} connections at P95 < {TARGET_SEARCH_P95_MS:g} ms "
        f"would need > {args.connections / (TARGET_SEARCH_P95_MS / 1000):,.0f} calls/s; paced, P95 is a call's own "
        "time at half the load the clients managed."
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
    started = datetime.now(UTC)
    info: dict[str, Any] = {
        "scenario": "marketplace",
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": run.machine(),
        "settings": {"connections": args.connections, "duration_s": args.duration, "warmup_s": args.warmup},
    }
    RESULTS.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    seeded: dict[str, Any] = {}
    measured: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="azora-bench-market-") as data_dir:
        try:
            kept = reusable(args) if args.reuse else None
            if kept is None:
                info["postgresql"] = run.database_recreate(args)
            info["redis"] = run.redis_flush(args.redis)
            (Path(data_dir) / "static").mkdir()
            # Each client holds its own connection (no pool), as one web worker's request does.
            environment = {**run.production_environment(args, data_dir), "AZORA_DB_POOL": "0"}
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
            measured = worker(args, environment, "measure", {})
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
    print(report(args, info, seeded, measured))
    path = RESULTS / f"{stamp}-marketplace.json"
    path.write_text(json.dumps({**info, "seeded": seeded, **measured}, indent=2, default=str) + "\n")
    print(f"\nbench: result written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
