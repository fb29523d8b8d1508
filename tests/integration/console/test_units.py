"""Balance units: list, add, edit, delete (refused, with the users listed, while used)."""

from __future__ import annotations

from tests.integration.console.conftest import Console


async def units(console: Console) -> list[tuple[int, str, str]]:
    rows = await console.ledger.store.query("SELECT id, name, kind FROM balance_units ORDER BY id")
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


async def unit_id(console: Console, name: str) -> int:
    return next(i for i, n, _ in await units(console) if n == name)


async def test_the_list_shows_the_seeded_units_and_who_uses_them(console: Console) -> None:
    page = await console.get("/units")
    assert page.h1 == "Balance units"
    for name in ("KES", "Seconds", "Bytes", "Messages", "Bad PINs"):
        assert f"<td>{name}</td>" in page.text
    assert "General Cash, Promo Cash, Monthly Spend" in page.text


async def test_add_a_unit(console: Console) -> None:
    page = await console.post("/units/new", {"name": "Points", "kind": "units"})
    assert page.status == 200
    assert "Saved." in page.text
    assert "<td>Points</td>" in page.text
    assert (await units(console))[-1][1:] == ("Points", "units")
    catalog = await console.ledger.store.catalog()
    assert any(u.name == "Points" for u in catalog.providers[0].units)


async def test_invalid_units_are_refused_next_to_the_field(console: Console) -> None:
    before = await units(console)
    empty = await console.post("/units/new", {"name": "", "kind": "units"})
    assert empty.status == 400
    assert empty.error("name") == "a name is required"
    duplicate = await console.post("/units/new", {"name": "KES", "kind": "cash"})
    assert duplicate.error("name") == "another balance unit already has this name"
    bad_kind = await console.post("/units/new", {"name": "Beans", "kind": "beans"})
    assert bad_kind.error("kind") is not None
    assert "cash" in (bad_kind.error("kind") or "")
    assert await units(console) == before


async def test_rename_a_unit_but_never_change_the_kind_of_one_in_use(console: Console) -> None:
    kes = await unit_id(console, "KES")
    form = await console.get(f"/units/{kes}/edit")
    assert form.value("name") == "KES"
    refused = await console.post(f"/units/{kes}/edit", {"name": "KES", "kind": "time"})
    assert refused.status == 400
    assert "General Cash" in (refused.error("kind") or "")
    renamed = await console.post(f"/units/{kes}/edit", {"name": "Shillings", "kind": "cash"})
    assert renamed.status == 200
    assert "Saved." in renamed.text
    assert (kes, "Shillings", "cash") in await units(console)
    provider = (await console.ledger.store.catalog()).providers[0]
    general = provider.type_named("General Cash")
    assert general is not None
    assert general.unit.name == "Shillings"


async def test_deleting_a_used_unit_is_refused_with_the_types_that_use_it(
        console: Console) -> None:
    seconds = await unit_id(console, "Seconds")
    warning = await console.get(f"/units/{seconds}/delete")
    assert 'id="unit-in-use"' in warning.text
    assert "Voice" in warning.text
    assert 'id="confirm-delete"' not in warning.text
    refused = await console.post(f"/units/{seconds}/delete", {})
    assert refused.status == 409
    assert "Voice" in refused.text
    assert any(n == "Seconds" for _, n, _ in await units(console))


async def test_delete_an_unused_unit(console: Console) -> None:
    await console.post("/units/new", {"name": "Points", "kind": "units"})
    points = await unit_id(console, "Points")
    confirm = await console.get(f"/units/{points}/delete")
    assert 'id="confirm-delete"' in confirm.text
    page = await console.post(f"/units/{points}/delete", {})
    assert page.status == 200
    assert "Deleted." in page.text
    assert all(n != "Points" for _, n, _ in await units(console))
