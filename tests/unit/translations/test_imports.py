"""Importing the package reads no data: catalogs, templates, config and CLDR data load on
first use (the house rule: nothing happens at import time)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
opened = []
def audit(event, args):
    if event == "open" and isinstance(args[0], str) and not args[0].endswith((".py", ".pyc")):
        opened.append(args[0])
sys.addaudithook(audit)
import translations.catalogs, translations.config, translations.formats, translations.gsm
import translations.loading, translations.messages, translations.ncc, translations.numerals
import translations.rates, translations.renderer, translations.sms, translations.splitting
import translations.ussd
print([path for path in opened if not path.endswith(("/", ".pth", ".so"))])
"""


def test_importing_every_module_opens_no_data_file() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
