"""Building the Ledger from settings: the one place that knows both."""

from __future__ import annotations

from core.service import Ledger
from core.storage.sqlite import SqliteStore
from gateway.settings import Settings


def build_ledger(settings: Settings) -> Ledger:
    ls = settings.ledger
    store = SqliteStore(ls.path, synchronous=ls.synchronous.value,
                        busy_timeout_ms=ls.busy_timeout_ms, writer=ls.writer.value,
                        writer_spin_ms=ls.writer_spin_ms, wallet_cache=ls.wallet_cache,
                        wal_restart_mib=ls.wal_restart_mib)
    return Ledger(store, pin_pepper=ls.pin_pepper.reveal(),
                  default_region=settings.provider.default_region,
                  max_batch=ls.group_commit_max)
