"""How far the stock FAB list pages are from what the database needs to do.

Speed is a feature (DEVELOPERS), and a number on its own says little on a shared
2-core machine. So this builds a scratch database (real migrations, roles, demo
data, then ``--rows`` customers), times each page as admin through the Flask test
client, and in the same run times the floor: raw SQL on the same engine for the
same rows plus the count. It prints the ratio and how many SQL statements each
request issued. A measurement, not a test: nothing here passes or fails.

    .venv/bin/python -m bench.list_pages [--rows 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, insert, inspect, text
from sqlalchemy.engine import make_url

from bench.scratch_app import demo_app

CITIES = ["北京", "上海", "广州", "深圳", "杭州", "南京", "苏州", "成都", "重庆", "武汉", "西安", "天津"]
WORDS = ["华通", "恒信", "金桥", "远航", "瑞丰", "中科", "新元", "东方", "宏达", "天成", "博源", "海纳"]
TRADES = ["信息科技", "物流", "电力设备", "酒店管理", "医疗器械", "精密制造", "建设工程", "商贸", "物业服务"]
SUFFIXES = ["有限公司", "股份有限公司", "集团有限公司", "有限责任公司"]
DEEP_PAGE = 2000  # 0-based, as in FAB's pager links
PAGE_ARG = "page_CustomerView"
LANDING_SQL = (
    "SELECT (SELECT count(*) FROM ab_user WHERE active), (SELECT count(*) FROM ab_user WHERE NOT active),"
    " (SELECT count(*) FROM customer WHERE active), (SELECT count(*) FROM vendor WHERE active)"
)


def order_by(base_order: tuple[str, str] | None) -> str:
    """The view's default order as SQL; none at all when FAB sends none (no ``base_order``)."""
    return f"ORDER BY {base_order[0]} {base_order[1]}" if base_order else ""


def rows_and_count(order: str, limit: int, offset: int) -> list[tuple[str, dict]]:
    """The floor of a list page: its rows and the total, as plain SQL."""
    rows = f"SELECT id, code, name, active FROM customer {order} LIMIT :limit OFFSET :offset"
    return [(rows, {"limit": limit, "offset": offset}), ("SELECT count(*) FROM customer", {})]


def customer_rows(count: int, seed: int = 2026) -> list[dict]:
    """Realistic names; codes shuffled so the code index is not the insertion order."""
    rng = random.Random(seed)
    numbers = rng.sample(range(1, count * 10), count)
    return [
        {
            "code": f"C-{n:07d}",
            "name": f"{rng.choice(CITIES)}{rng.choice(WORDS)}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}",
            "active": rng.random() > 0.1,
        }
        for n in numbers
    ]


def build(url: str, instance: Path, rows: int):
    """A migrated, seeded app with ``rows`` extra customers; returns (app, admin id)."""
    from app.extensions import db
    from models.organisations import Customer
    from models.users import UserAccount

    app = demo_app(url, instance, activity=True)
    with app.app_context():
        data = customer_rows(rows)
        with db.engine.begin() as conn:
            for start in range(0, rows, 5000):
                conn.execute(insert(Customer.__table__), data[start : start + 5000])
            conn.exec_driver_sql("ANALYZE")
        admin_id = db.session.query(UserAccount.id).filter_by(username="admin").scalar()
    return app, admin_id


def medians(page, floor, repeat: int) -> tuple[float, float]:
    """Median ms of ``page`` and ``floor``, run in alternation so both see the same machine load."""
    page(), floor()  # warm caches: templates, compiled statements, database pages
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, spent in zip((page, floor), times, strict=True):
            start = time.perf_counter()
            fn()
            spent.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def run(app, admin_id: int, rows: int, repeat: int) -> None:
    from app.demo import CUSTOMERS
    from app.extensions import db
    from views.customers import CustomerApi, CustomerView

    with app.app_context():
        engine = db.engine
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = str(admin_id), True

    total = rows + len(CUSTOMERS)  # plus the demo's
    ui, api = CustomerView.page_size, CustomerApi.page_size
    deep = min(DEEP_PAGE, (total - 1) // ui)
    by_ui, by_api = order_by(CustomerView.base_order), order_by(CustomerApi.base_order)
    cases = [  # label, URL, floor: [(SQL, params)]
        ("list, first page", "/customers/list/", rows_and_count(by_ui, ui, 0)),
        (f"list, page {deep}", f"/customers/list/?{PAGE_ARG}={deep}", rows_and_count(by_ui, ui, ui * deep)),
        ("API, first page", "/api/v1/customer/", rows_and_count(by_api, api, 0)),
        ("landing page", "/", [(LANDING_SQL, {})]),
    ]

    def floor(queries) -> str:
        with engine.connect() as conn:
            results = [conn.execute(text(sql), params).all() for sql, params in queries]
        return str(results[0][0][1 if len(results) > 1 else 0])  # first code shown, or the first count

    def get(url) -> str:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}; is the admin logged in?")
        return response.text

    print(f"{engine.dialect.name}, {total} customers, median of {repeat}, {os.cpu_count()} cores")
    print(f"{'case':<18} {'median ms':>10} {'floor ms':>9} {'ratio':>6} {'statements':>11}")
    for label, url, queries in cases:
        page_ms, floor_ms = medians(lambda url=url: get(url), lambda queries=queries: floor(queries), repeat)
        statements.clear()
        body = get(url)
        issued = [s for s in statements if not s.startswith("BEGIN")]  # SQLite's BEGIN IMMEDIATE
        print(f"{label:<18} {page_ms:>10.2f} {floor_ms:>9.2f} {page_ms / floor_ms:>6.1f} {len(issued):>11}")
        if (first := floor(queries)) not in body:
            print(f"  warning: the page does not show the floor's first value {first!r}: not the same rows?")


@contextmanager
def scratch_database(url: str):
    """PostgreSQL: create the database if missing and drop it afterwards; refuse one with tables."""
    if url.startswith("sqlite"):
        yield
        return
    target = make_url(url).set(drivername="postgresql+psycopg")
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}).scalar()
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    if exists:
        probe = create_engine(target)
        tables = inspect(probe).get_table_names()
        probe.dispose()
        if tables:
            raise SystemExit(f"{target.database} has {len(tables)} tables: give an empty or a missing database")
    try:
        yield
    finally:
        if not exists:
            with server.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE "{target.database}" WITH (FORCE)')
        server.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="customers to add (default 100000)")
    parser.add_argument("--database-url", help="an empty or missing PostgreSQL database (default: temp SQLite)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per case (default 30)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        with scratch_database(url):
            run(*build(url, Path(tmp) / "instance", args.rows), args.rows, args.repeat)


if __name__ == "__main__":
    main()
