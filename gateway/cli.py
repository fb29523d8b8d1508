"""The ``selfcare`` command line: serve, seed, wallets, vouchers, journal export, checks.

Exit codes: 0 done, 1 the ledger check found problems or the command's outcome failed, 2 bad
usage or configuration (the message names the key or field).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

from core import commands as c
from core.catalog_codec import CatalogError
from core.check import check_ledger
from core.msisdn import InvalidMsisdn
from core.seed import read_seed, seed
from core.service import Ledger, LedgerAdmin
from gateway import channels_cli
from gateway.console import cli as console_cli
from gateway.console.demo import seed_console
from gateway.ledger_factory import build_ledger
from gateway.settings import Settings, SettingsError, load_settings
from gateway.tmf import cli as tmf_cli
from gateway.wallet_json import iso, wallet_json

DEMO_SEED = Path(__file__).resolve().parent.parent / "config" / "ledger" / "demo.toml"


class UsageError(Exception):
    """Bad input on the command line: printed, exit code 2."""


def _parser() -> argparse.ArgumentParser:
    # --config is accepted before or after the subcommand. The subcommands' copy must not
    # have a default of its own, or it would overwrite a --config given before them.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=argparse.SUPPRESS,
                        help="settings file (default: config/gateway.toml)")
    p = argparse.ArgumentParser(prog="selfcare",
                                description="Prepaid self-service gateway and balance ledger")
    p.add_argument("--config", type=Path, default=None,
                   help="settings file (default: config/gateway.toml)")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", parents=[common], help="run the gateway")
    s = sub.add_parser("demo-seed", parents=[common], help="seed the demo ledger (idempotent)")
    s.add_argument("--seed", type=Path, default=DEMO_SEED, help="seed file (TOML)")
    s.add_argument("--vouchers-out", type=Path, default=None,
                   help="where to write new demo vouchers' serial,pin (default: beside the db)")

    w = sub.add_parser("wallets", parents=[common], help="create or show wallets")
    wsub = w.add_subparsers(dest="action", required=True)
    wc = wsub.add_parser("create", parents=[common])
    wc.add_argument("msisdn")
    wc.add_argument("--language", default=None)
    wc.add_argument("--wallet-type", default="Prepaid")
    wc.add_argument("--provider", default=None)
    wc.add_argument("--json", action="store_true")
    ws = wsub.add_parser("show", parents=[common])
    ws.add_argument("msisdn")
    ws.add_argument("--json", action="store_true")

    j = sub.add_parser("journal", parents=[common], help="journal export for finance systems")
    jsub = j.add_subparsers(dest="action", required=True)
    je = jsub.add_parser("export", parents=[common])
    je.add_argument("--since", required=True, type=date.fromisoformat, help="YYYY-MM-DD (UTC)")
    je.add_argument("--out", type=Path, default=None, help="CSV file (default: stdout)")

    v = sub.add_parser("vouchers", parents=[common], help="voucher batches")
    vsub = v.add_subparsers(dest="action", required=True)
    vc = vsub.add_parser("create", parents=[common])
    vc.add_argument("--count", type=int, required=True)
    vc.add_argument("--value", type=int, required=True, help="in minor units")
    vc.add_argument("--balance-type", required=True)
    vc.add_argument("--out", type=Path, required=True, help="CSV of serial,pin")
    vc.add_argument("--batch", default=None, help="batch name (default: derived from time)")
    vc.add_argument("--validity-days", type=int, default=30)
    vc.add_argument("--state", choices=("active", "created"), default="active")
    vc.add_argument("--provider", default=None)
    for name in ("freeze", "unfreeze"):
        vf = vsub.add_parser(name, parents=[common])
        target = vf.add_mutually_exclusive_group(required=True)
        target.add_argument("--serial")
        target.add_argument("--batch")
    vs = vsub.add_parser("show", parents=[common])
    vs.add_argument("serial")

    lg = sub.add_parser("ledger", parents=[common], help="ledger maintenance")
    lsub = lg.add_subparsers(dest="action", required=True)
    lsub.add_parser("check", parents=[common], help="verify every invariant")
    lh = lsub.add_parser("housekeeping", parents=[common], help="expire, reset, warn")
    lh.add_argument("--limit", type=int, default=1000)
    tmf_cli.register(sub, common)
    console_cli.register(sub, common)  # console-users add|list|remove
    channels_cli.add_parsers(sub, common)  # dial, ivr: clients of a running gateway
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
    except SettingsError as exc:
        print(f"selfcare: configuration error: {exc}", file=sys.stderr)
        return 2
    if args.command == "serve":
        from gateway.server import serve

        return serve(settings)
    if args.command == "dial":
        return channels_cli.dial(settings, args)
    if args.command == "ivr":
        return channels_cli.ivr(settings, args)
    handler = COMMANDS[(args.command, getattr(args, "action", None))]
    try:
        return asyncio.run(_with_ledger(settings, handler, args))
    except (UsageError, CatalogError, InvalidMsisdn) as exc:
        print(f"selfcare: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


Handler = Callable[[Ledger, Settings, argparse.Namespace], Coroutine[Any, Any, int]]


async def _with_ledger(settings: Settings, handler: Handler, args: argparse.Namespace) -> int:
    async with build_ledger(settings) as ledger:
        return await handler(ledger, settings, args)


async def demo_seed(ledger: Ledger, settings: Settings, args: argparse.Namespace) -> int:
    if not settings.ledger.demo_seed:
        raise UsageError("ledger.demo_seed is false: this ledger is not for demo data")
    report = await seed(ledger, read_seed(args.seed))
    print(f"demo ledger: provider {report.provider_id}, {report.wallets_created} new wallets, "
          f"{report.operations} new operations, {len(report.vouchers)} new vouchers")
    if report.vouchers:
        out = args.vouchers_out or settings.ledger.path.with_name("demo-vouchers.csv")
        _write_vouchers(out, report.vouchers)
        print(f"demo voucher PINs written to {out}")
    for line in await seed_console(ledger, settings):  # demo console user, documents
        print(f"demo console: {line}")
    for failure in report.failures:
        print(f"  not applied: {failure}", file=sys.stderr)
    return 1 if report.failures else 0


def _provider_name(ledger_settings: Settings, given: str | None) -> str:
    return given or ledger_settings.provider.name


async def wallets_create(ledger: Ledger, settings: Settings, args: argparse.Namespace) -> int:
    msisdn = ledger.msisdn(args.msisdn)
    outcome = await ledger.execute(c.CreateWallet(
        key=f"cli:wallet:{msisdn}", channel="cli", msisdn=msisdn,
        provider=_provider_name(settings, args.provider), wallet_type=args.wallet_type,
        language=args.language or settings.provider.fallback_language))
    if not outcome.ok:
        print(f"not created: {outcome.status.value} {dict(outcome.data)}", file=sys.stderr)
        return 1
    return await wallets_show(ledger, settings, args)


async def wallets_show(ledger: Ledger, settings: Settings, args: argparse.Namespace) -> int:
    wallet = await ledger.wallet(ledger.msisdn(args.msisdn))
    if wallet is None:
        print(f"no wallet for {args.msisdn}", file=sys.stderr)
        return 1
    data = wallet_json(wallet)
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    print(f"{data['msisdn']}  wallet {data['wallet_id']} ({data['wallet_type']}, "
          f"{data['state']}, {data['language']})  expires {data['expires_at'] or 'never'}")
    for b in data["balances"]:
        print(f"  {b['balance_type']:<15} {b['total']:>14} {b['unit']:<8} "
              f"reserved {b['reserved']:<10} expires {b['expires_at'] or '-'}")
        for k in b["buckets"]:
            print(f"      bucket {k['id']:<8} {k['value']:>14}  {k['expires_at'] or '-'}"
                  f"  {k['product'] or ''}")
    return 0


JOURNAL_COLUMNS = ("line_id", "op_id", "at", "operation", "status", "idempotency_key", "channel",
                   "msisdn", "provider", "balance_type", "account_id", "system_account",
                   "bucket_id", "delta", "before", "after")


async def journal_export(ledger: Ledger, settings: Settings, args: argparse.Namespace) -> int:
    since = int(datetime(args.since.year, args.since.month, args.since.day,
                         tzinfo=UTC).timestamp())
    catalog = await ledger.store.catalog()
    names = {(t.id): t.name for p in catalog.providers for t in p.balance_types}
    providers = {p.id: p.name for p in catalog.providers}
    out: TextIO = args.out.open("w", newline="") if args.out else sys.stdout
    try:
        writer = csv.writer(out)
        writer.writerow(JOURNAL_COLUMNS)
        rows = 0
        lines = ledger.store.stream(
            "SELECT j.id, j.op_id, o.at, o.kind, o.status, o.idempotency_key, o.channel, "
            "o.msisdn, j.provider_id, j.type_id, j.account_id, j.system_account, "
            "j.bucket_id, j.delta, j.before, j.after FROM journal j "
            "JOIN operations o ON o.id = j.op_id WHERE o.at >= ? ORDER BY j.id", (since,))
        async with contextlib.aclosing(lines):
            async for r in lines:
                writer.writerow((r[0], r[1], iso(r[2]), *r[3:8], providers.get(r[8], r[8]),
                                 names.get(r[9], r[9]), *r[10:]))
                rows += 1
    finally:
        if args.out:
            out.close()
    print(f"{rows} journal lines", file=sys.stderr)
    return 0


def _write_vouchers(path: Path, pairs: Sequence[tuple[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(("serial", "pin"))
        writer.writerows(pairs)
    path.chmod(0o600)  # the file holds live PINs


async def vouchers_create(ledger: Ledger, settings: Settings, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    if args.count <= 0 or args.value <= 0:
        raise UsageError("--count and --value must be positive")
    name = args.batch or f"batch-{datetime.now(UTC):%Y%m%d%H%M%S}"
    with tqdm(total=args.count, unit="voucher", disable=args.count < 10_000,
              file=sys.stderr) as bar:
        pairs = await LedgerAdmin(ledger).create_vouchers(
            provider=_provider_name(settings, args.provider), name=name, count=args.count,
            values={args.balance_type: args.value}, validity_days=args.validity_days,
            state=args.state, on_progress=bar.update)
    _write_vouchers(args.out, pairs)
    print(f"batch {name}: {len(pairs)} vouchers written to {args.out}", file=sys.stderr)
    return 0


async def vouchers_freeze(ledger: Ledger, settings: Settings, args: argparse.Namespace) -> int:
    state = "frozen" if args.action == "freeze" else "active"
    changed = await LedgerAdmin(ledger).set_voucher_state(state=state, serial=args.serial,
                                                          batch=args.batch)
    print(f"{changed} vouchers now {state}")
    return 0 if changed else 1


async def vouchers_show(ledger: Ledger, settings: Settings, args: argparse.Namespace) -> int:
    info = await LedgerAdmin(ledger).voucher(args.serial)
    if info is None:
        print(f"no voucher {args.serial}", file=sys.stderr)
        return 1
    print(json.dumps({"serial": info.serial, "batch": info.batch, "state": info.state,
                      "values": dict(info.values), "validity_days": info.validity_days,
                      "redeemed_by": info.redeemed_by_msisdn,
                      "redeemed_at": iso(info.redeemed_at)}, indent=2))
    return 0


async def ledger_check(ledger: Ledger, settings: Settings, args: argparse.Namespace) -> int:
    findings = await check_ledger(ledger.store, ledger.clock())
    for finding in findings:
        print(finding)
    if findings:
        print(f"ledger check: {len(findings)} problems", file=sys.stderr)
        return 1
    print("ledger check: ok")
    return 0


async def ledger_housekeeping(ledger: Ledger, settings: Settings, args: argparse.Namespace
                              ) -> int:
    now = ledger.clock()
    outcome = await ledger.execute(c.Housekeeping(key=f"housekeeping:{now}", channel="cli",
                                                  limit=args.limit))
    print(json.dumps(outcome.to_json()))
    return 0 if outcome.ok else 1


COMMANDS: dict[tuple[str, str | None], Handler] = {
    ("demo-seed", None): demo_seed,
    ("wallets", "create"): wallets_create,
    ("wallets", "show"): wallets_show,
    ("journal", "export"): journal_export,
    ("vouchers", "create"): vouchers_create,
    ("vouchers", "freeze"): vouchers_freeze,
    ("vouchers", "unfreeze"): vouchers_freeze,
    ("vouchers", "show"): vouchers_show,
    ("ledger", "check"): ledger_check,
    ("ledger", "housekeeping"): ledger_housekeeping,
}
COMMANDS.update(tmf_cli.COMMANDS)  # selfcare tokens create|list|revoke
COMMANDS.update(console_cli.COMMANDS)  # selfcare console-users add|list|remove
