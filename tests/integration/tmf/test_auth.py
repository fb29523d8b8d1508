"""Bearer tokens: none or unknown is a 401, a read token may only read."""

from __future__ import annotations

import pytest

from gateway.tmf.tokens import list_tokens, revoke_token, token_hash
from tests.integration.tmf.conftest import ALICE, Api, kes, party
from tests.ledger_support import balance

READS = ["/bucket", "/accumulatedBalance", "/topupBalance", "/adjustBalance",
         "/transferBalance", "/reserveBalance", "/balanceActionHistory", "/hub", "/bucket/1"]
WRITES = [("POST", "/topupBalance"), ("POST", "/adjustBalance"),
          ("POST", "/transferBalance"), ("POST", "/reserveBalance"), ("POST", "/hub"),
          ("PATCH", "/reserveBalance/1"), ("DELETE", "/reserveBalance/1"),
          ("DELETE", "/hub/1")]


@pytest.mark.parametrize("path", READS)
async def test_reading_needs_a_token(api: Api, path: str) -> None:
    for token in (None, "sct_not-a-token"):
        reply = await api.call("GET", path, token=token)
        assert reply.status == 401, path
        assert reply.error_field() == "Authorization"
        assert reply.headers["WWW-Authenticate"].startswith("Bearer")
    assert (await api.call("GET", path, token=api.read)).status == 200


@pytest.mark.parametrize(("method", "path"), WRITES)
async def test_a_read_token_may_not_write(api: Api, method: str, path: str) -> None:
    body = {"relatedParty": party(ALICE), "amount": kes(1), "reason": "x",
            "status": "cancelled", "callback": "http://127.0.0.1:1/x"}
    headers = {"Idempotency-Key": api.key()}
    assert (await api.call(method, path, token=None, body=body,
                           headers=headers)).status == 401
    reply = await api.call(method, path, token=api.read, body=body, headers=headers)
    assert reply.status == 403
    assert reply.error_field() == "Authorization"
    assert await balance(api.ledger, ALICE) == 10_000


async def test_a_revoked_token_stops_working_and_tokens_are_stored_hashed(api: Api) -> None:
    assert (await api.call("GET", "/bucket", token=api.read)).status == 200
    assert await revoke_token(api.ledger, "reader")
    assert (await api.call("GET", "/bucket", token=api.read)).status == 401
    stored = await api.ledger.store.query("SELECT token_hash FROM tmf_tokens")
    assert (token_hash(api.write),) in stored
    assert all(api.write not in str(row) and api.read not in str(row) for row in stored)
    assert [t.revoked_at is not None for t in await list_tokens(api.ledger)] == [True, False]


async def test_the_openapi_document_is_public(api: Api) -> None:
    reply = await api.call("GET", "/openapi.json", token=None)
    assert reply.status == 200
    assert reply.body["openapi"].startswith("3.")
