"""Public search benchmark (PUB-01, PUB-02) on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/beian make bench
    DATABASE_URL=... BENCH_FILINGS=100000 .venv/bin/python bench/search.py [--keep] [--explain]

Works in its own database, `<name>_bench` beside the one DATABASE_URL names (dropped and created
afresh, UTF8, C.UTF-8, from template0), migrated with the project's migrations. It loads
BENCH_FILINGS (default 1,000,000) published filings with COPY, then measures, in the same run:

    name1…name4   public_search(q=…) for 1–4 character name queries, first page fully evaluated
    number        public_search(q=…) for an exact filing number
    page          GET /search/?q=<2 characters> through Django's test client
    naive-name1/2 the same name match as one `ILIKE '%q%'` query with no gram filter
    page_rps      the search page served by gunicorn (2 workers) under 8 concurrent clients

Measurements go to standard output, one line each (the load line first, page_rps last);
progress and details go to standard error. --keep reuses a loaded bench database (no loading);
--explain prints EXPLAIN (ANALYZE, BUFFERS) of one query of each name kind.
"""

# Seeded random data (S311), our own subprocesses (S603), SQL over the fixed table name (S608),
# gunicorn's heartbeat files in memory as in the Dockerfile (S108).
# ruff: noqa: S311, S603, S608, S108

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import itertools
import json
import os
import queue
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TABLE = "public_search_publicfiling"
COLUMNS = (
    "filing_id",
    "number",
    "name",
    "algo_type",
    "role",
    "entity_name",
    "province_code",
    "products",
    "main_use",
    "state",
    "approved_on",
    "changed_at",
    "disclosure",
    "history",
    "remark",
    "grams",
    "domain",
)
# 应用领域 of the generated filings (STAT-01's chart by domain), taken from the id so that the random
# stream, and with it every other generated column, is the same as before the column was added.
BENCH_DOMAINS = (
    *("新闻资讯", "网络视听", "社交", "电子商务", "搜索引擎"),
    *("生活服务", "出行", "金融", "教育", "其他"),
)
BATCH, CHUNK = 100_000, 2_000  # rows per COPY, rows per chunk sent (BATCH a multiple of CHUNK)
SAMPLES, WARMUP, NAIVE_SAMPLES = 200, 20, 20
# A kind stops warming up after WARMUP_BUDGET_S and sampling after KIND_BUDGET_S (standard error
# says how many samples it got), so that a slow search cannot make the run endless.
WARMUP_BUDGET_S, KIND_BUDGET_S = 20, 90
LOAD_SECONDS, LOAD_WARMUP_SECONDS, LOAD_THREADS, GUNICORN_WORKERS = 12, 3, 8, 2


def log(*parts) -> None:
    print("#", *parts, file=sys.stderr, flush=True)


