"""Prometheus metrics of one gateway process, on its own registry (so two apps in one test
process do not share counters), served at ``/metrics``.

* ``selfcare_http_requests_total{channel, endpoint, status}`` and
  ``selfcare_http_request_duration_seconds{channel, endpoint}``: every instrumented route;
* ``selfcare_menu_steps_total{menu, result}``: USSD steps by what became of them (continue,
  end, invalid, replay, restart, not_a_subscriber, refused, error);
* ``selfcare_ledger_outcomes_total{channel, operation, status}``: what the ledger answered to
  the channels' commands;
* ``selfcare_ussd_sessions_ended_total{status}``: the aggregator's end-of-session notices.
* ``selfcare_notifications_total{kind, outcome}``: outbox rows by what became of them
  (sent, retry, failed, skipped, expired; gateway/notification_sender.py).
* ``selfcare_ledger_wal_*``: what the ledger's WAL checkpointer did (core/storage/
  wal_checkpoint.py): checkpoints, holds of the writes and how long they lasted, restarts,
  the largest WAL seen. Read from the store when scraped.

Label children are looked up once and kept: a step's metrics cost a few dict lookups.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

from core.storage.wal_checkpoint import WalStats

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
LATENCY_BUCKETS_S = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0)
SESSION_END_STATUSES = frozenset({"Success", "Incomplete", "Failed"})


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.requests = Counter("selfcare_http_requests", "HTTP requests handled",
                                ["channel", "endpoint", "status"], registry=self.registry)
        self.latency = Histogram("selfcare_http_request_duration_seconds",
                                 "Time to answer an HTTP request", ["channel", "endpoint"],
                                 buckets=LATENCY_BUCKETS_S, registry=self.registry)
        self.menu_steps = Counter("selfcare_menu_steps", "USSD menu steps by result",
                                  ["menu", "result"], registry=self.registry)
        self.ledger_outcomes = Counter("selfcare_ledger_outcomes",
                                       "Ledger outcomes of channel commands",
                                       ["channel", "operation", "status"],
                                       registry=self.registry)
        self.sessions_ended = Counter("selfcare_ussd_sessions_ended",
                                      "End-of-session notifications from the aggregator",
                                      ["status"], registry=self.registry)
        self.notifications = Counter("selfcare_notifications",
                                     "Outbox notifications by kind and outcome",
                                     ["kind", "outcome"], registry=self.registry)
        self._children: dict[tuple[int, tuple[str, ...]], Counter] = {}

    def _counter(self, family: Counter, *labels: str) -> Counter:
        key = (id(family), labels)  # the families live as long as this object
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = family.labels(*labels)
        return child

    def watch_wal(self, stats: Callable[[], WalStats]) -> None:
        """Serve the ledger WAL checkpointer's counts, as ``stats()`` gives them when scraped."""
        self.registry.register(WalCollector(stats))

    def menu_step(self, menu: str, result: str) -> None:
        self._counter(self.menu_steps, menu, result).inc()

    def ledger_outcome(self, channel: str, operation: str, status: str) -> None:
        self._counter(self.ledger_outcomes, channel, operation, status).inc()

    def session_ended(self, status: str) -> None:
        label = status if status in SESSION_END_STATUSES else "other"
        self._counter(self.sessions_ended, label).inc()

    def notification(self, kind: str, outcome: str) -> None:
        """One outbox row attempted or settled; ``kind`` must be one of a known few (the
        caller maps others to "unknown": labels are not for unbounded values)."""
        self._counter(self.notifications, kind, outcome).inc()

    def instrument(self, channel: str, endpoint: str, handler: Handler) -> Handler:
        """``handler`` counted and timed under ``channel``/``endpoint``."""
        latency = self.latency.labels(channel, endpoint)
        clock = time.perf_counter
        by_status: dict[int, Counter] = {}  # this route's counter children, by HTTP status

        async def instrumented(request: web.Request) -> web.StreamResponse:
            start = clock()
            status = 500
            try:
                response = await handler(request)
                status = response.status
                return response
            except web.HTTPException as exc:
                status = exc.status
                raise
            finally:
                latency.observe(clock() - start)
                counter = by_status.get(status)
                if counter is None:
                    counter = by_status[status] = self._counter(
                        self.requests, channel, endpoint, str(status))
                counter.inc()

        return instrumented

    async def handle(self, request: web.Request) -> web.Response:
        """``GET /metrics`` in the Prometheus text format."""
        return web.Response(body=generate_latest(self.registry),
                            headers={"Content-Type": CONTENT_TYPE_LATEST})


class WalCollector(Collector):
    def __init__(self, stats: Callable[[], WalStats]) -> None:
        self._stats = stats

    def collect(self) -> Iterator[Metric]:
        s = self._stats()
        prefix = "selfcare_ledger_wal"
        yield CounterMetricFamily(f"{prefix}_checkpoints", "WAL checkpoints run",
                                  value=s.checkpoints)
        yield CounterMetricFamily(f"{prefix}_holds", "WAL checkpoints run with writes held "
                                  "(the WAL had passed ledger.wal_restart_mib)", value=s.holds)
        yield CounterMetricFamily(f"{prefix}_restarts", "Held checkpoints that copied every "
                                  "frame, after which the WAL starts again", value=s.caught_up)
        yield CounterMetricFamily(f"{prefix}_writes_held_seconds", "Time ledger writes "
                                  "waited for held checkpoints", value=s.held_s)
        yield GaugeMetricFamily(f"{prefix}_longest_hold_seconds", "The longest hold of the "
                                "ledger's writes for one checkpoint", value=s.longest_hold_s)
        yield GaugeMetricFamily(f"{prefix}_largest_frames", "The most frames a checkpoint "
                                "found in the WAL", value=s.largest_frames)
