"""Voucher batches: create (with progress), freeze and unfreeze a batch or a serial, look up
a serial's state, list the provider's batches.

PINs: as with ``selfcare vouchers create`` (which writes them to a serial,pin CSV and nowhere
else), a new batch's PINs are offered once, as a serial,pin CSV download, and then dropped;
no page ever shows a PIN, and the ledger keeps their keyed hashes only. A batch is created in
a background task whose progress page refreshes itself each second (no script needed), so a
batch of 10,000 shows how far it has come.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import logging
import re
import secrets
import time
from dataclasses import dataclass, field

from aiohttp import web

from core.catalog_codec import CatalogError
from core.service import LedgerAdmin
from gateway.console.web import current_provider, ledger_of, page, redirect, session_of
from gateway.wallet_json import iso

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
MAX_COUNT = 100_000  # the batch holds the ledger's write lock: bigger ones belong to the CLI
JOB_KEEP_S = 3600  # an undownloaded CSV (live PINs) is dropped after this
_BATCH_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")
_SERIAL = re.compile(r"\d{1,20}")


@dataclass(slots=True)
class VoucherJob:
    id: str
    owner: str
    batch: str
    total: int
    started: float = field(default_factory=time.monotonic)
    done: int = 0
    finished: bool = False
    error: str | None = None
    csv: bytes | None = None  # serial,pin: until downloaded once
    downloaded: bool = False
    task: asyncio.Task[None] | None = None


JOBS: web.AppKey[dict[str, VoucherJob]] = web.AppKey("console_voucher_jobs")


def setup_jobs(app: web.Application) -> None:
    app[JOBS] = {}

    async def stop(app: web.Application) -> None:
        for job in app[JOBS].values():
            if job.task is not None and not job.task.done():
                job.task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await job.task

    app.on_shutdown.append(stop)


def _prune(jobs: dict[str, VoucherJob]) -> None:
    now = time.monotonic()
    for key in [k for k, j in jobs.items() if j.finished and now - j.started > JOB_KEEP_S]:
        del jobs[key]


async def _vouchers_page(request: web.Request, *, values: dict[str, str] | None = None,
                         errors: dict[str, str] | None = None, status: int = 200
                         ) -> web.Response:
    provider = await current_provider(request)
    store = ledger_of(request).store
    batches = [
        {"name": r[0], "created_at": iso(r[1]), "values": json.loads(r[2]),
         "validity_days": r[3], "count": r[4], "active": r[5], "frozen": r[6],
         "redeemed": r[7], "created": r[8]}
        for r in await store.query(
            "SELECT b.name, b.created_at, b.vals, b.validity_days, COUNT(v.serial), "
            "SUM(v.state = 'active'), SUM(v.state = 'frozen'), SUM(v.state = 'redeemed'), "
            "SUM(v.state = 'created') FROM voucher_batches b LEFT JOIN vouchers v "
            "ON v.batch_id = b.id WHERE b.provider_id = ? GROUP BY b.id ORDER BY b.id DESC",
            (provider.id,))]
    serial = request.query.get("serial", "").strip()
    found = None
    errors = dict(errors or {})
    if serial:
        found = await LedgerAdmin(ledger_of(request)).voucher(serial) \
            if _SERIAL.fullmatch(serial) else None
        if found is None:
            errors["serial"] = "no voucher with this serial"
    return await page(
        request, "vouchers.html", screen="vouchers", batches=batches, serial=serial,
        voucher=found, iso=iso, errors=errors, status=status,
        values=values or {"count": "", "value": "", "validity_days": "30", "state": "active",
                          "batch": f"batch-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}"},
        types=[t.name for t in provider.balance_types])


@routes.get("/vouchers")
async def vouchers(request: web.Request) -> web.Response:
    return await _vouchers_page(request)


@routes.post("/vouchers/new")
async def create(request: web.Request) -> web.Response:
    provider = await current_provider(request)
    ledger = ledger_of(request)
    form = await request.post()
    values = {k: str(form.get(k, "")).strip() for k in
              ("count", "value", "balance_type", "batch", "validity_days", "state")}
    errors: dict[str, str] = {}
    if not values["count"].isdigit() or not 1 <= int(values["count"]) <= MAX_COUNT:
        errors["count"] = f"a whole number from 1 to {MAX_COUNT:,}"
    if not values["value"].isdigit() or int(values["value"]) <= 0:
        errors["value"] = "a positive whole number of the unit's smallest part (cents)"
    if provider.type_named(values["balance_type"]) is None:
        errors["balance_type"] = "choose one of the provider's balance types"
    if not _BATCH_NAME.fullmatch(values["batch"]):
        errors["batch"] = "1 to 64 letters, digits, '.', '_' or '-'"
    elif await LedgerAdmin(ledger).batch_exists(values["batch"]):
        errors["batch"] = "a batch with this name exists already"
    if not values["validity_days"].isdigit():
        errors["validity_days"] = "a whole number of days"
    if values["state"] not in ("active", "created"):
        errors["state"] = "active or created"
    if errors:
        return await _vouchers_page(request, values=values, errors=errors, status=400)
    jobs = request.app[JOBS]
    _prune(jobs)
    job = VoucherJob(id=secrets.token_urlsafe(12), owner=session_of(request).username,
                     batch=values["batch"], total=int(values["count"]))
    jobs[job.id] = job

    def progress(inserted: int) -> None:
        job.done += inserted

    async def run() -> None:
        try:
            pairs = await LedgerAdmin(ledger).create_vouchers(
                provider=provider.name, name=job.batch, count=job.total,
                values={values["balance_type"]: int(values["value"])},
                validity_days=int(values["validity_days"]), state=values["state"],
                on_progress=progress)
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(("serial", "pin"))
            writer.writerows(pairs)
            job.csv = out.getvalue().encode()
            job.done = job.total
        except CatalogError as exc:
            job.error = str(exc)
        except Exception:
            log.exception("voucher batch %s failed", job.batch)
            job.error = "the batch could not be created (nothing was saved); see the log"
        finally:
            job.finished = True

    job.task = asyncio.create_task(run(), name=f"console-vouchers-{job.id}")
    raise redirect(f"/vouchers/jobs/{job.id}")


def _job(request: web.Request) -> VoucherJob:
    job = request.app[JOBS].get(request.match_info["id"])
    if job is None or job.owner != session_of(request).username:
        raise web.HTTPNotFound(text="no such voucher job (finished jobs are kept an hour)")
    return job


@routes.get("/vouchers/jobs/{id}")
async def job_page(request: web.Request) -> web.Response:
    return await page(request, "voucher_job.html", screen="vouchers", job=_job(request))


@routes.get("/vouchers/jobs/{id}/progress")
async def job_progress(request: web.Request) -> web.Response:
    job = _job(request)
    return web.json_response({"batch": job.batch, "done": job.done, "total": job.total,
                              "finished": job.finished, "error": job.error,
                              "pins_available": job.csv is not None})


@routes.post("/vouchers/jobs/{id}/pins")
async def download_pins(request: web.Request) -> web.Response:
    job = _job(request)
    if job.csv is None:
        raise web.HTTPGone(text="the PINs were downloaded already (or the batch failed); "
                                "they are not kept anywhere")
    body, job.csv, job.downloaded = job.csv, None, True
    return web.Response(body=body, content_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{job.batch}.csv"'})


@routes.post("/vouchers/state")
async def set_state(request: web.Request) -> web.Response:
    form = await request.post()
    serial, batch = (str(form.get(k, "")).strip() for k in ("target_serial", "target_batch"))
    state = str(form.get("state", ""))
    errors: dict[str, str] = {}
    if state not in ("frozen", "active"):
        errors["state"] = "freeze or unfreeze"
    if bool(serial) == bool(batch):
        errors["target_serial"] = "give a serial or a batch name (one of them)"
    if not errors:
        changed = await LedgerAdmin(ledger_of(request)).set_voucher_state(
            state=state, serial=serial or None, batch=batch or None)
        if changed:
            raise redirect("/vouchers", "frozen" if state == "frozen" else "unfrozen")
        errors["target_serial" if serial else "target_batch"] = \
            "no voucher changed: unknown, redeemed, or already in that state"
    return await _vouchers_page(request, errors=errors, status=400)
