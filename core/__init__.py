"""The prepaid balance ledger: pure domain (synchronous) plus the async Ledger service.

Modules named ``domain_*``/value modules import nothing asynchronous; ``core.service`` and
``core.storage`` hold the I/O. A test enforces the split.
"""
