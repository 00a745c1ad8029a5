"""The education benchmark: catalogue search, a course page and "my enrolments" over HTTP on a seeded PostgreSQL.

Run it with `./dev bench --scenario education` (options: `./dev bench --scenario education --help`). It is not a
test: it prints figures and the targets of the Education issue (PASS/MISS), and writes a JSON result to
bench/results/.

What one run does:
1. recreates a scratch database (`azora_bench_edu`), migrates it in production settings and creates the
   benchmark's user through Django's manager (as bench/run.py does);
2. seeds it with COPY: 20,000 courses (titles and summaries drawn from a topic vocabulary, so a search word
   matches a realistic share), 4 modules and 12 lessons each, 20,000 learners, 200,000 enrolments (10 per
   learner, the benchmark user among them) and 2,000,000 lesson-progress rows (10 per enrolment), then ANALYZE;
3. the baseline: the catalogue search's SQL (the same full-text match and ranking the selector runs) timed
   directly with psycopg on one connection;
   then the in-process CPU per request (`--inprocess N`): Django's test client through every middleware with a
   JWT, `time.process_time` over 5 rounds of N requests per endpoint (median), beside `GET /api/v1/me` in the same
   process, plus first visits of pages not seen before (outline and other caches cold);
4. starts `azora serve` (WSGI, as bench/run.py starts it), signs in over allauth headless, and measures
   `GET /api/v1/me` (the same edge's one-query endpoint, as a baseline of this run), then
   `GET /api/v1/courses?q=...`, `GET /api/v1/courses/{slug}` and `GET /api/v1/me/enrollments` with wrk at 64
   connections (a warm-up run first, discarded), each saturated and then paced at half its saturated rate
   (docs/decisions/0022; the targets are read on the paced run);
5. always drops the scratch database (unless `--keep` or `--reuse`) and flushes its Redis database, even when a
   step fails.

`--reuse` skips steps 1-2 when the database kept by an earlier `--keep`/`--reuse` run holds the seeded catalogue
(same --courses and --learners): `./dev bench --scenario education --keep` once, then `... --reuse` for each
measurement (`--skip-http` for the in-process figures alone). A run from another work tree (a "before" commit)
can reuse the same database as long as the migrations are the same.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import redis
import run
from loadgen import run_paced, wrk_available

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
TARGET_SEARCH_P95_MS = 25.0
TARGET_PAGE_P95_MS = 15.0
SEARCH_WORD = "python"
TOPICS = [
    "python",
    "budgeting",
    "savings",
    "investing",
    "constitution",
    "rights",
    "democracy",
    "javascript",
    "design",
    "marketing",
    "accounting",
    "statistics",
    "algebra",
    "geometry",
    "chemistry",
    "biology",
    "physics",
    "farming",
    "nutrition",
    "health",
    "leadership",
    "negotiation",
    "writing",
    "poetry",
    "history",
    "geography",
    "economics",
    "entrepreneurship",
    "sales",
    "photography",
    "music",
    "drawing",
    "carpentry",
    "plumbing",
    "electricity",
    "solar",
    "water",
    "climate",
    "coding",
    "databases",
    "networks",
    "security",
    "cloud",
    "mobile",
    "web",
    "data",
    "machine",
    "learning",
    "robotics",
    "english",
    "french",
    "portuguese",
    "swahili",
    "zulu",
    "afrikaans",
    "law",
    "contracts",
    "tax",
    "insurance",
    "credit",
    "loans",
    "banking",
    "payments",
    "logistics",
    "retail",
    "tourism",
    "cooking",
    "baking",
    "textiles",
    "fashion",
    "film",
    "journalism",
    "teaching",
    "parenting",
    "first",
    "aid",
    "nursing",
    "pharmacy",
    "excel",
    "spreadsheets",
    "presentations",
    "public",
    "speaking",
    "careers",
    "interviews",
    "cv",
    "freelancing",
    "ethics",
    "philosophy",
    "psychology",
    "sociology",
    "anthropology",
    "astronomy",
    "maths",
]
SHAPES = [
    "Introduction to {a}",
    "{a} for beginners",
    "{a} and {b}",
    "Practical {a}",
    "Advanced {a} with {b}",
    "{a}: the essentials",
    "Mastering {a}",
    "{a} in everyday life",
]
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "ta",
    "zo",
    "bi",
    "fe",
    "gu",
    "ha",
    "ji",
    "ko",
    "lu",
    "ma",
    "no",
    "pe",
    "qi",
    "sa",
    "vu",
]
FILLER = [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES]
LEVELS = ["beginner", "intermediate", "advanced", "expert"]
LANGUAGES = ["en"] * 7 + ["pt", "fr", "sw"]
MODULES_PER_COURSE = 4
LESSONS_PER_MODULE = 3
ENROLLMENTS_PER_LEARNER = 10
PROGRESS_PER_ENROLLMENT = 10

# The selector's PostgreSQL query for `?q=` sorted by relevance, first page (courses + the page's instructors).
SEARCH_SQL = """
SELECT c.id, c.slug, c.title, c.summary, c.language, c.level, c.tags, c.estimated_hours, c.cover_image, c.status,
       c.is_paid, c.enrollment_count, c.published_at, cat.id, cat.name, cat.slug,
       ts_rank(c.search_vector, websearch_to_tsquery('english', %(q)s)) AS rank
