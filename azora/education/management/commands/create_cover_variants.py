"""`azora manage create_cover_variants`: WebP variants for covers stored before variants existed (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from azora.education.public import course_cover_variants_create


class Command(BaseCommand):
    help = (
        "Move every course cover stored as a single file into the folder layout with its metadata-free copy and "
        "640x360 / 1280x720 WebP variants. Covers already converted are skipped, so running it again changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = course_cover_variants_create()
        self.stdout.write(
            f"Covers: {counts['created']} converted, {counts['skipped']} already had variants, "
            f"{counts['failed']} could not be read (they keep their single-file cover)."
        )
