"""Seeding a ledger from a config file (config/ledger/demo.toml): provider catalog, wallets
with credits and products, voucher batches. Every step has a fixed idempotency key, so
seeding twice changes nothing the second time."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import commands as c
from core.catalog_codec import CatalogError
from core.service import Ledger, LedgerAdmin


@dataclass(slots=True)
class SeedReport:
    provider_id: int = 0
    wallets_created: int = 0
    operations: int = 0
    vouchers: list[tuple[str, str]] = field(default_factory=list)  # (serial, pin)
    failures: list[str] = field(default_factory=list)


def read_seed(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(str(path), f"not valid TOML: {exc}") from None


async def seed(ledger: Ledger, config: Mapping[str, Any]) -> SeedReport:
    admin = LedgerAdmin(ledger)
    report = SeedReport(provider_id=await admin.save_provider(config))
    provider = config["provider"]["name"]
    for w in config.get("wallets", []):
        msisdn = ledger.msisdn(w["msisdn"])
        created = await ledger.execute(c.CreateWallet(
            key=f"seed:wallet:{msisdn}", channel="seed", msisdn=msisdn, provider=provider,
            wallet_type=w.get("wallet_type", "Prepaid"), language=w.get("language", "en")))
        report.wallets_created += int(created.ok and not created.replayed)
        for type_name, amount in w.get("credits", {}).items():
            await _step(ledger, report, c.Adjust(
                key=f"seed:credit:{msisdn}:{type_name}", channel="seed", msisdn=msisdn,
                balance_type=type_name, amount=amount, reason="demo seed"))
        for product in w.get("products", []):
            await _step(ledger, report, c.ProvisionProduct(
                key=f"seed:product:{msisdn}:{product}", channel="seed", msisdn=msisdn,
                product=product))
    for b in config.get("voucher_batches", []):
        if await admin.batch_exists(b["name"]):
            continue
        report.vouchers.extend(await admin.create_vouchers(
            provider=provider, name=b["name"], count=b["count"], values=b["values"],
            validity_days=b.get("validity_days", 0), state=b.get("state", "active")))
    return report


async def _step(ledger: Ledger, report: SeedReport, cmd: c.Command) -> None:
    outcome = await ledger.execute(cmd)
    if outcome.ok:
        report.operations += int(not outcome.replayed)
    else:
        report.failures.append(f"{cmd.key}: {outcome.status.value}")