# --- Vocabulary -----------------------------------------------------------------------------------
# (city, county codes of the entity's registered address, weight)
CITIES = [
    ("北京", ("110108", "110105", "110102", "110106"), 22),
    ("上海", ("310115", "310104", "310112"), 14),
    ("深圳", ("440305", "440304", "440306"), 10),
    ("杭州", ("330106", "330108", "330110"), 10),
    ("广州", ("440106", "440104", "440112"), 7),
    ("成都", ("510107", "510116"), 4),
    ("南京", ("320106", "320115"), 3),
    ("武汉", ("420111", "420106"), 3),
    ("西安", ("610113",), 2),
    ("苏州", ("320505",), 2),
    ("天津", ("120116",), 2),
    ("重庆", ("500105", "500112"), 2),
    ("厦门", ("350203", "350206"), 2),
    ("长沙", ("430104",), 2),
    ("合肥", ("340104",), 2),
    ("济南", ("370102",), 1),
    ("青岛", ("370212",), 1),
    ("郑州", ("410105",), 1),
    ("福州", ("350102",), 1),
    ("宁波", ("330212",), 1),
    ("沈阳", ("210102",), 1),
    ("大连", ("210202",), 1),
    ("哈尔滨", ("230103",), 1),
    ("长春", ("220104",), 1),
    ("石家庄", ("130102",), 1),
    ("太原", ("140105",), 1),
    ("南昌", ("360111",), 1),
    ("南宁", ("450103",), 1),
    ("昆明", ("530102",), 1),
    ("贵阳", ("520103",), 1),
    ("海口", ("460106",), 1),
    ("兰州", ("620102",), 1),
    ("珠海", ("440402",), 1),
    ("东莞", ("441900",), 1),
    ("无锡", ("320214",), 1),
    ("乌鲁木齐", ("650102",), 0.5),
    ("呼和浩特", ("150102",), 0.5),
    ("银川", ("640104",), 0.3),
    ("西宁", ("630103",), 0.3),
    ("拉萨", ("540102",), 0.2),
]
BRAND_HEADS = (
    "星云青墨蜀字智天海山风光众百新华金银微小大趣乐快好美优易博瑞达"
    "鼎盛嘉和恒泰安创启灵飞跃宇极数聚知麦橙果蓝鲸鹰熊猫狐鹿"
)
BRAND_TAILS = (
    "河帆禾言锦节联图途行影音书阅视听映源链芯动跳尚品购商家居医康学课旅游车驾通讯信码脑答问搜阁桥港湾岚峰川岳"
)
INDUSTRIES = [
    ("科技", 20),
    ("网络科技", 14),
    ("信息技术", 12),
    ("网络", 4),
    ("数据科技", 5),
    ("智能科技", 6),
    ("文化传媒", 5),
    ("计算机系统", 2),
    ("软件", 4),
    ("电子商务", 4),
    ("互联网信息服务", 2),
    ("数字科技", 5),
    ("人工智能科技", 3),
    ("信息科技", 6),
    ("传媒", 2),
    ("教育科技", 3),
    ("健康科技", 2),
    ("金融信息服务", 1),
]
SUFFIXES = [("有限公司", 80), ("股份有限公司", 12), ("有限责任公司", 8)]
# Type codes of the numbers (NUM-02, as issued since 2022: 01–06) by weight and algorithm names without the
# brand. The projection's type column has ALG-02's five types: 05 (内容过滤类) became 04 (检索过滤类) in
# algorithms.0007, numbers unchanged, and the generator maps it the same way (TYPE_NOW).
ALGORITHMS = {
    "01": (
        30,
        [
            "内容生成合成算法",
            "文本生成算法",
            "图像生成算法",
            "语音合成算法",
            "深度合成算法",
            "智能对话算法",
            "大模型生成合成算法",
            "数字人生成算法",
            "视频生成算法",
            "智能写作算法",
            "人脸融合算法",
        ],
    ),
    "02": (
        30,
        [
            "个性化推荐算法",
            "信息流推荐算法",
            "短视频推荐算法",
            "商品推荐算法",
            "内容推荐算法",
            "新闻资讯推荐算法",
            "音乐推荐算法",
        ],
    ),
    "03": (10, ["排序精选算法", "热搜榜单算法", "评论排序算法", "内容精选算法", "搜索结果排序算法"]),
    "04": (12, ["智能搜索算法", "信息检索算法", "搜索引擎算法", "语义检索算法", "商品搜索算法"]),
    "05": (8, ["内容过滤算法", "内容审核算法", "风险内容识别算法", "评论过滤算法"]),
    "06": (
        10,
        ["调度决策算法", "订单分配算法", "骑手调度算法", "路径规划算法", "网约车派单算法", "价格决策算法"],
    ),
}
TYPE_NOW = {"05": "04"}
PRODUCT_WORDS = (
    "视频 音乐 地图 出行 阅读 商城 搜索 资讯 外卖 直播 社区 健康 学习 助手 翻译 输入法 浏览器 APP".split()
)
FORMS = ["APP", "网站", "小程序", "公众账号"]
USES = {
    "01": "根据用户输入的文本或图片，生成合成文本、图像、音频或视频内容，服务于{p}的创作场景。",
    "02": "根据用户的浏览、点击、停留等行为，向{p}的用户推荐其可能感兴趣的内容。",
    "03": "对{p}中的内容按热度、质量与时效进行排序精选，展示在首页与榜单。",
    "04": "理解用户在{p}中输入的检索词，返回与之相关的信息与服务。",
    "05": "识别并拦截{p}中的违法和不良信息，保障内容安全。",
    "06": "在{p}中根据订单、位置与运力，实时分配任务并规划路线。",
}
PRINCIPLE = (
    "该算法基于深度学习模型，对{p}中的用户特征、内容特征与上下文特征进行表示学习，"
    "通过多目标优化输出候选结果的评分，并结合人工规则进行校正。"
)
MECHANISM = (
    "算法依次经过数据采集、特征提取、模型计算、结果校验和人工审核五个环节；"
    "用户可在设置中关闭个性化服务，或对结果进行反馈，平台据此持续优化。"
)
SCENARIOS = "应用于{p}的首页、搜索页与消息页等场景，服务于普通用户与内容创作者。"
DAY0, DAYS = dt.date(2022, 1, 1), (dt.date(2026, 11, 25) - dt.date(2022, 1, 1)).days


