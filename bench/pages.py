"""The portal's pages at scale (issue 17) on PostgreSQL: the public side and the private one.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/beian make bench-pages BENCH_FILINGS=20000
    DATABASE_URL=... .venv/bin/python bench/pages.py 20000 [--keep]
    DATABASE_URL=... .venv/bin/python bench/pages.py 1000000 --after-search   (what make bench runs)

Works in its own database, `<name>_pages_bench` beside the one DATABASE_URL names (dropped and created
afresh and migrated, as bench/search.py does with `<name>_bench`), or with --after-search in
`<name>_bench`, which bench/search.py has just loaded. It loads:

- the public projection of N filings with COPY (bench/search.py's generator and loader), unless
  --after-search finds it loaded;
- the private side with COPY (bench/private.py), scaled from the issue's national figures (1,000,000
  filings: 100,000 entities, 50,000 waiting for review, one entity with 2,000 filings over 500
  products), unless --keep or --after-search finds it loaded.

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
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import private  # noqa: E402  bench/private.py: the private side through COPY
import search  # noqa: E402  bench/search.py: its loader, database helpers and timing

SAMPLES = 100


def bench_url_of(url: str) -> tuple[str, str]:
    import urllib.parse

    plain, _name = search.bench_url_of(url)  # checks the scheme
    parts = urllib.parse.urlsplit(url)
    name = f"{urllib.parse.unquote(parts.path.lstrip('/')) or 'beian'}_pages_bench"
    return urllib.parse.urlunsplit(parts._replace(path="/" + urllib.parse.quote(name))), name


def existing_private() -> dict | None:
    """What the pages are timed on, when the private side is loaded already (None when it is not)."""
    from django.contrib.auth import get_user_model

    from algorithms.models import Filing
    from review.transitions import State

    users = get_user_model().objects
    if not users.filter(username="bench-filer").exists():
        return None
    return {
        "filer": users.get(username="bench-filer"),
        "national": users.get(username="bench-national"),
        "beijing": users.get(username="bench-beijing"),
        "waiting": Filing.objects.filter(entity__account__username="bench-filer", state=State.SUBMITTED)
        .values_list("pk", flat=True)
        .first(),
    }


def issued_numbers(count: int = 500) -> list[str]:
    """Numbers the number check is timed on: issued ones, drawn evenly over the filings."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT min(id), max(id) FROM algorithms_filing")
        low, high = cur.fetchone()
        rng = random.Random(3)
        cur.execute(
            "SELECT number FROM algorithms_filing WHERE id = ANY(%s) AND number IS NOT NULL",
            [[rng.randint(low, high) for _ in range(count * 2)]],
        )
        return [row[0] for row in cur.fetchall()][:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("filings", nargs="?", type=int, default=int(os.environ.get("BENCH_FILINGS", "20000")))
    parser.add_argument("--keep", action="store_true", help="reuse the loaded bench database (no loading)")
    parser.add_argument(
        "--after-search",
        action="store_true",
        help="work in the database bench/search.py has just loaded (<name>_bench): load the private side "
        "there beside its public projection (make bench)",
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("bench-pages: set DATABASE_URL to a PostgreSQL server")
    bench_url, bench_name = search.bench_url_of(url) if args.after_search else bench_url_of(url)
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
    if args.after_search and not search.database_exists(url, bench_name):
        sys.exit(f"bench-pages: --after-search needs {bench_name}, loaded by bench/search.py --keep")
    reuse = args.after_search or (args.keep and search.database_exists(url, bench_name))
    if not reuse:
        search.log(f"creating database {bench_name}")
        search.recreate_database(url, bench_name)
    search.manage(env, "migrate", "--noinput")
    search.manage(env, "collectstatic", "--noinput", "-v", "0")
    import django

    django.setup()
    if not reuse:
        search.load(bench_url, n)
    loaded = existing_private() if reuse else None
    if loaded is None:
        loaded = private.load_private(bench_url, n)
    else:
        search.log(f"reusing the private side in {bench_name}")
    loaded["numbers"] = issued_numbers()

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
    filer.force_login(loaded["filer"])
    national.force_login(loaded["national"])
    beijing.force_login(loaded["beijing"])

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

    numbers = (loaded["numbers"] * total)[:total]
    kinds = [
        ("queue-national", ["/review/"] * total, getter(national)),
        ("queue-province", ["/review/"] * total, getter(beijing)),
        ("review-item", [f"/review/filing/{loaded['waiting']}/"] * total, getter(national)),
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
