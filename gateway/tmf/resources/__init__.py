"""TMF654 resources: one module per resource, each with ``routes()``."""
