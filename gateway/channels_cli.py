"""``selfcare dial`` and ``selfcare ivr``: try the channels of a running gateway from a
terminal, over the same HTTP an aggregator or IVR platform uses.

``dial '*100#' --msisdn +254700000001`` plays an Africa's Talking session: it posts the
cumulative ``text`` after each answer typed on stdin, shows each screen, and stops at END (or
at end of input). ``ivr --msisdn ...`` prints the balance announcement sequence. With a
secret (``--secret``, else ``[security] hmac_secret``) requests are signed like an
aggregator's.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import urllib.error
import urllib.request
from typing import TextIO
from urllib.parse import urlencode

from gateway.auth import SIGNATURE_HEADER, sign
from gateway.settings import Settings

TIMEOUT_S = 20


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                common: argparse.ArgumentParser) -> None:
    d = sub.add_parser("dial", parents=[common],
                       help="an interactive USSD session against a running gateway")
    d.add_argument("code", help="the USSD code, e.g. '*100#' or '*100*1#'")
    d.add_argument("--msisdn", required=True, help="the subscriber dialling")
    _client_options(d)
    d.add_argument("--session-id", default=None, help="default: a new random id")
    d.add_argument("--network-code", default="63902")
    i = sub.add_parser("ivr", parents=[common],
                       help="a balance announcement sequence from a running gateway")
    i.add_argument("--msisdn", required=True)
    i.add_argument("--format", choices=("json", "twiml", "vxml"), default="json")
    i.add_argument("--language", default=None)
    i.add_argument("--plan", default=None)
    _client_options(i)


def _client_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--url", default=None,
                   help="the gateway (default: http://[http] host:port of the settings)")
    p.add_argument("--secret", default=None,
                   help="sign requests with this secret (default: [security] hmac_secret)")


class _Client:
    def __init__(self, settings: Settings, args: argparse.Namespace) -> None:
        host = settings.http.host
        if host in ("0.0.0.0", "::"):
            host = "127.0.0.1"
        self.base = (args.url or f"http://{host}:{settings.http.port}").rstrip("/")
        secret = args.secret if args.secret is not None else settings.security.hmac_secret.reveal()
        self.secret = secret or None

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        body = urlencode(fields).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if self.secret:
            headers[SIGNATURE_HEADER] = sign(self.secret, body)
        request = urllib.request.Request(self.base + path, data=body, headers=headers,
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")


def dial(settings: Settings, args: argparse.Namespace, stdin: TextIO = sys.stdin,
         stdout: TextIO = sys.stdout) -> int:
    client = _Client(settings, args)
    session_id = args.session_id or f"dial-{secrets.token_hex(8)}"
    text = ""
    interactive = stdin.isatty()
    while True:
        try:
            status, body = client.post("/ussd/at", {
                "sessionId": session_id, "serviceCode": args.code, "phoneNumber": args.msisdn,
                "networkCode": args.network_code, "text": text})
        except OSError as exc:
            print(f"selfcare: cannot reach {client.base}: {exc}", file=sys.stderr)
            return 1
        if status != 200 or not body.startswith(("CON ", "END ")):
            print(f"selfcare: the gateway answered {status}: {body}", file=sys.stderr)
            return 1
        print(body[4:], file=stdout)
        if body.startswith("END "):
            return 0
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        answer = stdin.readline()
        if not answer:  # end of input: hang up, as a subscriber would
            return 0
        answer = answer.rstrip("\r\n")
        if not interactive:
            print(f"> {answer}", file=stdout)
        print("-" * 20, file=stdout)
        text = f"{text}*{answer}" if text else answer


def ivr(settings: Settings, args: argparse.Namespace, stdout: TextIO = sys.stdout) -> int:
    client = _Client(settings, args)
    fields = {"msisdn": args.msisdn}
    if args.language:
        fields["language"] = args.language
    if args.plan:
        fields["plan"] = args.plan
    try:
        status, body = client.post(f"/ivr/balance?format={args.format}", fields)
    except OSError as exc:
        print(f"selfcare: cannot reach {client.base}: {exc}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"selfcare: the gateway answered {status}: {body}", file=sys.stderr)
        return 1
    print(json.dumps(json.loads(body), indent=2, ensure_ascii=False) if args.format == "json"
          else body, file=stdout)
    return 0
