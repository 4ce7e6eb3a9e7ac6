"""The private side of the portal at scale, loaded with COPY (issue 17): bench/pages.py's loader.

A few objects are made through the real services (an entity with its account, a product with a path and a
function, an approved filing and one waiting for review, each with its revisions, review history and
deadlines); every other row is a copy of one of them, its column values taken from the saved instance and
changed where a row must differ (ids, names, numbers, owners, dates), written with COPY in the table's own
columns. The tables' indexes, unique constraints and foreign keys are dropped for the load and rebuilt from
their own definitions after it, so that PostgreSQL checks every copied row as it would have on insert.
At N filings (the issue's national figures at 1,000,000):

- N/10 entities over the provinces, each with its filer account, its approved revision and history (submit,
  claim, approve), its met review deadline, its entity code and one product (a path, a function, the
  product's approved revision, history and deadline);
- one entity (made through the services) with min(2000, N/10) filings over a quarter as many products;
- N/20 filings waiting for review, each with its submitted revision, its submission in the history, its met
  launch deadline and its open review deadline in its entity's province;
- approved filings up to N in all, each with its approved revision, history (submit, claim, approve), met
  launch and review deadlines, the product it covers and a number as NUM-02 issues them (the entity's code,
  the type, a year, a sequence per entity and type, whose last value is in the entity's NumberSequence).

Uploaded files are not copied: the copies name the attachments of the services' entity.
"""

# Seeded random data (S311), SQL over table names read from the catalogue (S608).
# ruff: noqa: S311, S608

from __future__ import annotations

import datetime as dt
import io
import json
import queue
import random
import threading
import time
from contextlib import contextmanager

import search  # bench/search.py: the COPY text format and the log

COPY_ROWS = 50_000  # rows per COPY statement

# Every table the loader writes; their indexes and foreign keys (and those pointing at them) are rebuilt.
TABLES = (
    "filers_user",
    "filers_entity",
    "review_entitycode",
    "review_numbersequence",
    "products_product",
    "products_functionpath",
    "products_function",
    "algorithms_filing",
    "algorithms_coverage",
    "review_revision",
    "review_reviewevent",
    "review_deadline",
)


