"""Rendering benchmark: the balance summary of a six-balance wallet, per language, on one core.

For each demo language: renders ``balance_summary`` (NCC balance lines through the Jinja2
template and gettext catalog) in a tight loop on one thread, pinned to one CPU where the OS
allows, and prints messages per second and microseconds per call (best and median of
--repeat runs), measured in the thread's CPU time so that other processes on a shared machine
do not count against it (the best wall-clock figure is printed alongside). Then the cost of
rendering and fitting the text for the wire: SMS segmentation and USSD paging. Prints figures
only; it asserts nothing about speed.

    .venv/bin/python bench/render.py [--seconds 0.5] [--repeat 5] [--no-pin]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.unit.translations.fixtures import (
    LANGUAGES,
    demo_renderer,
    six_balances,
    wallet,
)
from translations.messages import Back, BalanceSummary

TARGET_PER_S = 20_000


def per_call_us(
    call: Callable[[], object],
    seconds: float,
    repeat: int,
    clock: Callable[[], float] = time.thread_time,
) -> list[float]:
    """Microseconds per call of ``repeat`` runs of ~``seconds`` each, by default in this
    thread's CPU time (time spent preempted by other processes is not counted)."""
    batch = 1
    while True:  # size a batch to ~1/10 of a run so the clock is read rarely
        start = clock()
        for _ in range(batch):
            call()
        if clock() - start > seconds / 10:
            break
        batch *= 2
    results = []
    for _ in range(repeat):
        calls = 0
        start = clock()
        deadline = start + seconds
        while True:
            for _ in range(batch):
                call()
            calls += batch
            now = clock()
            if now >= deadline:
                break
        results.append((now - start) / calls * 1e6)
    return results


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "cpu model unknown"


def conditions(pinned: str) -> list[str]:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return [
        f"python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}, {cpu_model()}",
        f"cpus: {os.cpu_count()} logical; run on one thread, {pinned}; load average {load}",
        f"babel {version('babel')}, jinja2 {version('jinja2')}, gc "
        f"{'enabled' if gc.isenabled() else 'disabled'}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.5, help="length of one run")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure")
    parser.add_argument("--no-pin", action="store_true", help="do not pin to one CPU")
    args = parser.parse_args()

    pinned = "not pinned"
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        pinned = f"pinned to cpu {cpu}"

    renderer = demo_renderer()  # built once: templates compiled, catalogs loaded
    snapshot = wallet(six_balances())
    message = BalanceSummary(snapshot)
    print("balance_summary of a six-balance wallet (Demo Telecom, KES)")
    for line in conditions(pinned):
        print("  " + line)
    print()
    header = (
        f"{'lang':4} {'msgs/s':>9} {'µs/call':>8} {'median':>8} {'wall µs':>8}  {'chars':>5}  sms"
    )
    print(header)
    print("-" * len(header))
    slowest = 0.0
    for language in LANGUAGES:
        text = renderer.render(message, language)
        sms = renderer.sms(message, language)
        render = partial(renderer.render, message, language)
        runs = per_call_us(render, args.seconds, args.repeat)
        wall = min(per_call_us(render, args.seconds, args.repeat, clock=time.perf_counter))
        best, median = min(runs), statistics.median(runs)
        slowest = max(slowest, median)
        print(
            f"{language:4} {1e6 / best:>9,.0f} {best:>8.1f} {median:>8.1f} {wall:>8.1f}  "
            f"{len(text):>5}  {len(sms.parts)} x {sms.encoding}"
        )
    print()
    verdict = "meets" if 1e6 / slowest >= TARGET_PER_S else "MISSES"
    print(
        f"slowest language, median run: {1e6 / slowest:,.0f} msgs/s (CPU time): "
        f"{verdict} the {TARGET_PER_S:,}/s target"
    )
    print()
    print("render and fit for the wire (CPU µs/call, best of runs):")
    for language in LANGUAGES:
        to_sms = partial(renderer.sms, message, language)
        sms_us = min(per_call_us(to_sms, args.seconds / 2, args.repeat))
        ussd_us = min(
            per_call_us(
                partial(renderer.ussd_pages, message, language, footer=[Back()]),
                args.seconds / 2,
                args.repeat,
            )
        )
        pages = renderer.ussd_pages(message, language, footer=[Back()])
        print(
            f"  {language}: sms {sms_us:6.1f}   ussd pages {ussd_us:6.1f} "
            f"({len(pages)} screens of {pages[0].encoding})"
        )


if __name__ == "__main__":
    main()
