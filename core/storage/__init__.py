"""Storage adapters for the ledger. ``port`` is the narrow interface the service uses; the
SQLite adapter is the embedded default."""
