"""Versioned schema migrations. Each entry runs once, in order, inside one transaction;
``PRAGMA user_version`` records how far a database has come. Never edit a shipped step:
append a new one."""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: catalog, wallets, buckets, reservations, vouchers, journal, outbox, idempotency
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
    INSERT INTO meta VALUES ('catalog_version', 0);

    CREATE TABLE providers (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        definition TEXT NOT NULL  -- JSON: currency, region, languages, policies, cascades ...
    );
    CREATE TABLE balance_units (
        id INTEGER PRIMARY KEY,
        provider_id INTEGER NOT NULL REFERENCES providers(id),
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        UNIQUE (provider_id, name)
    );
    CREATE TABLE balance_types (
        id INTEGER PRIMARY KEY,
        provider_id INTEGER NOT NULL REFERENCES providers(id),
        name TEXT NOT NULL,
        unit_id INTEGER NOT NULL REFERENCES balance_units(id),
        definition TEXT NOT NULL,  -- JSON of the NCC fields
        UNIQUE (provider_id, name)
    );
    CREATE TABLE products (
        id INTEGER PRIMARY KEY,
        provider_id INTEGER NOT NULL REFERENCES providers(id),
        name TEXT NOT NULL,
        definition TEXT NOT NULL,
        UNIQUE (provider_id, name)
    );

    CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        provider_id INTEGER NOT NULL REFERENCES providers(id),
        wallet_type TEXT NOT NULL,
        state TEXT NOT NULL,
        owner_msisdn TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        activated_at INTEGER,
        expires_at INTEGER,
        recharge_locked_until INTEGER
    );
    CREATE TABLE subscribers (
        msisdn TEXT PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        language TEXT NOT NULL,
        spending_limit INTEGER,
        spent INTEGER NOT NULL DEFAULT 0,
        spent_period_end INTEGER,
        is_owner INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX subscribers_account ON subscribers(account_id);
    CREATE TABLE balances (
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        type_id INTEGER NOT NULL REFERENCES balance_types(id),
        credit_limit INTEGER NOT NULL DEFAULT 0,
        quota_ref INTEGER NOT NULL DEFAULT 0,
        thresholds_fired INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (account_id, type_id)
    ) WITHOUT ROWID;
    CREATE TABLE buckets (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        type_id INTEGER NOT NULL REFERENCES balance_types(id),
        value INTEGER NOT NULL,
        expires_at INTEGER,
        created_at INTEGER NOT NULL,
        product TEXT,
        warned INTEGER NOT NULL DEFAULT 0,
        rolled INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX buckets_account ON buckets(account_id);
    CREATE INDEX buckets_expiry ON buckets(expires_at) WHERE expires_at IS NOT NULL;
    CREATE TABLE system_balances (
        provider_id INTEGER NOT NULL,
        account TEXT NOT NULL,
        type_id INTEGER NOT NULL,
        value INTEGER NOT NULL,
        PRIMARY KEY (provider_id, account, type_id)
    ) WITHOUT ROWID;
    CREATE TABLE reservations (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        msisdn TEXT NOT NULL,
        session_id TEXT NOT NULL,
        path TEXT NOT NULL,   -- type ids in cascade order: "3,1"
        parts TEXT NOT NULL,  -- type id:amount held: "3:500,1:200"
        state TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used INTEGER NOT NULL DEFAULT 0,
        ended_at INTEGER
    );
    CREATE INDEX reservations_open ON reservations(account_id) WHERE state = 'open';
    CREATE INDEX reservations_due ON reservations(expires_at) WHERE state = 'open';

    CREATE TABLE voucher_batches (
        id INTEGER PRIMARY KEY,
        provider_id INTEGER NOT NULL REFERENCES providers(id),
        name TEXT NOT NULL,
        vals TEXT NOT NULL,  -- JSON {balance type name: amount}
        validity_days INTEGER NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE vouchers (
        serial TEXT PRIMARY KEY,
        batch_id INTEGER NOT NULL REFERENCES voucher_batches(id),
        pin_hash TEXT NOT NULL UNIQUE,  -- keyed hash: the PIN itself is never stored
        state TEXT NOT NULL,
        redeemed_by INTEGER,
        redeemed_at INTEGER
    ) WITHOUT ROWID;

    CREATE TABLE operations (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        idempotency_key TEXT,
        channel TEXT NOT NULL,
        status TEXT NOT NULL,
        provider_id INTEGER,
        msisdn TEXT,
        detail TEXT NOT NULL
    );
    CREATE INDEX operations_at ON operations(at);
    CREATE TABLE journal (
        id INTEGER PRIMARY KEY,
        op_id INTEGER NOT NULL REFERENCES operations(id),
        provider_id INTEGER NOT NULL,
        type_id INTEGER NOT NULL,
        account_id INTEGER,
        system_account TEXT,
        bucket_id INTEGER,
        delta INTEGER NOT NULL,
        before INTEGER NOT NULL,
        after INTEGER NOT NULL
    );
    CREATE INDEX journal_op ON journal(op_id);
    CREATE INDEX journal_account ON journal(account_id) WHERE account_id IS NOT NULL;

    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        msisdn TEXT NOT NULL,
        account_id INTEGER NOT NULL,
        payload TEXT NOT NULL,
        dedup_key TEXT NOT NULL UNIQUE,
        sent_at INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX outbox_pending ON outbox(id) WHERE sent_at IS NULL;

    CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        outcome TEXT NOT NULL,
        created_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    """,
    # 2: TMF654 API: bearer tokens (hashed), hub listeners, events and their deliveries,
    # stored POST responses per Idempotency-Key, and an index for the API's operation views
    """
    CREATE TABLE tmf_tokens (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('read', 'write')),
        token_hash TEXT NOT NULL UNIQUE,  -- sha256 hex of the token: the token itself is not kept
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
    );
    CREATE TABLE tmf_listeners (
        id INTEGER PRIMARY KEY,
        callback TEXT NOT NULL,
        query TEXT NOT NULL,
        event_types TEXT NOT NULL,  -- comma-separated event types, empty for every type
        after_op_id INTEGER NOT NULL,  -- events of later operations only
        created_at INTEGER NOT NULL
    );
    CREATE TABLE tmf_events (
        id INTEGER PRIMARY KEY,
        op_id INTEGER NOT NULL,
        event_type TEXT NOT NULL,
        at INTEGER NOT NULL,
        payload TEXT NOT NULL,
        UNIQUE (op_id, event_type)
    );
    CREATE TABLE tmf_deliveries (
        event_id INTEGER NOT NULL REFERENCES tmf_events(id),
        listener_id INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at_ms INTEGER NOT NULL,
        delivered_at INTEGER,
        failed_at INTEGER,
        last_error TEXT,
        PRIMARY KEY (event_id, listener_id)
    ) WITHOUT ROWID;
    CREATE INDEX tmf_deliveries_due ON tmf_deliveries(next_at_ms)
        WHERE delivered_at IS NULL AND failed_at IS NULL;
    CREATE TABLE tmf_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE tmf_idempotency (
        key TEXT PRIMARY KEY,
        request_hash TEXT NOT NULL,
        status INTEGER NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX operations_kind_msisdn ON operations(kind, msisdn);
    """,
    # Console (gateway/console): operator users (scrypt hashes), their server-side sessions
    # (the cookie's SHA-256 only) and the provider documents the channels read (translations,
    # cumulative balance plans), editable at run time and shared by every gateway process
    """
    CREATE TABLE console_users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,  -- scrypt$n$r$p$salt$hash (hex): never the password
        created_at INTEGER NOT NULL
    );
    CREATE TABLE console_sessions (
        id_hash TEXT PRIMARY KEY,  -- sha256 hex of the cookie value
        user_id INTEGER NOT NULL REFERENCES console_users(id) ON DELETE CASCADE,
        csrf_token TEXT NOT NULL,
        provider TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX console_sessions_expiry ON console_sessions(expires_at);
    CREATE TABLE provider_documents (
        provider TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('translations', 'plans')),
        body TEXT NOT NULL,  -- JSON, the shape of the TOML file it was first imported from
        version INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (provider, kind)
    ) WITHOUT ROWID;
    """,
    # Outbox sender (gateway/notification_sender.py, SQL in core/storage/outbox_queue.py).
    # sent_at now marks when a row left the queue (the outbox_pending index stays the queue),
    # outcome says how: sent, skipped (no message for it), expired (too old to be right) or
    # failed (gave up, last_error says why). next_at_ms is when the row may be tried next: the
    # retry back-off, and while a sender holds it, the end of its claim's lease.
    """
    ALTER TABLE outbox ADD COLUMN outcome TEXT
        CHECK (outcome IN ('sent', 'skipped', 'expired', 'failed'));
    ALTER TABLE outbox ADD COLUMN next_at_ms INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE outbox ADD COLUMN last_error TEXT;
    UPDATE outbox SET outcome = 'sent' WHERE sent_at IS NOT NULL;
    """,
    # Fewer index pages per charging command (each random page an index touches is a page the
    # COMMIT writes). The TMF listings read only recharges, adjustments and transfers by
    # subscriber, so their index leaves out reserve and commit, most of a charging load (it
    # was a third of the pages each group commit wrote; gateway/tmf/operations.py repeats the
    # WHERE term, as SQLite needs to use a partial index).
    """
    DROP INDEX operations_kind_msisdn;
    CREATE INDEX operations_money_moves ON operations(kind, msisdn)
        WHERE kind IN ('recharge', 'adjust', 'transfer');
    """,
)
