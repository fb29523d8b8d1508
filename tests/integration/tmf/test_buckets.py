"""bucket: a subscriber's live buckets, paged, with TMF shapes."""

from __future__ import annotations

import pytest

from tests.integration.tmf.conftest import ALICE, BASE, Api


async def test_a_subscriber_lists_their_buckets_with_tmf_shapes(api: Api) -> None:
    listed = await api.get("/bucket", **{"relatedParty.id": "0700000001"})
    assert listed.status == 200
    assert listed.headers["X-Total-Count"] == listed.headers["X-Result-Count"] == "4"
    by_name = {b["name"]: b for b in listed.body}
    cash = by_name["General Cash"]
    assert cash["@type"] == "Bucket"
    assert cash["href"] == f"{BASE}/bucket/{cash['id']}"
    assert cash["remainingValue"] == {"amount": 100, "units": "KES"}
    assert cash["usageType"] == "monetary"
    assert cash["status"] == "active"
    assert cash["relatedParty"][0]["id"] == ALICE
    assert "startDateTime" in cash["validFor"]
    voice = by_name["Voice"]
    assert voice["remainingValue"] == {"amount": 6000, "units": "seconds"}
    assert voice["product"] == [{"id": "Voice 100", "name": "Voice 100"}]
    assert voice["validFor"]["endDateTime"].endswith("Z")


async def test_retrieve_one_bucket_and_select_fields(api: Api) -> None:
    listed = await api.get("/bucket", **{"relatedParty.id": ALICE})
    first = listed.body[0]
    got = await api.get(f"/bucket/{first['id']}")
    assert got.status == 200
    assert got.body == first
    picked = await api.get(f"/bucket/{first['id']}", fields="remainingValue")
    assert set(picked.body) == {"id", "href", "@type", "remainingValue"}


async def test_paging_over_every_bucket(api: Api) -> None:
    everything = await api.get("/bucket", limit="1000")
    total = int(everything.headers["X-Total-Count"])
    assert total == len(everything.body) > 4
    page = await api.get("/bucket", offset="2", limit="3")
    assert page.headers["X-Total-Count"] == str(total)
    assert page.headers["X-Result-Count"] == "3"
    assert [b["id"] for b in page.body] == [b["id"] for b in everything.body[2:5]]


async def test_a_filter_that_matches_nobody_is_an_empty_list(api: Api) -> None:
    for who in ("+254700000999", "not-a-number"):
        listed = await api.get("/bucket", **{"relatedParty.id": who})
        assert (listed.status, listed.body, listed.headers["X-Total-Count"]) == (200, [], "0")


@pytest.mark.parametrize(("params", "field"), [
    ({"offset": "-1"}, "offset"), ({"limit": "0"}, "limit"), ({"limit": "abc"}, "limit"),
    ({"limit": "1001"}, "limit"),
])
async def test_bad_paging_is_a_400_naming_the_parameter(api: Api, params: dict[str, str],
                                                        field: str) -> None:
    reply = await api.get("/bucket", **params)
    assert reply.status == 400
    assert reply.error_field() == field


async def test_an_unknown_bucket_is_a_404(api: Api) -> None:
    for ident in ("999999", "abc"):
        reply = await api.get(f"/bucket/{ident}")
        assert reply.status == 404
        assert reply.body["@type"] == "Error"