def _cumulative(pairs) -> tuple[list, list[float]]:
    return [p[0] for p in pairs], list(itertools.accumulate(p[-1] for p in pairs))


def _escape(text: str) -> str:
    """COPY's text format."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Entity:
    __slots__ = ("name", "brand", "county", "code", "grams", "sequences")

    def __init__(self, name: str, brand: str, county: str, code: str, grams: tuple[str, ...]):
        self.name, self.brand, self.county, self.code, self.grams = name, brand, county, code, grams
        self.sequences: dict[str, int] = {}  # the last sequence number by algorithm type (NUM-02)


class Generator:
    """Deterministic filings; each entity's numbers as NUM-02 issues them (code, type, year, sequence)."""

    def __init__(self, seed: int = 20240101):
        from public_search.services import grams_of
        from review.numbers import number_compose

        self.rng = random.Random(seed)
        self.grams_of, self.number_compose = grams_of, number_compose
        self.names_used: set[str] = set()
        self.codes = iter(random.Random(seed + 1).sample(range(1_000_000, 10_000_000), 3_000_000))
        self.gram_cache: dict[str, set[str]] = {}
        self.interned: dict[str, str] = {}
        self.types = list(ALGORITHMS)
        self.type_weights = list(itertools.accumulate(ALGORITHMS[t][0] for t in self.types))
        self.city_weights = list(itertools.accumulate(c[2] for c in CITIES))
        self.industries, self.suffixes = _cumulative(INDUSTRIES), _cumulative(SUFFIXES)

    def _grams(self, text: str) -> set[str]:
        cached = self.gram_cache.get(text)
        if cached is None:
            cached = self.grams_of(text)
            if len(self.gram_cache) < 500_000:
                self.gram_cache[text] = cached
        return cached

    def _brand(self) -> str:
        r, rng = self.rng.random(), self.rng
        brand = rng.choice(BRAND_HEADS) + rng.choice(BRAND_TAILS)
        if r < 0.15:
            brand += rng.choice(BRAND_TAILS)
        elif r < 0.20:
            brand += rng.choice(BRAND_HEADS) + rng.choice(BRAND_TAILS)
        return brand

    def entity(self) -> Entity:
        rng = self.rng
        while True:
            city, counties, _w = rng.choices(CITIES, cum_weights=self.city_weights)[0]
            brand = self._brand()
            industry = rng.choices(self.industries[0], cum_weights=self.industries[1])[0]
            suffix = rng.choices(self.suffixes[0], cum_weights=self.suffixes[1])[0]
            if rng.random() < 0.1:
                name = f"{brand}（{city}）{industry}{suffix}"
            else:
                name = f"{city}{brand}{industry}{suffix}"
            if name not in self.names_used:
                break
        self.names_used.add(name)
        grams = tuple(self.interned.setdefault(g, g) for g in self.grams_of(name))
        return Entity(name, brand, rng.choice(counties), str(next(self.codes)), grams)

    def rows(self, n: int):
        """COPY lines (text format) of filings 1…n in the order they were approved, as the table fills
        in production: about a third by a new entity, the rest by one already there (the older an entity,
        the more filings it has), approval dates rising with the id, more of them each year."""
        entities: list[Entity] = []
        for filing_id in range(1, n + 1):
            if not entities or self.rng.random() < 0.32:
                entities.append(self.entity())
                entity = entities[-1]
            else:
                entity = entities[self.rng.randrange(len(entities))]
            day = int(DAYS * ((filing_id - 0.5) / n) ** 0.8) + self.rng.randint(-5, 5)
            yield self._row(filing_id, entity, DAY0 + dt.timedelta(days=min(max(day, 0), DAYS - 1)))

    def _row(self, filing_id: int, entity: Entity, approved_on: dt.date) -> str:
        rng = self.rng
        role = "supporter" if rng.random() < 0.15 else "provider"
        algo_type = "01" if role == "supporter" else rng.choices(self.types, cum_weights=self.type_weights)[0]
        r = rng.random()
        product = entity.brand + rng.choice(PRODUCT_WORDS) if r < 0.4 else entity.brand
        prefix = product if r < 0.9 else ""
        name = prefix + rng.choice(ALGORITHMS[algo_type][1])
        sequence = entity.sequences.get(algo_type, 0) + 1
        entity.sequences[algo_type] = sequence
        number = self.number_compose(
            county=entity.county,
            entity_code=entity.code,
            algo_type=algo_type,
            year=approved_on.year,
            sequence=sequence,
        )
        if role == "supporter":
            products = "--"
        else:
            forms = rng.sample(FORMS, rng.choice((1, 1, 2, 3)))
            products = f"{product}（{'、'.join(forms)}）"
        history = [{"date": approved_on.isoformat(), "event": "approved", "label": "备案通过"}]
        s = rng.random()
        state, remark = "approved", ""
        if s < 0.03:
            state, remark = "cancelled", "已注销"
            history.append(
                {
                    "date": (approved_on + dt.timedelta(days=rng.randint(30, 300))).isoformat(),
                    "event": "cancelled",
                    "label": "注销",
                }
            )
        elif s < 0.04:
            state, remark = "revoked", "已撤销"
            history.append(
                {
                    "date": (approved_on + dt.timedelta(days=rng.randint(30, 300))).isoformat(),
                    "event": "revoked",
                    "label": "撤销",
                    "detail": "提供虚假材料",
                }
            )
        main_use = USES[algo_type].format(p=product)
        disclosure = {
            "principle": PRINCIPLE.format(p=product),
            "mechanism": MECHANISM,
            "scenarios": SCENARIOS.format(p=product),
            "purpose": main_use,
        }
        grams = " ".join(sorted(self._grams(name).union(entity.grams)))
        changed_at = f"{approved_on.isoformat()} {rng.randint(9, 17):02d}:{rng.randint(0, 59):02d}:00+08"
        return (
            "\t".join(
                (
                    str(filing_id),
                    number,
                    _escape(name),
                    TYPE_NOW.get(algo_type, algo_type),
                    role,
                    _escape(entity.name),
                    entity.county[:2],
                    _escape(products),
                    _escape(main_use),
                    state,
                    approved_on.isoformat(),
                    changed_at,
                    _escape(json.dumps(disclosure, ensure_ascii=False)),
                    _escape(json.dumps(history, ensure_ascii=False)),
                    remark,
                    grams,
                    BENCH_DOMAINS[filing_id % len(BENCH_DOMAINS)],
                )
            )
            + "\n"
        )


