"""One serialisation for the XML answers (TwiML, VoiceXML): UTF-8 with a declaration.

ElementTree escapes text and attribute values itself; nothing here builds XML from strings.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def xml_document(root: ET.Element) -> bytes:
    return (_DECLARATION + ET.tostring(root, encoding="unicode")).encode("utf-8")
