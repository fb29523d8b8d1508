"""``selfcare console-users add|list|remove``: who may log in to the console.

The password is read from a prompt (twice, not echoed) or, for scripts, from standard input
with ``--password-stdin``; never from the command line, where ``ps`` and shell history would
keep it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from core.service import Ledger
from gateway.console.users import UserError, add_user, list_users, remove_user
from gateway.settings import Settings
from gateway.wallet_json import iso

UserHandler = Callable[[Ledger, Settings, argparse.Namespace], Coroutine[Any, Any, int]]


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    u = sub.add_parser("console-users", parents=[common], help="console users")
    usub = u.add_subparsers(dest="action", required=True)
    ua = usub.add_parser("add", parents=[common], help="a new user (password prompted)")
    ua.add_argument("username")
    ua.add_argument("--password-stdin", action="store_true",
                    help="read the password from the first line of standard input")
    usub.add_parser("list", parents=[common], help="the users (never their passwords)")
    ur = usub.add_parser("remove", parents=[common], help="remove a user, ending their sessions")
    ur.add_argument("username")


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise UserError("password: the two entries differ")
    return first


async def users_add(ledger: Ledger, settings: Settings, args: argparse.Namespace) -> int:
    try:
        await add_user(ledger.store, args.username, _password(args), ledger.clock())
    except UserError as exc:
        print(f"selfcare: {exc}", file=sys.stderr)
        return 2
    print(f"console user {args.username!r} added")
    return 0


async def users_list(ledger: Ledger, settings: Settings, args: argparse.Namespace) -> int:
    for name, created_at in await list_users(ledger.store):
        print(f"{name:<30} created {iso(created_at)}")
    return 0


async def users_remove(ledger: Ledger, settings: Settings, args: argparse.Namespace) -> int:
    if await remove_user(ledger.store, args.username):
        print(f"console user {args.username!r} removed")
        return 0
    print(f"selfcare: no console user named {args.username!r}", file=sys.stderr)
    return 1


COMMANDS: dict[tuple[str, str | None], UserHandler] = {
    ("console-users", "add"): users_add,
    ("console-users", "list"): users_list,
    ("console-users", "remove"): users_remove,
}