class ChunkReader:
    """A file-like object for copy_expert over a queue of encoded chunks of COPY lines, filled by a
    thread that generates them while PostgreSQL ingests the previous ones. read() returns one whole
    chunk whatever size is asked (psycopg2 sends what it gets), b"" after `chunks` chunks."""

    def __init__(self, chunks: queue.Queue, count: int):
        self.chunks, self.left = chunks, count

    def read(self, size: int = -1) -> bytes:
        if self.left == 0:
            return b""
        self.left -= 1
        chunk = self.chunks.get()
        if isinstance(chunk, BaseException):
            raise chunk
        return chunk

    readline = read


def produce(rows, chunks: queue.Queue) -> None:
    try:
        while chunk := "".join(itertools.islice(rows, CHUNK)):
            chunks.put(chunk.encode())
    except BaseException as exc:  # handed to the reader, which raises it in the main thread
        chunks.put(exc)


# --- Database set-up --------------------------------------------------------------------------------


def connect_kwargs(url: str, dbname: str | None = None) -> dict:
    parts = urllib.parse.urlsplit(url)
    kwargs = {
        "host": urllib.parse.unquote(parts.hostname or "") or None,
        "port": parts.port,
        "user": urllib.parse.unquote(parts.username or "") or None,
        "password": urllib.parse.unquote(parts.password or "") or None,
        "dbname": dbname or urllib.parse.unquote(parts.path.lstrip("/")),
    }
    kwargs.update(dict(urllib.parse.parse_qsl(parts.query)))
    return {k: v for k, v in kwargs.items() if v is not None}


