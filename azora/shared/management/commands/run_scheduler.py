"""`run_scheduler` (`azora scheduler`): enqueues each periodic job once per slot, safely beside other schedulers."""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand

from azora.shared.scheduling import discover_jobs, run_due_jobs, run_scheduler


class Command(BaseCommand):
    help = "Run the periodic-job scheduler (with --once: enqueue what is due now and exit, e.g. from cron)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="enqueue the jobs due now, then exit")

    def handle(self, *args: Any, once: bool, **options: Any) -> None:
        if once:
            discover_jobs()
            enqueued = run_due_jobs()
            self.stdout.write(f"Enqueued: {', '.join(enqueued) or 'nothing due'}")
            return
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        self.stdout.write(f"Scheduler running: {', '.join(job.name for job in discover_jobs())}")
        run_scheduler(stop=stop)
