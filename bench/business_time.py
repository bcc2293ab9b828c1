"""How the cost of an SLA deadline grows with its budget: one working hour against thirty working days.

``deadline_after`` walks working intervals date by date and steps over plain weeks whole, so a budget
of six weeks should cost a few times a budget of one hour, not hundreds. This times both on the
Shanghai 2026 calendar of the unit tests (09:00-12:00 and 13:00-18:00 on weekdays, the year's holidays
and make-up days) from the same random starts spread over 2026, alternating the two so that both see
the same load, and prints deadlines per second and their ratio. A measurement, not a test.

    .venv/bin/python -m bench.business_time [--starts 2000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.domain.sla import BusinessCalendar, deadline_after
from tests.unit.test_business_time import SHANGHAI_2026

TARGETS = {"1 working hour": 3600, "30 working days": 30 * 8 * 3600}


def random_starts(count: int, seed: int = 2026) -> list[datetime]:
    """Moments anywhere in 2026, working hours or not, to the second."""
    rng = random.Random(seed)
    new_year = datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    return [new_year + timedelta(seconds=rng.randrange(365 * 86_400)) for _ in range(count)]


def deadlines_per_second(cal: BusinessCalendar, starts: list[datetime], seconds: int) -> float:
    began = time.perf_counter()
    for start in starts:
        deadline_after(cal, start, seconds)
    return len(starts) / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=2000, help="random start moments per run")
    parser.add_argument("--repeat", type=int, default=7, help="runs per target; the median is printed")
    args = parser.parse_args()
    starts = random_starts(args.starts)
    rates: dict[str, list[float]] = {name: [] for name in TARGETS}
    for seconds in TARGETS.values():  # warm-up
        deadlines_per_second(SHANGHAI_2026, starts[:100], seconds)
    for _ in range(args.repeat):
        for name, seconds in TARGETS.items():
            rates[name].append(deadlines_per_second(SHANGHAI_2026, starts, seconds))
    medians = {name: statistics.median(runs) for name, runs in rates.items()}
    print(f"{args.starts} random starts in 2026, median of {args.repeat} runs\n")
    print("| target | deadlines/s | µs per deadline | runs' range (deadlines/s) |")
    print("|---|---:|---:|---:|")
    for name, median in medians.items():
        low, high = min(rates[name]), max(rates[name])
        print(f"| {name} | {median:,.0f} | {1e6 / median:.1f} | {low:,.0f}–{high:,.0f} |")
    short, long = medians.values()
    print(f"\ncost ratio (30 working days / 1 working hour): {short / long:.1f}")


if __name__ == "__main__":
    main()
