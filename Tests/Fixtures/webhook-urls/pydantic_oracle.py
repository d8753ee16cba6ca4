#!/usr/bin/env python3
"""GlitchTip's own URL parser as an oracle: reads a JSON array of strings on stdin and writes a
JSON array with, for each, the URL as pydantic's ``HttpUrl`` stores it (``str()`` of the parsed
value, what GlitchTip saves and returns), or null when pydantic refuses it.

Used by the vector tests of gt (Tests/GTCommonTests/WebhookURLOracleTests.swift) and of the
simulator (Tests/Simulator/test_url_vectors.py); scripts/test installs pydantic.
"""

import json
import sys

from pydantic import HttpUrl, TypeAdapter, ValidationError

ADAPTER = TypeAdapter(HttpUrl)


def normalised(url: str):
    try:
        return str(ADAPTER.validate_python(url))
    except ValidationError:
        return None


if __name__ == "__main__":
    json.dump([normalised(url) for url in json.load(sys.stdin)], sys.stdout)