FROM education_course c LEFT JOIN education_category cat ON cat.id = c.category_id
WHERE c.status = 'published' AND c.search_vector @@ websearch_to_tsquery('english', %(q)s)
ORDER BY rank DESC, c.id DESC LIMIT 21
"""
INSTRUCTORS_SQL = """
SELECT ci.course_id, ci.user_id, ci.position, u.display_name, u.email FROM education_courseinstructor ci
JOIN accounts_user u ON u.id = ci.user_id WHERE ci.course_id = ANY(%(ids)s) ORDER BY ci.position, ci.id
"""


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="./dev bench --scenario education", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--courses", type=int, default=20_000, help="courses seeded (default: 20000)")
    parser.add_argument("--learners", type=int, default=20_000, help="learners, 10 enrolments each (default: 20000)")
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections (default: 64)")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds measured per endpoint (default: 15)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of discarded warm-up (default: 3)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default: 1)")
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes (default: 2)")
    parser.add_argument("--sql-runs", type=int, default=300, help="sequential runs of the raw search SQL")
    run.add_paced_option(parser)
    run.add_scratch_options(
        parser, database="azora_bench_edu", redis_env="AZORA_BENCH_EDU_REDIS", redis_default="redis://127.0.0.1:6379/7"
    )
    parser.add_argument("--keep", action="store_true", help="keep the seeded database (for EXPLAIN afterwards)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse a database seeded (and kept) by an earlier run when it holds the seeded courses; implies --keep",
    )
    parser.add_argument(
        "--inprocess",
        type=int,
        default=200,
        help="requests per round for the in-process CPU figures (Django's WSGI handler, 5 rounds; 0: skip)",
    )
    parser.add_argument("--skip-http", action="store_true", help="skip the wrk runs (in-process figures only)")
    args = parser.parse_args(argv)
    if args.reuse:
        args.keep = True
    # bench/run.py's helpers read these.
    args.blocking_threads = None
    args.backpressure = None
    return args


# --- Seeding with COPY ---------------------------------------------------------------------------


def _copy(connection: psycopg.Connection[Any], table: str, columns: list[str], rows: Iterator[tuple[Any, ...]]) -> int:
    """COPY rows into a table in chunks of text; returns how many rows were written."""
    count = 0
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_text(value) for value in row))
            buffer.write("\n")
            count += 1
            if count % 50_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    return count


def _text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", "\\n")


def seed(args: argparse.Namespace, bench_email: str) -> dict[str, Any]:
    """Writes the catalogue, learners, enrolments and progress; returns what the measurements need."""
    rng = random.Random(20261125)  # reproducible test data, not security
    now = datetime.now(UTC)
    started = time.perf_counter()
    with psycopg.connect(run.database_url(args, args.database)) as connection:
        # The rows are consistent by construction; skipping the deferred foreign-key triggers (millions of
        # checks at COMMIT) makes the seed minutes faster. Needs a superuser, as the scratch database has.
        connection.execute("SET session_replication_role = replica")
        bench_user = connection.execute("SELECT id FROM accounts_user WHERE email = %s", (bench_email,)).fetchone()
        assert bench_user is not None
        instructors = [uuid.uuid4() for _ in range(200)]
        learners = [bench_user[0], *(uuid.uuid4() for _ in range(args.learners - 1))]
        user_columns = [
            "id",
            "password",
            "is_superuser",
            "email",
            "display_name",
            "preferred_language",
            "country",
            "time_zone",
            "is_active",
            "is_staff",
            "date_joined",
            "updated_at",
        ]
        people = [(i, "teacher") for i in instructors] + [(i, "learner") for i in learners[1:]]
        _copy(
            connection,
            "accounts_user",
            user_columns,
            (
                (
                    user_id,
                    "!",
                    False,
                    f"{kind}{n}@bench.test",
                    f"{kind.title()} {n}",
                    "en",
                    "ZA",
                    "UTC",
                    True,
                    False,
                    now,
                    now,
                )
                for n, (user_id, kind) in enumerate(people)
            ),
        )
        categories = [
            (uuid.uuid4(), name, name.lower())
            for name in ("Finance", "Programming", "Civics", "Science", "Languages", "Business", "Trades", "Health")
        ]
        _copy(
            connection,
            "education_category",
            ["id", "name", "slug", "created_at", "updated_at"],
            ((c[0], c[1], c[2], now, now) for c in categories),
        )
        courses: list[tuple[uuid.UUID, str]] = []
        course_rows = []
        for n in range(args.courses):
            a, b = rng.sample(TOPICS, 2)
            title = rng.choice(SHAPES).format(a=a.capitalize(), b=b)
            slug = f"course-{n}"
            course_id = uuid.uuid4()
            courses.append((course_id, slug))
            summary = f"Learn {a} and {b} step by step, with exercises and {rng.choice(FILLER)}."
            # Filler from a large vocabulary, so that a topic word matches about as many courses as in a real catalogue.
            description = f"{a} {b} " + " ".join(rng.choice(FILLER) for _ in range(60))
            published = now - timedelta(minutes=n)
            course_rows.append(
                (
                    course_id,
                    now,
                    now,
                    None,
                    instructors[n % len(instructors)],
                    title,
                    slug,
                    summary,
                    description,
                    rng.choice(LANGUAGES),
                    rng.choice(LEVELS),
                    rng.choice(categories)[0],
                    json.dumps([a, b]),
                    "4.0",
                    "",
                    "published",
                    published,
                    None,
                    n % 10 == 0,
                    0,
                )
            )
        enrolled: dict[uuid.UUID, int] = {}
        enrollment_rows = []
        for index, learner in enumerate(learners):
            picks = {(index * 7 + k * 1009) % args.courses for k in range(ENROLLMENTS_PER_LEARNER)}
            for course_index in picks:
                course_id = courses[course_index][0]
                enrolled[course_id] = enrolled.get(course_id, 0) + 1
                enrollment_rows.append((uuid.uuid4(), learner, course_id, course_index))
        course_columns = [
            "id",
            "created_at",
            "updated_at",
            "organisation_id",
            "created_by_id",
            "title",
            "slug",
            "summary",
            "description",
            "language",
            "level",
            "category_id",
            "tags",
            "estimated_hours",
            "cover_image",
            "status",
            "published_at",
            "archived_at",
            "is_paid",
            "enrollment_count",
        ]
        _copy(
            connection,
            "education_course",
            course_columns,
            ((*row[:-1], enrolled.get(row[0], 0)) for row in course_rows),
        )
        _copy(
            connection,
            "education_courseinstructor",
            ["course_id", "user_id", "position", "created_at", "updated_at"],
            ((course_id, instructors[n % len(instructors)], 0, now, now) for n, (course_id, _) in enumerate(courses)),
        )
        lessons_of: list[list[uuid.UUID]] = []
        module_rows = []
        lesson_rows = []
        for course_id, _ in courses:
            lesson_ids = []
            for m in range(MODULES_PER_COURSE):
                module_id = uuid.uuid4()
                module_rows.append((module_id, now, now, course_id, f"Module {m + 1}", "", m))
                for position in range(LESSONS_PER_MODULE):
                    lesson_id = uuid.uuid4()
                    lesson_ids.append(lesson_id)
                    lesson_rows.append(
                        (
                            lesson_id,
                            now,
                            now,
                            course_id,
                            module_id,
                            f"Lesson {m + 1}.{position + 1}",
                            "Read **this**.",
                            "<p>Read <strong>this</strong>.</p>\n",
                            "",
                            10,
                            True,
                            position,
                            1,
                        )
                    )
            lessons_of.append(lesson_ids)
        _copy(
            connection,
            "education_module",
            ["id", "created_at", "updated_at", "course_id", "title", "summary", "position"],
            iter(module_rows),
        )
        lesson_columns = [
            "id",
            "created_at",
            "updated_at",
            "course_id",
            "module_id",
            "title",
            "body_markdown",
            "body_html",
            "video_url",
            "estimated_minutes",
            "is_required",
            "position",
            "version",
        ]
        _copy(connection, "education_lesson", lesson_columns, iter(lesson_rows))
        enrollment_columns = [
            "id",
            "created_at",
            "updated_at",
            "course_id",
            "user_id",
            "source",
            "status",
            "completed_at",
            "last_lesson_id",
            "last_activity_at",
            "revoked_reason",
        ]
        _copy(
            connection,
            "education_enrollment",
            enrollment_columns,
            ((e, now, now, c, u, "self", "active", None, None, None, "") for e, u, c, _ in enrollment_rows),
        )
        progress = _copy(
            connection,
            "education_lessonprogress",
            ["enrollment_id", "lesson_id", "completed_at", "seconds_spent"],
            (
                (enrollment_id, lesson_id, now, 0)
                for enrollment_id, _, _, course_index in enrollment_rows
                for lesson_id in lessons_of[course_index][:PROGRESS_PER_ENROLLMENT]
            ),
        )
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE")
        counts = {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]  # noqa: S608  # fixed names
            for table in SEEDED_TABLES
        }
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "rows": counts,
        "progress_rows_written": progress,
        "course_slug": bench_course_slug(args, bench_email),
    }


SEEDED_TABLES = ("education_course", "education_enrollment", "education_lessonprogress", "education_lesson")
RESET_SCRIPT = """
import os
from django.contrib.auth import get_user_model
user = get_user_model().objects.get(email=os.environ["AZORA_BENCH_EMAIL"])
user.set_password(os.environ["AZORA_BENCH_PASSWORD"])
user.save(update_fields=["password"])
"""


def bench_course_slug(args: argparse.Namespace, bench_email: str) -> str:
    """The newest course the benchmark user is enrolled in (it has progress rows): the course page measured."""
    with psycopg.connect(run.database_url(args, args.database)) as connection:
        row = connection.execute(
            "SELECT c.slug FROM education_enrollment e JOIN education_course c ON c.id = e.course_id"
            " JOIN accounts_user u ON u.id = e.user_id WHERE u.email = %s ORDER BY c.published_at DESC, c.id LIMIT 1",
            (bench_email,),
        ).fetchone()
    if row is None:
        raise RuntimeError("the benchmark user has no enrolment")
    return str(row[0])


def reusable(args: argparse.Namespace, bench_email: str) -> dict[str, Any] | None:
    """The seeded figures of a kept database that holds this run's catalogue, or None (then it is seeded anew)."""
    try:
        with psycopg.connect(run.database_url(args, args.database)) as connection:
            counts = {
                table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]  # noqa: S608  # fixed names
                for table in SEEDED_TABLES
            }
            user = connection.execute("SELECT 1 FROM accounts_user WHERE email = %s", (bench_email,)).fetchone()
    except psycopg.Error:
        return None
    expected_enrollments = args.learners * ENROLLMENTS_PER_LEARNER
    if (
        user is None
        or counts["education_course"] != args.courses
        or counts["education_enrollment"] != expected_enrollments
    ):
        return None
    return {"seconds": 0.0, "rows": counts, "reused": True, "course_slug": bench_course_slug(args, bench_email)}


