"""The portal's pages at scale (issue 17) on PostgreSQL: the public side and the private one.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/beian make bench-pages BENCH_FILINGS=20000
    DATABASE_URL=... .venv/bin/python bench/pages.py 20000 [--keep]

Works in its own database, `<name>_pages_bench` beside the one DATABASE_URL names (dropped and created
afresh and migrated, as bench/search.py does with `<name>_bench`). It loads:

- the public projection of N filings with COPY (bench/search.py's generator and loader);
- the private side, scaled from the issue's national figures (1,000,000 filings: 100,000 entities,
  50,000 waiting for review, one entity with 2,000 filings over 500 products): N/10 entities over the
  provinces, N/20 filings waiting for review (each with its open deadline, in its entity's province),
  one entity with min(2000, N/10) filings over a quarter as many products, and approved filings up to
  N in all, each with its review history. One entity, its product and two filings (one approved, one
  waiting) are made through the real services; the rest are their copies, written with bulk_create.

Then it times each page through the whole view stack (django.test.Client, DEBUG=0), one line each on
standard output, `<kind> n=<filings> p50_ms= p95_ms= p99_ms=`:

    queue-national, queue-province   the reviewers' queue (a national reviewer, one of Beijing)
    review-item                      an item under review
    filer-filings, filer-filings-last  the big entity's filings, first and last page
    filer-dashboard                  the filer's workspace
    home                             the home page (its counts by type kept for a minute)
    public-filing, public-filing-304 the public page, and a revalidation of it (If-None-Match)
    list-month                       the month with the most approvals, first page
    badge, badge-304                 the badge, and a revalidation of it
    number-check                     the number check page for an issued number

and last `badge_rps=` (the badge served by gunicorn to concurrent clients, as bench/search.py's page_rps)
and `badge_304_ms=` (p95 of a conditional request for a badge). Progress goes to standard error.
"""

# Seeded random data (S311), SQL over fixed table names (S608).
# ruff: noqa: S311, S608

from __future__ import annotations

import argparse
import datetime
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import search  # noqa: E402  bench/search.py: its loader, database helpers and timing

SAMPLES = 100
BATCH = 5_000  # rows per bulk_create
TYPES = ("01", "02", "03", "04", "05", "06")


def bench_url_of(url: str) -> tuple[str, str]:
    import urllib.parse

    plain, _name = search.bench_url_of(url)  # checks the scheme
    parts = urllib.parse.urlsplit(url)
    name = f"{urllib.parse.unquote(parts.path.lstrip('/')) or 'beian'}_pages_bench"
    return urllib.parse.urlunsplit(parts._replace(path="/" + urllib.parse.quote(name))), name


def _copy(obj, **changes):
    """An unsaved copy of a model instance: every concrete field but the primary key, then `changes`."""
    fields = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key}
    fields.update(changes)
    return type(obj)(**fields)