def bench_url_of(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql", "psql"):
        sys.exit(f"bench: DATABASE_URL must name a PostgreSQL database, not {parts.scheme}://")
    name = urllib.parse.unquote(parts.path.lstrip("/")) or "beian"
    bench = f"{name}_bench"
    return urllib.parse.urlunsplit(parts._replace(path="/" + urllib.parse.quote(bench))), bench


def admin_connection(url: str):
    import psycopg2

    error = None
    for dbname in ("postgres", None, "template1"):
        try:
            conn = psycopg2.connect(**connect_kwargs(url, dbname))
            conn.autocommit = True
            return conn
        except psycopg2.OperationalError as exc:
            error = exc
    sys.exit(f"bench: cannot connect to PostgreSQL: {error}")


def database_exists(url: str, name: str) -> bool:
    with admin_connection(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cur.fetchone() is not None


def recreate_database(url: str, name: str) -> None:
    import psycopg2

    conn = admin_connection(url)
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        try:
            cur.execute(
                f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' "
                "TEMPLATE template0"
            )
        except psycopg2.Error:  # a server without the C.UTF-8 locale
            cur.execute(
                f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
            )
    conn.close()


def manage(env: dict, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        sys.exit(f"bench: manage.py {' '.join(args)} failed")


def load(bench_url: str, n: int) -> None:
    """COPY n filings into the bench database's public table, its indexes built afterwards."""
    import psycopg2

    conn = psycopg2.connect(**connect_kwargs(bench_url))
    conn.autocommit = True
    cur = conn.cursor()
    # The public projection alone is loaded: the foreign keys from and to its tables (to algorithms_filing;
    # from the list batches, the grams) are dropped (in this database only), and its indexes and unique
    # constraints are rebuilt after COPY, as a bulk load does.
    for table in (TABLE, "public_search_publicgram"):
        cur.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint "
            "WHERE contype = 'f' AND (conrelid = %s::regclass OR confrelid = %s::regclass)",
            [table, table],
        )
        for owner, fk in cur.fetchall():
            cur.execute(f'ALTER TABLE {owner} DROP CONSTRAINT IF EXISTS "{fk}"')
            log(f"dropped foreign key {fk} of {owner} (bench database only)")
    cur.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u') ORDER BY contype",
        [TABLE],
    )
    constraints = cur.fetchall()
    cur.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [TABLE, TABLE],
    )
    indexes = cur.fetchall()
    for name, _def in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    for name, _def in constraints:
        cur.execute(f'ALTER TABLE {TABLE} DROP CONSTRAINT "{name}"')

    chunks: queue.Queue = queue.Queue(maxsize=8)
    threading.Thread(target=produce, args=(Generator().rows(n), chunks), daemon=True).start()
    started = time.perf_counter()
    for first in range(0, n, BATCH):
        size = min(BATCH, n - first)
        cur.copy_expert(
            f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN", ChunkReader(chunks, -(-size // CHUNK))
        )
        elapsed = time.perf_counter() - started
        log(f"copied {first + size:,} rows in {elapsed:.1f} s ({(first + size) / elapsed:,.0f} rows/s)")
    copy_s = time.perf_counter() - started

    cur.execute("SET maintenance_work_mem = '1GB'")
    for name, definition in constraints:
        t = time.perf_counter()
        cur.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
        log(f"constraint {name}: {time.perf_counter() - t:.1f} s")
    for name, definition in indexes:
        t = time.perf_counter()
        cur.execute(definition)
        log(f"index {name}: {time.perf_counter() - t:.1f} s")
    index_s = time.perf_counter() - started - copy_s
    # The posting lists (public_search.PublicGram), written in SQL from the loaded grams, the way
    # public_refresh writes them row by row (a row's grams are a set: no DISTINCT needed); their
    # primary key and index are built after the insert.
    t = time.perf_counter()
    postings = "public_search_publicgram"
    cur.execute(f"ALTER TABLE {postings} DROP CONSTRAINT IF EXISTS {postings}_pkey")
    cur.execute("DROP INDEX IF EXISTS public_gram_filing")
    cur.execute(
        f"INSERT INTO {postings} (gram, approved_on, filing_id) "
        f"SELECT unnest(string_to_array(grams, ' ')), approved_on, filing_id FROM {TABLE}"
    )
    cur.execute(f"ALTER TABLE {postings} ADD PRIMARY KEY (gram, approved_on, filing_id)")
    cur.execute(f"CREATE INDEX public_gram_filing ON {postings} (filing_id)")
    postings_s = time.perf_counter() - t
    log(f"posting lists: {postings_s:.1f} s")
    index_s += postings_s
    t = time.perf_counter()
    cur.execute(f"VACUUM ANALYZE {TABLE}")
    cur.execute(f"VACUUM ANALYZE {postings}")
    vacuum_s = time.perf_counter() - t
    cur.execute(
        "SELECT pg_size_pretty(pg_table_size(%s)), pg_size_pretty(pg_indexes_size(%s))", [TABLE, TABLE]
    )
    table_size, index_size = cur.fetchone()
    conn.close()
    total = copy_s + index_s + vacuum_s
    log(f"table {table_size}, indexes {index_size}")
    print(
        f"load n={n} seconds={total:.1f} copy_s={copy_s:.1f} index_s={index_s:.1f} "
        f"vacuum_analyze_s={vacuum_s:.1f} "
        f"rows_per_s={n / copy_s:.0f}",
        flush=True,
    )


