"""Lighthouse 12.2.3 on the Student Portal's catalogue, a lesson and a quiz, against an embedded Azora with demo data.

Not part of the test suite (it needs npm): see README's "Lighthouse" section. It starts `azora run` on its own port
with a throw-away data directory, signs in as the demo learner through the real login form, enrols in a demo
course through the portal, starts a quiz, then runs Lighthouse on each page with the session cookie and prints the
four category scores, each the median of three runs (--runs). Reports (JSON) are written to
var/lighthouse/reports/.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[3]
LIGHTHOUSE = ROOT / "var" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / "var" / "lighthouse" / "reports"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"
LEARNER = ("learner@azora.local", "azora-demo-password")


def start_server(port: int, data_dir: Path) -> subprocess.Popen[bytes]:
    with contextlib.suppress(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
        raise SystemExit(f"port {port} is already in use; choose another with --port")
    environment = {**os.environ, "AZORA_DATA_DIR": str(data_dir)}
    log = (data_dir / "server.log").open("wb")
    server = subprocess.Popen(  # noqa: S603 -- our own command line
        [str(ROOT / ".venv" / "bin" / "azora"), "run", "--port", str(port)],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"azora run stopped; see {data_dir / 'server.log'}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/courses/", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise SystemExit("azora run did not answer within 5 minutes")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to `azora run` (it stops its web and worker processes), then anything left in its process group."""
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)


def _csrf(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if match is None:
        raise SystemExit("no CSRF token on the page")
    return match.group(1)


def sign_in(client: httpx.Client) -> None:
    page = client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/",
        data={"csrfmiddlewaretoken": _csrf(page.text), "login": LEARNER[0], "password": LEARNER[1]},
        headers={"Referer": str(page.url)},
    )
    if "sessionid" not in client.cookies:
        raise SystemExit(f"signing in as {LEARNER[0]} failed ({response.status_code})")


def pages_to_measure(client: httpx.Client) -> dict[str, str]:
    """The catalogue, then the first lesson and a started quiz of the first demo course that has an assessment."""
    catalogue = client.get("/courses/")
    for slug in dict.fromkeys(re.findall(r'href="/courses/([a-z0-9-]+)/"', catalogue.text)):
        course = client.get(f"/courses/{slug}/")
        if f'action="/courses/{slug}/enrol/"' in course.text:
            client.post(
                f"/courses/{slug}/enrol/",
                data={"csrfmiddlewaretoken": _csrf(course.text)},
                headers={"Referer": str(course.url)},
            )
            course = client.get(f"/courses/{slug}/")
        lesson = re.search(r'href="(/learn/[0-9a-f-]+/)"', course.text)
        quiz = re.search(r'href="(/quiz/[0-9a-f-]+/[0-9a-f-]+/)"', course.text)
        if lesson is None or quiz is None:
            continue
        intro = client.get(quiz.group(1))
        start = re.search(r'action="(/quiz/[0-9a-f-]+/[0-9a-f-]+/start/)"', intro.text)
        if start is None:
            continue
        attempt = client.post(
            start.group(1), data={"csrfmiddlewaretoken": _csrf(intro.text)}, headers={"Referer": str(intro.url)}
        )
        return {"catalogue": "/courses/", "lesson": lesson.group(1), "quiz": attempt.url.path}
    raise SystemExit("no demo course with a lesson and an assessment was found")


def median_scores(url: str, cookie: str, name: str, runs: int) -> dict[str, int]:
    """Each category's median over `runs` Lighthouse runs (as Lighthouse advises: single runs vary)."""
    results = [lighthouse(url, cookie, f"{name}-{run + 1}") for run in range(runs)]
    return {category: int(statistics.median(result[category] for result in results)) for category in CATEGORIES}


def lighthouse(url: str, cookie: str, name: str) -> dict[str, int]:
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"{name}.json"
    command = [
        str(LIGHTHOUSE),
        url,
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={report}",
        f"--extra-headers={json.dumps({'Cookie': cookie})}",
        "--quiet",
    ]
    environment = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    for attempt in range(3):
        # Lighthouse sometimes loses the trace of a load (NO_NAVSTART) on a busy machine: that run is repeated.
        if subprocess.run(command, check=False, env=environment).returncode == 0:  # noqa: S603 -- our own command
            break
        print(f"lighthouse: run {name} failed (try {attempt + 1} of 3)", file=sys.stderr)  # noqa: T201 -- a report
    else:
        raise SystemExit(f"Lighthouse failed three times on {url}")
    categories = json.loads(report.read_text())["categories"]
    return {category: round(categories[category]["score"] * 100) for category in CATEGORIES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8055)
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page; the median is shown")
    parser.add_argument(
        "--pages", default="catalogue,lesson,quiz", help="which of catalogue, lesson, quiz to measure (comma-separated)"
    )
    arguments = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print("Install Lighthouse first: npm install --prefix var/lighthouse lighthouse@12.2.3", file=sys.stderr)  # noqa: T201 -- a command-line report
        return 2
    base = f"http://127.0.0.1:{arguments.port}"
    with tempfile.TemporaryDirectory(prefix="azora-lighthouse-") as data_dir:
        server = start_server(arguments.port, Path(data_dir))
        try:
            with httpx.Client(base_url=base, follow_redirects=True, timeout=30) as client:
                sign_in(client)
                pages = pages_to_measure(client)
                cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
            print(f"{'page':<10} {'path':<60} " + " ".join(f"{category:>14}" for category in CATEGORIES))  # noqa: T201 -- a command-line report
            chosen = arguments.pages.split(",")
            for name, path in pages.items():
                if name not in chosen:
                    continue
                scores = median_scores(base + path, cookie, name, arguments.runs)
                print(f"{name:<10} {path:<60} " + " ".join(f"{scores[category]:>14}" for category in CATEGORIES))  # noqa: T201 -- a command-line report
        finally:
            stop_server(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
