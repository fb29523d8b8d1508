"""The aiohttp application, channel adapters, settings and the ``selfcare`` CLI."""
