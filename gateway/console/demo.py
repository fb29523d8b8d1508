"""What ``selfcare demo-seed`` adds for the console (only when ``[ledger] demo_seed = true``;
the command refuses otherwise): the demo user, and the provider documents imported from
config/ so the console has them before the first start. Idempotent, like the seed."""

from __future__ import annotations

from core.service import Ledger
from gateway.channels import ChannelConfigError, import_provider_documents
from gateway.console.users import add_user, user_exists
from gateway.settings import Settings

DEMO_USER = "admin"
DEMO_PASSWORD = "selfcare-demo"  # documented in the README; a demo ledger only


async def seed_console(ledger: Ledger, settings: Settings) -> list[str]:
    done: list[str] = []
    if not settings.ledger.demo_seed:
        return done
    if not await user_exists(ledger.store, DEMO_USER):
        await add_user(ledger.store, DEMO_USER, DEMO_PASSWORD, ledger.clock())
        done.append(f"console user {DEMO_USER!r} (password {DEMO_PASSWORD!r}, demo only)")
    provider = (await ledger.store.catalog()).provider_named(settings.provider.name)
    if provider is not None:
        try:
            await import_provider_documents(settings, ledger, provider)
        except ChannelConfigError as exc:  # no config dir here: the gateway's first start
            done.append(f"translations and plans not imported ({exc})")
    return done