def verify_grams(sample: list[tuple[str, str, str]]) -> None:
    """The loaded grams are exactly what public_refresh writes."""
    from public_search.services import grams_of

    for entity_name, name, grams in sample:
        expected = " ".join(sorted(grams_of(entity_name, name)))
        if grams != expected:
            sys.exit(f"bench: grams differ for {entity_name} / {name}")
    log(f"grams verified on {len(sample)} rows")


# --- Queries ------------------------------------------------------------------------------------------


def _brand_span(entity_name: str) -> tuple[int, int]:
    """Where the brand lies in an entity name built from the vocabulary (city, brand, industry, suffix)."""
    start, end = 0, len(entity_name)
    if "（" in entity_name:
        end = entity_name.index("（")
    else:
        for city, _c, _w in sorted(CITIES, key=lambda c: -len(c[0])):
            if entity_name.startswith(city):
                start = len(city)
                break
        for suffix, _w in sorted(SUFFIXES, key=lambda s: -len(s[0])):
            if entity_name.endswith(suffix):
                end -= len(suffix)
                break
        for industry, _w in sorted(INDUSTRIES, key=lambda i: -len(i[0])):
            if entity_name[:end].endswith(industry):
                end -= len(industry)
                break
    if end - start < 2:
        start, end = 0, len(entity_name)
    return start, end


def query_strings(rows: list[tuple[str, str]], length: int, count: int, seed: int) -> list[str]:
    """What people type: half from the brand in an entity name (running on into the words after it),
    three tenths from algorithm names, a fifth from anywhere in an entity name."""
    rng, out = random.Random(seed), []
    while len(out) < count:
        entity_name, name = rng.choice(rows)
        r = rng.random()
        if r < 0.5:
            start, end = _brand_span(entity_name)
            position = min(rng.randrange(start, end), len(entity_name) - length)
            text = entity_name[position : position + length]
        else:
            text = name if r < 0.8 else entity_name
            if len(text) < length:
                continue
            position = rng.randrange(len(text) - length + 1)
            text = text[position : position + length]
        if len(text) == length and not text.isascii() and "（" not in text and "）" not in text:
            out.append(text)
    return out


def percentiles(timings: list[float]) -> tuple[float, float, float]:
    q = statistics.quantiles(timings, n=100, method="inclusive")
    return q[49], q[94], q[98]


def measure(kind: str, n: int, queries: list[str], run, warmup: int = WARMUP) -> str:
    started = time.perf_counter()
    for q in queries[:warmup]:
        run(q)
        if time.perf_counter() - started > WARMUP_BUDGET_S:
            break
    timings, started = [], time.perf_counter()
    for q in queries[warmup:]:
        t = time.perf_counter()
        run(q)
        timings.append((time.perf_counter() - t) * 1000)
        if time.perf_counter() - started > KIND_BUDGET_S:
            break
    p50, p95, p99 = percentiles(timings * 2 if len(timings) == 1 else timings)
    log(f"{kind}: {len(timings)} samples, max {max(timings):.1f} ms, e.g. {queries[warmup : warmup + 5]}")
    return f"{kind} n={n} p50_ms={p50:.2f} p95_ms={p95:.2f} p99_ms={p99:.2f}"


def _explain_captured(statements: list[dict]) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of captured statements (their SQL has the values in it)."""
    from django.db import connection

    for c in statements:
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + c["sql"])  # no params: % stays as it is
            log(f"{c['sql']}\n" + "\n".join(r[0] for r in cur.fetchall()))


def explain(kind: str, q: str) -> None:
    """The plans of every statement the first page of a name query runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from public_search.services import public_search

    with CaptureQueriesContext(connection) as captured:
        list(public_search(q=q)[:20])
    log(f"--- {kind} q={q!r}: {len(captured.captured_queries)} statements")
    _explain_captured(captured.captured_queries)


