"""Render timings of the two pre-filled PDF templates (ENT-02, ENT-03).

    cd /work/main && .venv/bin/python bench/pdf_templates.py [N]

One warm-up render of each (fontconfig, font loading, template compilation), then N
renders (default 20); prints the median and the maximum wall time in milliseconds.
Uses an unsaved Entity: no database is touched.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beian.settings")

import django  # noqa: E402

django.setup()

from filers.documents import commitment_letter_pdf, responsibility_statement_pdf  # noqa: E402
from filers.models import Entity  # noqa: E402


def sample_entity() -> Entity:
    return Entity(
        name="北京星河算法科技有限公司",
        uscc="91110108MA01ABCD3X",
        entity_type="enterprise",
        region_code="110108",
        address="中关村大街27号10层1001室",
        industry="I",
        legal_rep_name="王建国",
        officer_name="李安全",
        officer_position="首席信息安全官",
        officer_mobile="13812345678",
        officer_email="security@xinghe.example.cn",
    )


def time_renders(renders, n: int) -> None:
    """For each (name, render) with render() -> PDF bytes: one warm-up, then n timed renders; prints
    the median and the maximum in milliseconds and the file's size."""
    for name, render in renders:
        size = len(render())  # warm-up
        timings = []
        for _ in range(n):
            start = time.perf_counter()
            render()
            timings.append((time.perf_counter() - start) * 1000)
        print(
            f"{name} p50_ms={statistics.median(timings):.1f} max_ms={max(timings):.1f} "
            f"n={n} size_kb={size / 1024:.0f}"
        )


def main(n: int = 20) -> None:
    entity = sample_entity()
    time_renders(
        (
            ("commitment_letter", lambda: commitment_letter_pdf(entity=entity)),
            ("responsibility_statement", lambda: responsibility_statement_pdf(entity=entity)),
        ),
        n,
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