# --- Measurements --------------------------------------------------------------------------------


def raw_search_sql(args: argparse.Namespace) -> dict[str, Any]:
    """The search query's SQL on one connection, sequentially: the floor the HTTP figures stand on."""
    timings: list[float] = []
    with psycopg.connect(run.database_url(args, args.database), autocommit=True) as connection:
        for _ in range(20):
            connection.execute(SEARCH_SQL, {"q": SEARCH_WORD}).fetchall()
        for _ in range(args.sql_runs):
            started = time.perf_counter()
            ids = [row[0] for row in connection.execute(SEARCH_SQL, {"q": SEARCH_WORD}).fetchall()]
            connection.execute(INSTRUCTORS_SQL, {"ids": ids}).fetchall()
            timings.append((time.perf_counter() - started) * 1000)
        matches = connection.execute(
            "SELECT count(*) FROM education_course WHERE search_vector @@ websearch_to_tsquery('english', %s)",
            (SEARCH_WORD,),
        ).fetchone()
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return {
        "runs": args.sql_runs,
        "matching_courses": matches[0] if matches else 0,
        "p50_ms": round(cuts[49], 3),
        "p95_ms": round(cuts[94], 3),
        "p99_ms": round(cuts[98], 3),
    }


def measure_http(
    args: argparse.Namespace,
    environment: dict[str, str],
    wrk: str | None,
    email: str,
    password: str,
    slug: str,
    log: Path,
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with run.server(environment, interface="wsgi", workers=args.workers, log=log) as running:
        port = running.port
        token = run.login(port, email, password)
        auth = {"Authorization": f"Bearer {token}"}
        endpoints = {
            # Baseline in the same run: the Auth Service's one-query endpoint through the same edge.
            "me_baseline": "/api/v1/me",
            "search": f"/api/v1/courses?q={SEARCH_WORD}&limit=20",
            "course_page": f"/api/v1/courses/{slug}",
            "my_enrollments": "/api/v1/me/enrollments?limit=20",
        }
        for name, path in endpoints.items():
            status, body = run.request(port, "GET", path, headers=auth)
            if status != 200:
                raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
            if args.warmup > 0:
                run.load(args, wrk, f"http://127.0.0.1:{port}{path}", auth, args.warmup)
            print(f"bench: education: GET {path} for {args.duration:g} s at {args.connections} connections", flush=True)
            cpu_before = run.process_group_cpu_seconds(running.process_group)
            results[name] = run.load(args, wrk, f"http://127.0.0.1:{port}{path}", auth, args.duration).as_dict()
            cpu_used = run.process_group_cpu_seconds(running.process_group) - cpu_before
            results[name]["server_cpu_ms_per_request"] = round(cpu_used * 1000 / max(1, results[name]["requests"]), 3)
            results[name]["path"] = path
            # Paced (ADR 0022): the same connections at half the rate the endpoint managed saturated; the target.
            rate = run.paced_rate(float(results[name]["requests_per_second"]), args.paced_share)
            print(f"bench: education: GET {path} paced at {rate:g} req/s for {args.duration:g} s", flush=True)
            paced = run_paced(
                f"http://127.0.0.1:{port}{path}", connections=args.connections, rate=rate, seconds=args.duration,
                headers=auth,
            ).as_dict()  # fmt: skip
            results[name]["paced"] = {"rate": rate, **paced}
    return results


INPROCESS_SCRIPT = """
import json, os, statistics, time
from django.conf import settings
from django.test import Client

settings.DEBUG_PROPAGATE_EXCEPTIONS = True  # an error shows its own traceback, not the 500 page's

email, password = os.environ["AZORA_BENCH_EMAIL"], os.environ["AZORA_BENCH_PASSWORD"]
per_round, rounds = int(os.environ["AZORA_BENCH_PER_ROUND"]), 5
client = Client(HTTP_HOST="127.0.0.1")
login = client.post(
    "/_allauth/app/v1/auth/login", data=json.dumps({"email": email, "password": password}),
    content_type="application/json",
)
assert login.status_code == 200, login.content[:300]
auth = {"HTTP_AUTHORIZATION": "Bearer " + login.json()["meta"]["access_token"]}
paths = json.loads(os.environ["AZORA_BENCH_PATHS"])
cold = json.loads(os.environ["AZORA_BENCH_COLD"])
result = {}

def get(path):
    response = client.get(path, **auth)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])

for name, path in paths.items():
    for _ in range(20):
        get(path)
    per_request = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(per_round):
            get(path)
        per_request.append((time.process_time() - started) * 1000 / per_round)
    result[name] = {
        "cpu_ms_median": round(statistics.median(per_request), 3), "rounds_ms": [round(x, 3) for x in per_request]
    }
# Pages seen for the first time (every read misses the per-course and first-page caches, if any).
for name, cold_paths in cold.items():
    started = time.process_time()
    for path in cold_paths:
        get(path)
    spent = (time.process_time() - started) * 1000
    result[name] = {"cpu_ms_median": round(spent / len(cold_paths), 3), "requests": len(cold_paths)}
print("RESULT " + json.dumps(result))
"""


def inprocess_cpu(
    args: argparse.Namespace, environment: dict[str, str], email: str, password: str, slug: str
) -> dict[str, Any]:
    """CPU per request inside one process (Django's test client through every middleware, JWT auth): the
    server's own cost without the load generator, queueing or other processes; `time.process_time` per round of
    `--inprocess` requests, the median of 5 rounds, plus first visits of pages not seen before (cache misses)."""
    with psycopg.connect(run.database_url(args, args.database)) as connection:
        slugs = [row[0] for row in connection.execute("SELECT slug FROM education_course ORDER BY slug DESC LIMIT 300")]
    paths = {
        "me_baseline": "/api/v1/me",
        "search": f"/api/v1/courses?q={SEARCH_WORD}&limit=20",
        "course_page": f"/api/v1/courses/{slug}",
        "my_enrollments": "/api/v1/me/enrollments?limit=20",
    }
    cold = {
        "search_first_visit": [f"/api/v1/courses?q={word}&limit=20" for word in TOPICS[1:]],
        "course_page_first_visit": [f"/api/v1/courses/{s}" for s in slugs if s != slug][:200],
    }
    if environment.get("PROMETHEUS_MULTIPROC_DIR"):
        Path(environment["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)
    completed = subprocess.run(
        [sys.executable, "-m", "azora.cli", "manage", "shell", "--no-imports", "-c", INPROCESS_SCRIPT],
        cwd=ROOT,
        env={
            **environment,
            "AZORA_BENCH_EMAIL": email,
            "AZORA_BENCH_PASSWORD": password,
            "AZORA_BENCH_PER_ROUND": str(args.inprocess),
            "AZORA_BENCH_PATHS": json.dumps(paths),
            "AZORA_BENCH_COLD": json.dumps(cold),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in completed.stdout.splitlines() if x.startswith("RESULT ")), None)
    if completed.returncode != 0 or line is None:
        raise RuntimeError(f"in-process measurement failed:\n{completed.stdout[-2000:]}\n{completed.stderr[-6000:]}")
    figures: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    base = figures["me_baseline"]["cpu_ms_median"]
    for value in figures.values():
        value["ratio_to_me"] = round(value["cpu_ms_median"] / base, 2) if base else None
    return figures


# --- Report --------------------------------------------------------------------------------------


def report(
    args: argparse.Namespace,
    info: dict[str, Any],
    seeded: dict[str, Any],
    sql: dict[str, Any],
    http: dict[str, Any],
    cpu: dict[str, Any] | None = None,
) -> str:
    machine = info["machine"]
    lines = [
        "",
        f"Azora education benchmark  {info['date']}  commit {machine['git_commit']}",
        f"machine: {machine['cpus']} CPUs ({machine['cpu_model']}), {machine['memory_gib']} GiB, "
        f"Python {machine['python']}, PostgreSQL {info.get('postgresql')}, Redis {info.get('redis')}; "
        f"load average before the run: {' '.join(map(str, machine['load_average_before']))}, after: "
        f"{' '.join(f'{value:.2f}' for value in machine.get('load_average_after', ()))}",
        f"seeded in {seeded['seconds']} s: "
        + ", ".join(f"{k.removeprefix('education_')} {v:,}" for k, v in seeded["rows"].items()),
        f"load: {info['load_tool']}, {args.connections} connections, {args.duration:g} s per endpoint after "
        f"{args.warmup:g} s warm-up; granian WSGI workers={args.workers}; load generator, PostgreSQL and Redis "
        "share the CPUs",
        "",
        f"raw search SQL ('{SEARCH_WORD}', {sql['matching_courses']:,} matches; ranked page + instructors; one "
        f"connection, {sql['runs']} runs): P50 {sql['p50_ms']:.2f} ms, P95 {sql['p95_ms']:.2f} ms, "
        f"P99 {sql['p99_ms']:.2f} ms",
        "",
        f"{'':<18}{'saturated req/s':>16}{'P50 ms':>10}{'P95 ms':>10}{'CPU ms/req':>12}{'paced req/s':>13}"
        f"{'P50 ms':>10}{'P95 ms':>10}{'P99 ms':>10}{'non-2xx':>9}  target (paced P95, ADR 0022)",
    ]
    for name, target in (
        ("me_baseline", None),
        ("search", TARGET_SEARCH_P95_MS),
        ("course_page", TARGET_PAGE_P95_MS),
        ("my_enrollments", TARGET_PAGE_P95_MS),
    ):
        result = http.get(name)
        if result is None:
            lines.append(f"{name:<18} not measured")
            continue
        paced = result["paced"]
        verdict = (
            "(baseline)"
            if target is None
            else f"P95 < {target:g} ms " + ("PASS" if paced["p95_ms"] < target else "MISS")
        )
        lines.append(
            f"{name:<18}{result['requests_per_second']:>16,.0f}{result['p50_ms']:>10.2f}{result['p95_ms']:>10.2f}"
            f"{result['server_cpu_ms_per_request']:>12.2f}{paced['rate']:>13,.0f}{paced['p50_ms']:>10.2f}"
            f"{paced['p95_ms']:>10.2f}{paced['p99_ms']:>10.2f}{result['non_2xx'] + paced['non_2xx']:>9}  {verdict}"
        )
    if cpu:
        lines.append("")
        lines.append(
            f"in-process CPU per request (Django test client, JWT, median of 5 x {args.inprocess}; first visits once):"
        )
        for name, value in cpu.items():
            lines.append(f"  {name:<26}{value['cpu_ms_median']:>8.2f} ms  {value['ratio_to_me']:>5.2f}x /me")
    lines.append(
        f"note: saturated, by Little's law, {args.connections} connections at P95 < 15 ms would need roughly "
        f"> {args.connections / 0.015:,.0f} requests/s; paced, P95 is the request's own time at half that load."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    wrk = wrk_available()
    started = datetime.now(UTC)
    info: dict[str, Any] = {
        "scenario": "education",
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": run.machine(),
        "load_tool": "wrk" if wrk else "python-asyncio",
        "settings": {
            "connections": args.connections,
            "duration_s": args.duration,
            "workers": args.workers,
            "paced_share": args.paced_share,
        },
    }
    RESULTS.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    email, password = "bench@example.com", secrets.token_urlsafe(24)
    seeded: dict[str, Any] = {}
    sql: dict[str, Any] = {}
    http: dict[str, Any] = {}
    cpu: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="azora-bench-edu-") as data_dir:
        try:
            kept = reusable(args, email) if args.reuse else None
            if kept is None:
                info["postgresql"] = run.database_recreate(args)
            info["redis"] = run.redis_flush(args.redis)
            (Path(data_dir) / "static").mkdir()
            environment = run.production_environment(args, data_dir)
            print(f"bench: education: migrating the scratch database {args.database}", flush=True)
            run.azora(environment, "migrate")
            if kept is None:
                run.user_create(environment, email, password)
                print("bench: education: seeding (COPY)", flush=True)
                seeded = seed(args, email)
                print(f"bench: education: seeded in {seeded['seconds']} s: {seeded['rows']}", flush=True)
            else:
                seeded = kept
                with psycopg.connect(run.database_url(args, args.database)) as connection:
                    version = connection.execute("SHOW server_version").fetchone()
                info["postgresql"] = str(version[0]) if version else ""
                run.azora(
                    {**environment, "AZORA_BENCH_EMAIL": email, "AZORA_BENCH_PASSWORD": password},
                    "manage",
                    "shell",
                    "--no-imports",
                    "-c",
                    RESET_SCRIPT,
                )
                print(f"bench: education: reusing the seeded database {args.database}: {seeded['rows']}", flush=True)
            sql = raw_search_sql(args)
            if args.inprocess > 0:
                print("bench: education: in-process CPU per request", flush=True)
                cpu = inprocess_cpu(args, environment, email, password, seeded["course_slug"])
                run.redis_flush(args.redis)
            if not args.skip_http:
                log = RESULTS / f"{stamp}-education-server.log"
                http = measure_http(args, environment, wrk, email, password, seeded["course_slug"], log)
        except (RuntimeError, OSError, psycopg.Error, redis.RedisError, subprocess.SubprocessError) as error:
            print(f"bench: education: failed: {error}", file=sys.stderr)
            return 2
        finally:
            if not args.keep:
                with contextlib.suppress(psycopg.Error):
                    run.database_drop(args)
            with contextlib.suppress(redis.RedisError):
                run.redis_flush(args.redis)
    info["machine"]["load_average_after"] = list(os.getloadavg())
    print(report(args, info, seeded, sql, http, cpu))
    path = RESULTS / f"{stamp}-education.json"
    result = {**info, "seeded": seeded, "raw_sql": sql, "http": http, "inprocess_cpu": cpu}
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"\nbench: result written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