class Numbers:
    """Distinct numbers as NUM-02 composes them: per entity code, by type and year, sequences 1…999."""

    def __init__(self):
        from review.numbers import number_compose

        self.compose = number_compose

    def of(self, *, county: str, entity_code: int, index: int) -> str:
        algo_type = TYPES[index % len(TYPES)]
        year = 2022 + (index // len(TYPES)) % 5
        sequence = index // (len(TYPES) * 5) + 1
        return self.compose(
            county=county, entity_code=str(entity_code), algo_type=algo_type, year=year, sequence=sequence
        )


def load_private(n: int) -> dict:
    """The private side at scale; returns what the pages are timed on."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from algorithms.models import Coverage, Filing
    from beian.celery import app as celery_app
    from filers.models import Entity
    from products.models import Product
    from review.models import ReviewEvent
    from review.models_deadlines import Deadline, DeadlineKind
    from review.transitions import State
    from tests.builders import approve_item, complete_entity, complete_filing, complete_product
    from tests.factories import FilerFactory, ReviewerFactory, valid_uscc

    started = time.perf_counter()
    celery_app.conf.task_always_eager = True  # the services' follow-up tasks run here, no worker
    with connection.cursor() as cur:  # private ids after the projection's, so that they never meet
        cur.execute("SELECT setval(pg_get_serial_sequence('algorithms_filing', 'id'), %s)", [n + 1])

    filer = FilerFactory(entity__name="北京星河智联科技有限公司", username="bench-filer")
    complete_entity(filer, approve=True)
    product = complete_product(filer, approve=True)
    approved = approve_item(complete_filing(filer, product))
    waiting = complete_filing(filer, product)
    big = filer.entity
    national = ReviewerFactory(username="bench-national")
    beijing = ReviewerFactory(username="bench-beijing", province_code="110000")
    deadline = Deadline.objects.get(
        content_type__model="filing", object_id=waiting.pk, kind=DeadlineKind.REVIEW, met_at=None
    )
    events = list(ReviewEvent.objects.filter(content_type__model="filing", object_id=approved.pk))
    met = list(Deadline.objects.filter(content_type__model="filing", object_id=approved.pk))
    coverage = Coverage.objects.filter(filing=approved).first()
    log = search.log
    log(f"seeded through the services in {time.perf_counter() - started:.1f} s")

    rng = random.Random(17)
    counties = [county for _city, codes, _w in search.CITIES for county in codes]
    numbers = Numbers()

    # Entities over the provinces (their accounts are not needed: one filer's pages are timed).
    entity_count = max(31, n // 10)
    entities = []
    for i in range(1, entity_count):
        entities.append(
            _copy(big, name=f"{rng.choice('星云青墨智天海山')}{i}科技有限公司", uscc=valid_uscc(500_000 + i))
        )
        entities[-1].region_code = rng.choice(counties)
    Entity.objects.bulk_create(entities, batch_size=BATCH)
    log(f"{entity_count:,} entities")

    # The big entity: its products, its filings (each covering one product) with their history.
    big_filings = min(2000, max(40, n // 10))
    products = [_copy(product, name=f"星河产品{i}") for i in range(1, max(1, big_filings // 4))]
    Product.objects.bulk_create(products, batch_size=BATCH)
    products.append(product)
    now = timezone.now()
    batch = [
        _copy(
            approved,
            number=numbers.of(county=big.region_code, entity_code=1_000_000, index=i),
            name=f"星河算法{i}",
            submitted_at=now - datetime.timedelta(hours=big_filings - i),
        )
        for i in range(1, big_filings)
    ]
    Filing.objects.bulk_create(batch, batch_size=BATCH)
    Coverage.objects.bulk_create(
        [_copy(coverage, filing_id=f.pk, product_id=rng.choice(products).pk) for f in batch], batch_size=BATCH
    )
    history = [_copy(e, object_id=f.pk) for f in batch for e in events]
    ReviewEvent.objects.bulk_create(history, batch_size=BATCH)
    log(f"the big entity: {big_filings:,} filings over {len(products):,} products")

    # The review backlog: waiting filings of entities all over the country, each with its deadline.
    backlog = max(30, n // 20)
    owners = rng.choices(entities, k=backlog)
    queue = [_copy(waiting, entity_id=owner.pk, name=f"待审算法{i}") for i, owner in enumerate(owners)]
    Filing.objects.bulk_create(queue, batch_size=BATCH)
    due = [
        _copy(
            deadline,
            object_id=f.pk,
            region_code=owner.region_code,
            due_on=deadline.due_on and deadline.due_on + datetime.timedelta(days=rng.randint(-10, 30)),
        )
        for f, owner in zip(queue, owners, strict=True)
    ]
    Deadline.objects.bulk_create(due, batch_size=BATCH)
    log(f"{backlog:,} filings waiting for review")

    # Approved filings of the other entities, up to n filings in all, each with its history.
    rest = max(0, n - big_filings - backlog - 1)
    made = 0
    while made < rest:
        size = min(BATCH, rest - made)
        chunk = []
        for i in range(made, made + size):
            owner = entities[i % len(entities)]
            number = numbers.of(
                county=owner.region_code, entity_code=2_000_000 + i % len(entities), index=i // len(entities)
            )
            chunk.append(
                _copy(approved, entity_id=owner.pk, number=number, name=f"推荐算法{i}", state=State.APPROVED)
            )
        Filing.objects.bulk_create(chunk, batch_size=BATCH)
        ReviewEvent.objects.bulk_create(
            [_copy(e, object_id=f.pk) for f in chunk for e in events], batch_size=BATCH
        )
        # Their review deadlines, met: the table the queue reads holds every filing's, not only the open.
        Deadline.objects.bulk_create(
            [_copy(d, object_id=f.pk, region_code=entities[0].region_code) for f in chunk for d in met],
            batch_size=BATCH,
        )
        made += size
    log(f"{rest:,} other approved filings")
    with connection.cursor() as cur:
        for table in ("algorithms_filing", "filers_entity", "review_deadline", "review_reviewevent"):
            cur.execute(f"ANALYZE {table}")
    seconds = time.perf_counter() - started
    print(
        f"load-private n={n} seconds={seconds:.1f} entities={entity_count} waiting={backlog + 1} "
        f"big_entity_filings={big_filings} products={len(products)}",
        flush=True,
    )
    user_model = get_user_model()
    return {
        "filer": user_model.objects.get(pk=filer.pk),
        "national": national,
        "beijing": beijing,
        "waiting": waiting.pk,
        "numbers": list(
            Filing.objects.filter(number__isnull=False).order_by("?").values_list("number", flat=True)[:500]
        ),
    }


def existing_private() -> dict:
    from django.contrib.auth import get_user_model

    from algorithms.models import Filing
    from review.transitions import State

    users = get_user_model().objects
    return {
        "filer": users.get(username="bench-filer"),
        "national": users.get(username="bench-national"),
        "beijing": users.get(username="bench-beijing"),
        "waiting": Filing.objects.filter(entity__account__username="bench-filer", state=State.SUBMITTED)
        .values_list("pk", flat=True)
        .first(),
        "numbers": list(
            Filing.objects.filter(number__isnull=False).order_by("?").values_list("number", flat=True)[:500]
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("filings", nargs="?", type=int, default=int(os.environ.get("BENCH_FILINGS", "20000")))
    parser.add_argument("--keep", action="store_true", help="reuse the loaded bench database (no loading)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("bench-pages: set DATABASE_URL to a PostgreSQL server")
    bench_url, bench_name = bench_url_of(url)
    var_dir = tempfile.mkdtemp(prefix="beian-bench-pages-")
    env = search.bench_environment(
        bench_url,
        var_dir,
        EMAIL_URL="dummymail://",  # the services' e-mails, not on standard output
    )
    os.environ.update(env)
    try:
        run(args, bench_url, bench_name, env, url, var_dir)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def run(args, bench_url: str, bench_name: str, env: dict, url: str, var_dir: str) -> None:
    n = args.filings
    reuse = args.keep and search.database_exists(url, bench_name)
    if not reuse:
        search.log(f"creating database {bench_name}")
        search.recreate_database(url, bench_name)
    search.manage(env, "migrate", "--noinput")
    search.manage(env, "collectstatic", "--noinput", "-v", "0")
    import django

    django.setup()
    if not reuse:
        search.load(bench_url, n)
        private = load_private(n)
    else:
        private = existing_private()

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*), max(filing_id) FROM {search.TABLE}")
        n, max_id = cur.fetchone()
        cur.execute(
            f"SELECT to_char(approved_on, 'YYYY-MM') AS month, count(*) FROM {search.TABLE} "
            "GROUP BY month ORDER BY count(*) DESC LIMIT 1"
        )
        month, month_rows = cur.fetchone()
        # Published ids have gaps (the private side's filings that are not approved): draw ids, keep the
        # published ones, so that every timed page is a public record and not a 404.
        rng = random.Random(5)
        total = SAMPLES + search.WARMUP
        candidates = [rng.randint(1, max_id) for _ in range(total * 4)]
        cur.execute(f"SELECT filing_id FROM {search.TABLE} WHERE filing_id = ANY(%s)", [candidates])
        published = {row[0] for row in cur.fetchall()}
    drawn = [i for i in candidates if i in published] or sorted(published)
    ids = (drawn * (total // len(drawn) + 1))[:total]
    search.log(f"list-month: {month}, {month_rows} rows; {timezone.now():%H:%M:%S}")

    anonymous, filer, national, beijing = Client(), Client(), Client(), Client()
    filer.force_login(private["filer"])
    national.force_login(private["national"])
    beijing.force_login(private["beijing"])

    def getter(client: Client, expect: int = 200, **headers):
        def get(path: str) -> None:
            response = client.get(path, **headers)
            if response.status_code != expect:
                sys.exit(f"bench-pages: GET {path} answered {response.status_code}, not {expect}")

        return get

    etags: dict[str, str] = {}

    def revalidate(path: str) -> None:
        if path not in etags:
            etags[path] = anonymous.get(path)["ETag"]
        response = anonymous.get(path, HTTP_IF_NONE_MATCH=etags[path])
        if response.status_code != 304:
            sys.exit(f"bench-pages: a revalidation of {path} answered {response.status_code}")

    # Warm the ETags outside the timing, as a browser or cache holding each copy would have them.
    public_paths = [f"/public/filing/{i}/" for i in ids]
    badge_paths = [f"/public/filing/{i}/badge.svg" for i in ids]
    for path in public_paths + badge_paths:
        etags[path] = anonymous.get(path)["ETag"]

    numbers = (private["numbers"] * total)[:total]
    kinds = [
        ("queue-national", ["/review/"] * total, getter(national)),
        ("queue-province", ["/review/"] * total, getter(beijing)),
        ("review-item", [f"/review/filing/{private['waiting']}/"] * total, getter(national)),
        ("filer-filings", ["/filings/"] * total, getter(filer)),
        ("filer-filings-last", ["/filings/?page=last"] * total, getter(filer)),
        ("filer-dashboard", ["/account/"] * total, getter(filer)),
        ("home", ["/"] * total, getter(anonymous)),
        ("public-filing", public_paths, getter(anonymous)),
        ("public-filing-304", public_paths, revalidate),
        ("list-month", [f"/lists/?period={month}"] * total, getter(anonymous)),
        ("badge", badge_paths, getter(anonymous)),
        ("badge-304", badge_paths, revalidate),
        ("number-check", [f"/number-check/?number={x}" for x in numbers], getter(anonymous)),
    ]
    lines, badge_304 = [], None
    for kind, paths, get in kinds:
        line = search.measure(kind, n, paths, get)
        lines.append(line)
        print(line, flush=True)
        if kind == "badge-304":
            badge_304 = line.split("p95_ms=")[1].split()[0]
    connection.close()
    # The badge under gunicorn with concurrent clients, as bench/search.py measures page_rps.
    rps = search.page_rps(env, f"/public/filing/{ids[0]}/badge.svg", [str(i) for i in range(100)], var_dir)
    print(f"badge_rps={rps:.1f}", flush=True)
    print(f"badge_304_ms={badge_304}", flush=True)


if __name__ == "__main__":
    main()
