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
4. starts `azora serve` (WSGI, as bench/run.py starts it), signs in over allauth headless, and measures
   `GET /api/v1/me` (the same edge's one-query endpoint, as a baseline of this run), then
   `GET /api/v1/courses?q=...`, `GET /api/v1/courses/{slug}` and `GET /api/v1/me/enrollments` with wrk at 64
   connections (a warm-up run first, discarded);
5. always drops the scratch database and flushes its Redis database, even when a step fails.
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
from loadgen import wrk_available

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
    parser.add_argument(
        "--postgres",
        default=os.environ.get("AZORA_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without a database name (env AZORA_BENCH_POSTGRES)",
    )
    parser.add_argument("--database", default="azora_bench_edu", help="scratch database, dropped before and after")
    parser.add_argument(
        "--redis",
        default=os.environ.get("AZORA_BENCH_EDU_REDIS", "redis://127.0.0.1:6379/7"),
        help="Redis URL; its database is flushed before and after (env AZORA_BENCH_EDU_REDIS)",
    )
    parser.add_argument("--settings", default="config.settings.production", help="Django settings module")
    parser.add_argument("--keep", action="store_true", help="keep the seeded database (for EXPLAIN afterwards)")
    args = parser.parse_args(argv)
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
        ]
        _copy(
            connection,
            "education_enrollment",
            enrollment_columns,
            ((e, now, now, c, u, "self", "active", None, None, None) for e, u, c, _ in enrollment_rows),
        )
        progress = _copy(
            connection,
            "education_lessonprogress",
            ["enrollment_id", "lesson_id", "completed_at"],
            (
                (enrollment_id, lesson_id, now)
                for enrollment_id, _, _, course_index in enrollment_rows
                for lesson_id in lessons_of[course_index][:PROGRESS_PER_ENROLLMENT]
            ),
        )
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE")
        counts = {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]  # noqa: S608  # fixed names
            for table in ("education_course", "education_enrollment", "education_lessonprogress", "education_lesson")
        }
        bench_course = next(course_rows[i][6] for _, u, _, i in enrollment_rows if u == bench_user[0])
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "rows": counts,
        "progress_rows_written": progress,
        "course_slug": bench_course,
    }


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
    return results


# --- Report --------------------------------------------------------------------------------------


def report(
    args: argparse.Namespace, info: dict[str, Any], seeded: dict[str, Any], sql: dict[str, Any], http: dict[str, Any]
) -> str:
    machine = info["machine"]
    lines = [
        "",
        f"Azora education benchmark  {info['date']}  commit {machine['git_commit']}",
        f"machine: {machine['cpus']} CPUs ({machine['cpu_model']}), {machine['memory_gib']} GiB, "
        f"Python {machine['python']}, PostgreSQL {info.get('postgresql')}, Redis {info.get('redis')}; "
        f"load average before the run: {' '.join(map(str, machine['load_average_before']))}",
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
        f"{'':<18}{'requests/s':>12}{'P50 ms':>10}{'P95 ms':>10}{'P99 ms':>10}{'non-2xx':>9}{'CPU ms/req':>12}  target",
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
        verdict = (
            "(baseline)"
            if target is None
            else f"P95 < {target:g} ms " + ("PASS" if result["p95_ms"] < target else "MISS")
        )
        lines.append(
            f"{name:<18}{result['requests_per_second']:>12,.0f}{result['p50_ms']:>10.2f}{result['p95_ms']:>10.2f}"
            f"{result['p99_ms']:>10.2f}{result['non_2xx']:>9}{result['server_cpu_ms_per_request']:>12.2f}  {verdict}"
        )
    lines.append(
        f"note: by Little's law, {args.connections} connections at P95 < 15 ms need roughly "
        f"> {args.connections / 0.015:,.0f} requests/s."
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
        "settings": {"connections": args.connections, "duration_s": args.duration, "workers": args.workers},
    }
    RESULTS.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    email, password = "bench@example.com", secrets.token_urlsafe(24)
    seeded: dict[str, Any] = {}
    sql: dict[str, Any] = {}
    http: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="azora-bench-edu-") as data_dir:
        try:
            info["postgresql"] = run.database_recreate(args)
            info["redis"] = run.redis_flush(args.redis)
            (Path(data_dir) / "static").mkdir()
            environment = run.production_environment(args, data_dir)
            print(f"bench: education: migrating the scratch database {args.database}", flush=True)
            run.azora(environment, "migrate")
            run.user_create(environment, email, password)
            print("bench: education: seeding (COPY)", flush=True)
            seeded = seed(args, email)
            print(f"bench: education: seeded in {seeded['seconds']} s: {seeded['rows']}", flush=True)
            sql = raw_search_sql(args)
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
    print(report(args, info, seeded, sql, http))
    path = RESULTS / f"{stamp}-education.json"
    path.write_text(json.dumps({**info, "seeded": seeded, "raw_sql": sql, "http": http}, indent=2, default=str) + "\n")
    print(f"\nbench: result written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