def explain_page(client, path: str, q: str) -> None:
    """The page's queries with their times, and the plans of the two slowest."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path, {"q": q})
    queries = sorted(captured.captured_queries, key=lambda c: -float(c["time"]))
    log(
        f"--- page q={q!r}: {len(queries)} queries, "
        + ", ".join(f"{float(c['time']) * 1000:.1f}" for c in queries)
    )
    _explain_captured(queries[:2])


# --- The page under gunicorn ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def page_rps(env: dict, path: str, queries: list[str], var_dir: str) -> float:
    port = free_port()
    errlog = Path(var_dir) / "gunicorn.log"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "beian.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(GUNICORN_WORKERS),
            "--worker-tmp-dir",
            "/dev/shm",
            "--timeout",
            "120",
            "--error-logfile",
            str(errlog),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", path + "?q=" + urllib.parse.quote(queries[0]))
                status = conn.getresponse().status
                conn.close()
                if status != 200:
                    sys.exit(f"bench: gunicorn answered {status} for {path}; see {errlog}")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"bench: gunicorn did not start; see {errlog}")
                time.sleep(0.2)

        start_at = time.monotonic() + LOAD_WARMUP_SECONDS
        stop_at = start_at + LOAD_SECONDS
        counts = [[0, 0, []] for _ in range(LOAD_THREADS)]  # ok, errors, latencies

        def client(index: int) -> None:
            conn, i, tally = None, index, counts[index]
            while (now := time.monotonic()) < stop_at:
                q = queries[i % len(queries)]
                i += LOAD_THREADS
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    conn.request("GET", path + "?q=" + urllib.parse.quote(q))
                    response = conn.getresponse()
                    response.read()
                    ok = response.status == 200
                    if response.will_close:
                        conn.close()
                        conn = None
                except OSError:
                    ok = False
                    conn = None
                if now >= start_at:
                    tally[0 if ok else 1] += 1
                    tally[2].append((time.monotonic() - now) * 1000)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(LOAD_THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        ok = sum(c[0] for c in counts)
        errors = sum(c[1] for c in counts)
        latencies = [x for c in counts for x in c[2]]
        if latencies:
            p50, p95, p99 = percentiles(latencies) if len(latencies) > 1 else (latencies[0],) * 3
            log(
                f"page_rps: {ok} ok, {errors} errors in {LOAD_SECONDS} s, {LOAD_THREADS} clients, "
                f"{GUNICORN_WORKERS} gunicorn workers; "
                f"latency p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms"
            )
        if errors:
            log(f"page_rps: {errors} requests failed; see {errlog}")
        return ok / LOAD_SECONDS
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- Main -------------------------------------------------------------------------------------------------


def measure_stats(n: int, reuse: bool) -> str:
    """STAT-01: the public statistics page, which reads the counters (public_search.StatCount). A bulk
    load bypasses the projection's writer, so the counters are rebuilt from the loaded rows once, as a
    repair would (GROUP BY); its time is logged, not what a visitor waits for."""
    from django.test import Client

    from public_search.models import StatCount
    from public_search.stats import stat_rebuild

    if not reuse or not StatCount.objects.exists():
        t = time.perf_counter()
        stat_rebuild()
        log(f"stat_rebuild: {time.perf_counter() - t:.1f} s, {StatCount.objects.count()} counters")
    client = Client()

    def stats_run(_q: str) -> None:
        response = client.get("/stats/")
        if response.status_code != 200:
            sys.exit(f"bench: GET /stats/ answered {response.status_code}")

    return measure("stats", n, ["/stats/"] * (SAMPLES + WARMUP), stats_run)


def bench_environment(bench_url: str, var_dir: str, **extra: str) -> dict:
    """The environment a bench runs the portal in: its own database and var folder, production settings
    (DEBUG off) with a throwaway secret; `extra` adds or overrides variables."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": bench_url,
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "BEIAN_VAR_DIR": var_dir,
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "beian.settings",
            # Every page is timed hundreds of times from one address: no limit may answer 429.
            **{
                f"RATE_LIMIT_{action}": "100000000/min"
                for action in ("NUMBER_CHECK", "SEARCH", "LOGIN", "REGISTER", "PASSWORD_RESET", "OPEN_DATA")
            },
        }
    )
    env.update(extra)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="reuse the loaded bench database (no loading)")
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN (ANALYZE, BUFFERS) of name queries"
    )
    parser.add_argument(
        "--only", choices=("stats",), help="measure only this (the database is loaded as usual)"
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit(
            "bench: DATABASE_URL is not set; "
            "e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/beian make bench"
        )
    n = int(os.environ.get("BENCH_FILINGS", "1000000").replace("_", "").replace(",", ""))
    bench_url, bench_name = bench_url_of(url)

    var_dir = tempfile.mkdtemp(prefix="beian-bench-")
    env = bench_environment(bench_url, var_dir)
    os.environ.update(env)
    try:
        run(args, n, bench_url, bench_name, env, var_dir, url)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def run(args, n: int, bench_url: str, bench_name: str, env: dict, var_dir: str, url: str) -> None:
    reuse = args.keep and database_exists(url, bench_name)
    if reuse:
        log(f"reusing database {bench_name}")
        manage(env, "migrate", "--noinput")
    else:
        log(f"creating database {bench_name}")
        recreate_database(url, bench_name)
        manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput", "-v", "0")  # DEBUG=0 serves hashed static files
    import django

    django.setup()
    if not reuse:
        load(bench_url, n)
    from django.db import connection
    from django.test import Client
    from django.urls import Resolver404, resolve

    from public_search.services import public_search

    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*), max(filing_id) FROM {TABLE}")
        n, max_id = cur.fetchone()
        if not n:
            sys.exit(f"bench: {bench_name} has no filings; run without --keep")
        ids = random.Random(7).sample(range(1, max_id + 1), min(4000, max_id))
        cur.execute(f"SELECT entity_name, name, grams, number FROM {TABLE} WHERE filing_id = ANY(%s)", [ids])
        sample = cur.fetchall()
    verify_grams([(e, a, g) for e, a, g, _n in sample[:1000]])
    stats_line = measure_stats(n, reuse)
    if args.only == "stats":
        print(stats_line, flush=True)
        return
    rows = [(e, a) for e, a, _g, _n in sample]
    numbers = [num for *_rest, num in sample if num]
    total = SAMPLES + WARMUP
    queries = {k: query_strings(rows, k, total, seed=k) for k in (1, 2, 3, 4)}

    def heaviest(candidates: list[str]) -> str:
        """The query that matches most of the sampled filings."""
        return max(candidates, key=lambda q: sum(q in e or q in a for e, a in rows))

    if args.explain:
        for k in (1, 2, 3, 4):
            explain(f"name{k} (a typical one)", queries[k][WARMUP])
            explain(f"name{k} (the heaviest sampled)", heaviest(queries[k]))

    lines = []
    for k in (1, 2, 3, 4):
        lines.append(measure(f"name{k}", n, queries[k], lambda q: list(public_search(q=q)[:20])))
    rng = random.Random(11)
    number_queries = [rng.choice(numbers) for _ in range(total)]
    number_queries = [f"网信算备{x}号" if i % 2 else x for i, x in enumerate(number_queries)]

    def number_run(q: str) -> None:
        found = list(public_search(q=q)[:20])
        if len(found) != 1:
            sys.exit(f"bench: number {q} found {len(found)} filings")

    lines.append(measure("number", n, number_queries, number_run))

    path = "/search/"
    try:
        resolve(path)
    except Resolver404:
        path = "/"
        log("no /search/ page yet: `page` measures the home page with ?q=")
    client = Client()
    if args.explain:
        explain_page(client, path, queries[2][WARMUP])
        explain_page(client, path, heaviest(queries[2]))

    def page_run(q: str) -> None:
        response = client.get(path, {"q": q})
        if response.status_code != 200:
            sys.exit(f"bench: GET {path}?q={q} answered {response.status_code}")

    lines.append(measure("page", n, queries[2], page_run))

    naive_sql = (
        f"SELECT {', '.join(COLUMNS)} FROM {TABLE} "
        "WHERE entity_name ILIKE %s OR name ILIKE %s ORDER BY approved_on DESC, filing_id DESC LIMIT 20"
    )

    def naive_run(q: str) -> None:
        with connection.cursor() as cur:
            cur.execute(naive_sql, [f"%{q}%", f"%{q}%"])
            cur.fetchall()

    if args.explain:
        with connection.cursor() as cur:
            for kind, q in (("naive-name1", queries[1][WARMUP]), ("naive-name2", queries[2][WARMUP])):
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + naive_sql, [f"%{q}%", f"%{q}%"])
                log(f"--- {kind} q={q!r}\n" + "\n".join(r[0] for r in cur.fetchall()))
    for k in (1, 2):
        lines.append(measure(f"naive-name{k}", n, queries[k][: NAIVE_SAMPLES + 2], naive_run, warmup=2))
    connection.close()

    rps = page_rps(env, path, queries[2], var_dir)
    for line in [*lines, stats_line]:
        print(line)
    print(f"page_rps={rps:.1f}", flush=True)


if __name__ == "__main__":
    main()
