"""The wallet-management web console (server-rendered Jinja2), mounted at ``/console/`` by
``gateway.console.setup.setup_console``. It covers NCC CCS "Wallet Management" screen by screen.

Screens (every one has an ``<h1>``; nav links have ids ``nav-<screen>``; every form field has
``id`` and ``name`` equal to its field name; every POST form carries ``csrf_token``):

- ``/console/login`` (fields ``username``, ``password``), ``POST /console/logout``
- ``/console/`` home; ``POST /console/provider`` (field ``provider``) selects the provider
- ``/console/units`` (nav-units), ``/console/units/new``, ``/console/units/{id}/edit``,
  ``/console/units/{id}/delete``
- ``/console/balance-types`` (nav-balance-types), ``/console/balance-types/new``,
  ``/console/balance-types/{id}/edit``
- ``/console/currency-maps`` (nav-currency-maps), ``/console/balance-types/{id}/currency-maps/new``,
  ``/console/balance-types/{id}/currency-maps/{index}/edit``
- ``/console/translations`` (nav-translations), ``/console/translations/new``,
  ``/console/translations/{language}/{balance type}/edit``
- ``/console/wallet-names`` (nav-wallet-names), ``/console/wallet-names/new``,
  ``/console/wallet-names/{language}/{wallet type}/edit``
- ``/console/plans`` (nav-plans), ``/console/plans/new``, ``/console/plans/{name}``,
  ``/console/plans/{name}/categories/new``, ``/console/plans/{name}/categories/{category}``
- ``/console/wallets`` (nav-wallets; ``?msisdn=``), adjustments posted from that page
- ``/console/vouchers`` (nav-vouchers; ``?serial=`` looks one up), ``/console/vouchers/jobs/{id}``

Nothing is imported here: the channels import ``gateway.console.documents`` without pulling in
the web console.
"""
