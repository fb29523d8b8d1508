"""``selfcare tokens create|list|revoke``: bearer tokens of the TMF654 API.

``create`` prints the token once, on stdout alone (so ``$(selfcare tokens create ...)`` works);
only its SHA-256 is stored, so a lost token is revoked and replaced, never recovered.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from core.service import Ledger
from gateway.settings import Settings
from gateway.tmf.tokens import ROLES, TokenError, create_token, list_tokens, revoke_token
from gateway.wallet_json import iso

TokenHandler = Callable[[Ledger, Settings, argparse.Namespace], Coroutine[Any, Any, int]]


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``tokens`` subcommand to the ``selfcare`` parser's subparsers."""
    t = sub.add_parser("tokens", parents=[common], help="TMF654 API bearer tokens")
    tsub = t.add_subparsers(dest="action", required=True)
    tc = tsub.add_parser("create", parents=[common], help="a new token, printed once")
    tc.add_argument("--role", required=True, choices=ROLES,
                    help="read: GET only; write: also POST, PATCH, DELETE")
    tc.add_argument("--name", required=True, help="who or what uses it (unique)")
    tl = tsub.add_parser("list", parents=[common], help="tokens (never their values)")
    tl.add_argument("--json", action="store_true")
    tr = tsub.add_parser("revoke", parents=[common], help="stop a token working")
    tr.add_argument("--name", required=True)


async def tokens_create(ledger: Ledger, settings: Settings, args: argparse.Namespace) -> int:
    try:
        token = await create_token(ledger, name=args.name, role=args.role)
    except TokenError as exc:
        print(f"selfcare: {exc}", file=sys.stderr)
        return 2
    print(token)
    print(f"token {args.name!r} ({args.role}) created: it is shown this once only",
          file=sys.stderr)
    return 0


async def tokens_list(ledger: Ledger, settings: Settings, args: argparse.Namespace) -> int:
    tokens = await list_tokens(ledger)
    rows = [{"id": t.id, "name": t.name, "role": t.role, "created_at": iso(t.created_at),
             "revoked_at": iso(t.revoked_at)} for t in tokens]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        state = f"revoked {r['revoked_at']}" if r["revoked_at"] else "active"
        print(f"{r['id']:>4}  {r['name']:<30} {r['role']:<6} created {r['created_at']}  "
              f"{state}")
    return 0


async def tokens_revoke(ledger: Ledger, settings: Settings, args: argparse.Namespace) -> int:
    if await revoke_token(ledger, args.name):
        print(f"token {args.name!r} revoked")
        return 0
    print(f"selfcare: no active token named {args.name!r}", file=sys.stderr)
    return 1


COMMANDS: dict[tuple[str, str | None], TokenHandler] = {
    ("tokens", "create"): tokens_create,
    ("tokens", "list"): tokens_list,
    ("tokens", "revoke"): tokens_revoke,
}