def cell(value) -> str:
    """One value in COPY's text format (a str is taken as it is: JSON columns are passed as their text)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return search._escape(value)
    if isinstance(value, dt.date):  # datetime too
        return value.isoformat()
    if isinstance(value, dict | list):
        return search._escape(json.dumps(value, ensure_ascii=False))
    return str(value)


class Rows:
    """COPY lines of one model, each a copy of `obj` (a row saved by the services) with changes."""

    def __init__(self, obj):
        fields = obj._meta.concrete_fields
        self.table = obj._meta.db_table
        self.columns = tuple(f.column for f in fields)
        self.index = {f.attname: i for i, f in enumerate(fields)}
        self.base = [cell(getattr(obj, f.attname)) for f in fields]

    def line(self, **changes) -> str:
        row = self.base.copy()
        for name, value in changes.items():
            row[self.index[name]] = cell(value)
        return "\t".join(row) + "\n"


class JsonText:
    """The JSON text of a template's data with some values replaced per row, without encoding it again:
    `marks` maps a placeholder put into the data to the name of the value that replaces it."""

    def __init__(self, data, marks: dict[str, str]):
        text = json.dumps(data, ensure_ascii=False)
        self.parts = [text]
        for placeholder in marks:
            quoted = json.dumps(placeholder, ensure_ascii=False)
            parts = []
            for part in self.parts:
                parts.extend(part.split(quoted))
            if len(parts) == len(self.parts):
                raise ValueError(f"placeholder {placeholder} not in the data")
            self.parts = parts
        # Rebuild the order in which the placeholders occur.
        self.order = []
        remaining = text
        quoted = {json.dumps(p, ensure_ascii=False): n for p, n in marks.items()}
        while True:
            hits = [(remaining.find(q), q) for q in quoted if remaining.find(q) >= 0]
            if not hits:
                break
            at, q = min(hits)
            self.order.append(quoted[q])
            remaining = remaining[at + len(q) :]

    def __call__(self, **values) -> str:
        encoded = {k: json.dumps(v, ensure_ascii=False) for k, v in values.items()}
        out = [self.parts[0]]
        for name, part in zip(self.order, self.parts[1:], strict=True):
            out.append(encoded[name])
            out.append(part)
        return "".join(out)


class Writer:
    """Buffers COPY lines by table; each full batch (and at the end, what is left) is sent by a thread on
    its own connection, so that PostgreSQL ingests one batch while the next is generated."""

    def __init__(self, connect):
        self.buffers: dict[str, tuple[tuple[str, ...], io.StringIO, list[int]]] = {}
        self.counts: dict[str, int] = {}
        self.batches: queue.Queue = queue.Queue(maxsize=3)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._send, args=(connect(),), daemon=True)
        self.thread.start()

    def _send(self, conn) -> None:
        cur = conn.cursor()
        while (batch := self.batches.get()) is not None:
            if self.error is None:
                table, columns, buffer = batch
                try:
                    cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
                except BaseException as exc:  # raised in the main thread by close()
                    self.error = exc
        conn.close()

    def add(self, rows: Rows, **changes) -> None:
        columns, buffer, count = self.buffers.setdefault(rows.table, (rows.columns, io.StringIO(), [0]))
        buffer.write(rows.line(**changes))
        count[0] += 1
        if count[0] >= COPY_ROWS:
            self.flush(rows.table)

    def flush(self, table: str) -> None:
        if self.error is not None:
            raise self.error
        columns, buffer, count = self.buffers.pop(table)
        buffer.seek(0)
        self.batches.put((table, columns, buffer))
        self.counts[table] = self.counts.get(table, 0) + count[0]

    def close(self) -> None:
        for table in list(self.buffers):
            self.flush(table)
        self.batches.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


@contextmanager
def indexes_rebuilt(cur, tables: tuple[str, ...]):
    """Drop the tables' foreign keys (and those that point at them), unique constraints and indexes; rebuild
    them from their definitions afterwards, the foreign keys last (each validates every row)."""
    cur.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND (conrelid::regclass::text = ANY(%s) OR confrelid::regclass::text = ANY(%s))",
        [list(tables), list(tables)],
    )
    foreign = cur.fetchall()
    cur.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype IN ('p', 'u') AND conrelid::regclass::text = ANY(%s) ORDER BY contype",
        [list(tables)],
    )
    unique = cur.fetchall()
    cur.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
        [list(tables)],
    )
    indexes = cur.fetchall()
    for owner, name, _definition in foreign:
        cur.execute(f'ALTER TABLE {owner} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    for owner, name, _definition in unique:
        cur.execute(f'ALTER TABLE {owner} DROP CONSTRAINT "{name}"')
    yield
    cur.execute("SET maintenance_work_mem = '512MB'")
    started = time.perf_counter()
    for owner, name, definition in unique:
        cur.execute(f'ALTER TABLE {owner} ADD CONSTRAINT "{name}" {definition}')
    for _name, definition in indexes:
        cur.execute(definition)
    search.log(
        f"{len(unique)} keys and unique constraints, {len(indexes)} indexes: "
        f"{time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    for owner, name, definition in foreign:
        cur.execute(f'ALTER TABLE {owner} ADD CONSTRAINT "{name}" {definition}')
    search.log(f"{len(foreign)} foreign keys validated: {time.perf_counter() - started:.1f} s")


def _serials(cur, tables: tuple[str, ...]) -> None:
    """Each table's id sequence after its largest id, so that the services go on from there."""
    for table in tables:
        last = f"(SELECT coalesce(max(id), 1) FROM {table})"
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last})")


