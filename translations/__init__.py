"""Rendering for subscribers: translations, number/currency formats, templates, GSM fitting.

Modules, in the order data flows through them:

* ``config`` / ``rules`` / ``loading`` / ``rates``: a provider's balance-type and wallet-name
  translations (NCC fields and rules), loaded from TOML and validated as a whole;
* ``numerals`` / ``formats``: CLDR numbers via Babel, compiled per locale; ``format_value``;
* ``catalogs``: the gettext catalogs (pybabel commands, runtime loading);
* ``ncc``: a wallet snapshot -> NCC balance lines and wallet header;
* ``messages`` / ``renderer`` / ``templates/``: one typed message per key, one Jinja2 template
  per key, rendered per language;
* ``gsm`` / ``splitting`` / ``sms`` / ``ussd``: GSM-7 or UCS2, SMS parts, USSD screens.

Nothing here does I/O at import time; catalogs and locale data load on first use.
"""