def load_private(bench_url: str, n: int) -> dict:
    """The private side of n filings; returns what the pages are timed on (see the module's docstring)."""
    import psycopg2
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone

    from algorithms.models import AlgorithmType, Coverage, EntityCode, Filing, NumberSequence
    from beian.celery import app as celery_app
    from filers.models import Entity
    from products.models import Function, FunctionPath, Product
    from review.models import ReviewEvent, Revision
    from review.models_deadlines import Deadline
    from review.numbers import number_compose
    from tests.builders import approve_item, complete_entity, complete_filing, complete_product
    from tests.factories import FilerFactory, ReviewerFactory, valid_uscc

    started = time.perf_counter()
    celery_app.conf.task_always_eager = True  # the services' follow-up tasks run here, no worker
    with connection.cursor() as cur:  # private ids after the projection's, so that they never meet
        cur.execute("SELECT setval(pg_get_serial_sequence('algorithms_filing', 'id'), %s)", [n + 1])

    # --- Made through the services ---------------------------------------------------------------------
    filer = FilerFactory(entity__name="北京星河智联科技有限公司", username="bench-filer")
    complete_entity(filer, approve=True)
    product = complete_product(filer, approve=True)
    approved = approve_item(complete_filing(filer, product))
    waiting = complete_filing(filer, product)
    big = Entity.objects.get(pk=filer.entity_id)
    national = ReviewerFactory(username="bench-national")
    beijing = ReviewerFactory(username="bench-beijing", province_code="110000")
    search.log(f"seeded through the services in {time.perf_counter() - started:.1f} s")

    types = {m: ContentType.objects.get_for_model(m).pk for m in (Entity, Product, Filing)}

    def history(obj) -> tuple[list, list]:
        ct = types[type(obj)]
        events = list(ReviewEvent.objects.filter(content_type_id=ct, object_id=obj.pk).order_by("id"))
        deadlines = list(Deadline.objects.filter(content_type_id=ct, object_id=obj.pk).order_by("id"))
        return [(e, Rows(e)) for e in events], [(d, Rows(d)) for d in deadlines]

    path = FunctionPath.objects.get(product=product)
    function = Function.objects.get(path=path)
    entity_revision = Revision.objects.get(pk=big.approved_revision_id)
    product_revision = Revision.objects.get(pk=product.approved_revision_id)
    approved_revision = Revision.objects.get(pk=approved.approved_revision_id)
    waiting_revision = Revision.objects.get(pk=waiting.pending_revision_id)
    code = EntityCode.objects.get(entity=big)
    sequence = NumberSequence.objects.get(entity=big)
    coverage = Coverage.objects.get(filing=approved)
    entity_events, entity_deadlines = history(big)
    product_events, product_deadlines = history(product)
    approved_events, approved_deadlines = history(approved)
    waiting_events, waiting_deadlines = history(waiting)
    from django.contrib.auth import get_user_model

    filer_account = get_user_model().objects.get(pk=filer.pk)

    # JSON columns whose text changes per row: placeholders put into the template's data.
    def marked(data: dict, **paths) -> tuple[dict, dict]:
        data = json.loads(json.dumps(data))
        marks = {}
        for name, keys in paths.items():
            target = data
            for key in keys[:-1]:
                target = target[key]
            placeholder = f"\x00{name}\x00"
            target[keys[-1]] = placeholder
            marks[placeholder] = name
        return data, marks

    entity_json = JsonText(
        *marked(entity_revision.data, name=("name",), uscc=("uscc",), region_code=("region_code",))
    )
    product_json = JsonText(
        *marked(
            product_revision.data,
            name=("name",),
            path_id=("paths", 0, "id"),
            function_id=("paths", 0, "functions", 0, "id"),
        )
    )
    filing_paths = {
        "name": ("basic", "name"),
        "algo_type": ("basic", "algo_type"),
    }
    revision_paths = {
        **filing_paths,
        "product": ("coverage", "products", 0),
        "product_id": ("products", 0, "id"),
        "product_name": ("products", 0, "name"),
    }
    approved_json = JsonText(*marked(approved_revision.data, **revision_paths))
    waiting_json = JsonText(*marked(waiting_revision.data, **revision_paths))
    data_json = JsonText(*marked(approved.data, **filing_paths))

    rows = {
        "account": Rows(filer_account),
        "entity": Rows(big),
        "product": Rows(product),
        "path": Rows(path),
        "function": Rows(function),
        "revision": Rows(entity_revision),
        "code": Rows(code),
        "sequence": Rows(sequence),
        "coverage": Rows(coverage),
        "approved": Rows(approved),
        "waiting": Rows(waiting),
    }

    conn = psycopg2.connect(**search.connect_kwargs(bench_url))
    conn.autocommit = True
    cur = conn.cursor()
    ids = {}
    for table in TABLES:
        cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        ids[table] = cur.fetchone()[0]

    def next_id(table: str) -> int:
        ids[table] += 1
        return ids[table]

    rng = random.Random(17)
    counties = [county for _city, codes, _w in search.CITIES for county in codes]
    algo_types = [t.value for t in AlgorithmType]
    now = timezone.now()

    def connect():
        copier = psycopg2.connect(**search.connect_kwargs(bench_url))
        copier.autocommit = True
        return copier

    out = Writer(connect)
    entity_count = max(31, n // 10)
    big_filings = min(2000, max(40, n // 10))
    backlog = max(30, n // 20)

    def revision(content_type: int, object_id: int, data: str, at, approved_at, account: int) -> int:
        pk = next_id("review_revision")
        out.add(
            rows["revision"],
            id=pk,
            content_type_id=content_type,
            object_id=object_id,
            data=data,
            created_at=at,
            created_by_id=account,
            approved_at=approved_at,
        )
        return pk

    def events(templates: list, object_id: int, revision_id: int, at: dt.datetime, account: int) -> None:
        """The history of the template, the filer's moves by the owner's account, the reviewers' as made."""
        for i, (e, r) in enumerate(templates):
            filer_move = {"actor_id": account} if e.actor_id == filer.pk else {}
            out.add(
                r,
                id=next_id("review_reviewevent"),
                object_id=object_id,
                revision_id=revision_id,
                created_at=at + dt.timedelta(minutes=i),
                **filer_move,
            )

    def deadlines(templates: list, object_id: int, region_code: str, title: str, **changes) -> None:
        for d, r in templates:
            extra = changes if d.met_at is None else {}
            out.add(
                r,
                id=next_id("review_deadline"),
                object_id=object_id,
                region_code=region_code,
                title=title,
                **extra,
            )

    class Owner:
        __slots__ = ("pk", "account", "region_code", "code", "product", "product_name", "made", "sequences")

        def __init__(self, pk, account, region_code, code, product, product_name):
            self.pk, self.account, self.region_code, self.code = pk, account, region_code, code
            self.product, self.product_name = product, product_name
            self.made, self.sequences = 0, {}

    def product_copy(owner: Owner, name: str, at: dt.datetime) -> int:
        """An approved product of `owner` with one path and one function, as the services' product."""
        pk, path_pk, function_pk = (
            next_id("products_product"),
            next_id("products_functionpath"),
            next_id("products_function"),
        )
        data = product_json(name=name, path_id=path_pk, function_id=function_pk)
        rev = revision(types[Product], pk, data, at, at + dt.timedelta(days=3), owner.account)
        out.add(
            rows["product"],
            id=pk,
            entity_id=owner.pk,
            name=name,
            approved_revision_id=rev,
            state_changed_at=at + dt.timedelta(days=3),
            created_at=at,
            updated_at=at,
        )
        out.add(rows["path"], id=path_pk, product_id=pk, created_at=at)
        out.add(rows["function"], id=function_pk, path_id=path_pk, created_at=at)
        events(product_events, pk, rev, at, owner.account)
        deadlines(product_deadlines, pk, owner.region_code, name)
        return pk

    with indexes_rebuilt(cur, TABLES):
        copy_started = time.perf_counter()
        # Entities over the provinces, each with its account, code, history and one product.
        owners = []
        codes = iter(c for c in range(1_000_000, 10_000_000) if str(c) != code.code)
        for i in range(1, entity_count):
            pk, account = next_id("filers_entity"), next_id("filers_user")
            name = f"{rng.choice('星云青墨智天海山')}{rng.choice('河帆禾言锦联图途')}{i}科技有限公司"
            uscc, region = valid_uscc(500_000 + i), rng.choice(counties)
            at = now - dt.timedelta(days=rng.randint(45, 1500))
            data = entity_json(name=name, uscc=uscc, region_code=region)
            rev = revision(types[Entity], pk, data, at, at + dt.timedelta(days=3), account)
            out.add(
                rows["entity"],
                id=pk,
                name=name,
                uscc=uscc,
                region_code=region,
                approved_revision_id=rev,
                state_changed_at=at + dt.timedelta(days=3),
            )
            events(entity_events, pk, rev, at, account)
            deadlines(entity_deadlines, pk, region, name)
            out.add(
                rows["account"],
                id=account,
                username=f"bench-filer-{i}",
                email=f"filer{i}@example.cn",
                entity_id=pk,
                date_joined=at,
                last_login=None,
            )
            entity_code = str(next(codes))
            out.add(rows["code"], id=next_id("review_entitycode"), entity_id=pk, code=entity_code)
            owner = Owner(pk, account, region, entity_code, 0, f"{name[:2]}{i}资讯")
            owner.product = product_copy(owner, owner.product_name, at)
            owners.append(owner)
        search.log(f"{entity_count:,} entities: {time.perf_counter() - copy_started:.1f} s")

        # The big entity's products (paths and functions only on the one made by the services).
        big_owner = Owner(big.pk, filer_account.pk, big.region_code, code.code, product.pk, product.name)
        big_owner.made = 1
        big_owner.sequences = {sequence.algo_type: sequence.last}
        big_products = [(product.pk, product.name)]
        for i in range(1, max(1, big_filings // 4)):
            big_products.append(
                (product_copy(big_owner, f"星河产品{i}", now - dt.timedelta(days=400)), f"星河产品{i}")
            )

        def filing(owner: Owner, state: str, name: str, at: dt.datetime, product_pk: int, product_name: str):
            """One filing of `owner`: approved (with a number) or waiting for review."""
            pk = next_id("algorithms_filing")
            if state == "approved":
                index = owner.made
                owner.made += 1
                algo_type = algo_types[index % len(algo_types)]
                year = 2022 + (index // len(algo_types)) % 5
                seq = owner.sequences.get(algo_type, 0) + 1
                owner.sequences[algo_type] = seq
                number = number_compose(
                    county=owner.region_code,
                    entity_code=owner.code,
                    algo_type=algo_type,
                    year=year,
                    sequence=seq,
                )
                data = approved_json(
                    name=name,
                    algo_type=algo_type,
                    product=product_pk,
                    product_id=product_pk,
                    product_name=product_name,
                )
                rev = revision(types[Filing], pk, data, at - dt.timedelta(days=15), at, owner.account)
                out.add(
                    rows["approved"],
                    id=pk,
                    entity_id=owner.pk,
                    name=name,
                    algo_type=algo_type,
                    number=number,
                    data=data_json(name=name, algo_type=algo_type),
                    approved_revision_id=rev,
                    created_at=at - dt.timedelta(days=20),
                    submitted_at=at - dt.timedelta(days=15),
                    reviewed_at=at,
                    state_changed_at=at,
                    last_saved_at=at - dt.timedelta(days=15),
                )
                events(approved_events, pk, rev, at - dt.timedelta(days=15), owner.account)
                deadlines(approved_deadlines, pk, owner.region_code, name)
            else:
                algo_type = rng.choice(algo_types)
                data = waiting_json(
                    name=name,
                    algo_type=algo_type,
                    product=product_pk,
                    product_id=product_pk,
                    product_name=product_name,
                )
                rev = revision(types[Filing], pk, data, at, None, owner.account)
                out.add(
                    rows["waiting"],
                    id=pk,
                    entity_id=owner.pk,
                    name=name,
                    algo_type=algo_type,
                    data=data_json(name=name, algo_type=algo_type),
                    pending_revision_id=rev,
                    created_at=at - dt.timedelta(days=2),
                    submitted_at=at,
                    state_changed_at=at,
                    last_saved_at=at,
                )
                events(waiting_events, pk, rev, at, owner.account)
                starts_on = at.date() + dt.timedelta(days=1)
                deadlines(
                    waiting_deadlines,
                    pk,
                    owner.region_code,
                    name,
                    starts_on=starts_on,
                    due_on=starts_on + dt.timedelta(days=rng.randint(20, 45)),
                    computed_at=at,
                )
            out.add(rows["coverage"], id=next_id("algorithms_coverage"), filing_id=pk, product_id=product_pk)

        # The big entity's filings, one every few hours, each over one of its products.
        for i in range(1, big_filings):
            product_pk, product_name = rng.choice(big_products)
            filing(
                big_owner,
                "approved",
                f"星河算法{i}",
                now - dt.timedelta(hours=3 * (big_filings - i)),
                product_pk,
                product_name,
            )
        search.log(f"the big entity: {big_filings:,} filings over {len(big_products):,} products")

        # The review backlog: filings of entities all over the country, submitted in the last 40 days.
        for i in range(1, backlog):
            owner = rng.choice(owners)
            at = now - dt.timedelta(minutes=rng.randint(10, 40 * 24 * 60))
            filing(owner, "waiting", f"待审算法{i}", at, owner.product, owner.product_name)
        search.log(f"{backlog:,} filings waiting for review: {time.perf_counter() - copy_started:.1f} s")

        # Approved filings of the other entities, up to n filings in all.
        rest = max(0, n - big_filings - backlog)
        for i in range(rest):
            owner = owners[i % len(owners)]
            at = now - dt.timedelta(minutes=rng.randint(60 * 24 * 40, 60 * 24 * 1700))
            filing(owner, "approved", f"推荐算法{i}", at, owner.product, owner.product_name)
            if i and i % 100_000 == 0:
                search.log(f"{i:,} approved filings: {time.perf_counter() - copy_started:.1f} s")
        for owner in owners:
            for algo_type, last in owner.sequences.items():
                out.add(
                    rows["sequence"],
                    id=next_id("review_numbersequence"),
                    entity_id=owner.pk,
                    algo_type=algo_type,
                    last=last,
                )
        big_sequences = {k: v for k, v in big_owner.sequences.items() if k != sequence.algo_type}
        for algo_type, last in big_sequences.items():
            out.add(
                rows["sequence"],
                id=next_id("review_numbersequence"),
                entity_id=big.pk,
                algo_type=algo_type,
                last=last,
            )
        out.close()
        cur.execute(
            "UPDATE review_numbersequence SET last = %s WHERE id = %s",
            [big_owner.sequences[sequence.algo_type], sequence.pk],
        )
        copy_s = time.perf_counter() - copy_started
        search.log("rows copied: " + ", ".join(f"{t} {c:,}" for t, c in sorted(out.counts.items())))
    _serials(cur, TABLES)
    analyze_started = time.perf_counter()
    for table in TABLES:
        cur.execute(f"VACUUM ANALYZE {table}")
    analyze_s = time.perf_counter() - analyze_started
    conn.close()
    seconds = time.perf_counter() - started
    search.log(
        f"load-private: {seconds:.1f} s (COPY {copy_s:.1f} s, keys and indexes "
        f"{seconds - copy_s - analyze_s:.1f} s with the seeding, VACUUM ANALYZE {analyze_s:.1f} s)"
    )
    print(
        f"load-private n={n} seconds={seconds:.1f} copy_s={copy_s:.1f} vacuum_analyze_s={analyze_s:.1f} "
        f"entities={entity_count} waiting={backlog} big_entity_filings={big_filings} "
        f"products={len(big_products)}",
        flush=True,
    )
    return {
        "filer": filer_account,
        "national": national,
        "beijing": beijing,
        "waiting": waiting.pk,
    }
