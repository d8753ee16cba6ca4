"""The simulator stores a webhook URL as GlitchTip does: ``normalize_http_url`` against pydantic's
``HttpUrl`` itself (GlitchTip's parser; scripts/test installs pydantic), on the vector table gt's
own tests use (Tests/Fixtures/webhook-urls/vectors.json) and on URLs generated from fixed seeds.

Run from the repository root:
    python3 -m unittest discover -s Tests/Simulator -p 'test_*.py'
"""

from __future__ import annotations

import json
import random
import unittest
from pathlib import Path

from pydantic import HttpUrl, TypeAdapter, ValidationError

from glitchtip_sim import UrlError, normalize_http_url

VECTORS = Path(__file__).resolve().parent.parent / "Fixtures" / "webhook-urls" / "vectors.json"
ADAPTER = TypeAdapter(HttpUrl)

# Where the simulator refuses what GlitchTip stores: IDNA 2008's deviation characters, which
# Python's IDNA 2003 codec would map to something else (ß to ss). gt refuses every
# internationalised host itself, so no test of gt meets them.
KNOWN_REFUSALS = {"https://straße.example/"}


def pydantic(url: str):
    try:
        return str(ADAPTER.validate_python(url))
    except ValidationError:
        return None


def simulator(url: str):
    try:
        return normalize_http_url(url)
    except UrlError:
        return None


PIECES = {
    "scheme": ["https:", "http:", "HTTPS:", "ftp:", "", " https:", "ht\ttps:"],
    "slashes": ["//", "\\\\", "/\\", "", "/", "///"],
    "userinfo": ["", "", "u@", "u:p@", ":p@", "@", "a@b@", "u:p:q@", "ü@", "u^|;=@"],
    "host": ["h.example", "Hooks.Example.COM", "1.2.3.4", "0x7f.1", "[::1]", "[0:0::1]", "h..x", "xn--a.b",
             "Bü.x", "h%41.x", "", "h.x.", "256.1.1.1", "1.2.3", "010.1", "h!x.y", "a.1", "h x.y", "%"],
    "port": ["", "", ":443", ":0443", ":80", ":8443", ":", ":0", ":65536", ":x"],
    "segment": ["a", "A", "..", ".", "%2e", "%2E%2e", "", "ä", "a b", "'", "`", "{}", "^|", "%zz", "\t", "<x>", "x\\y"],
    "tail": ["", "?", "?q='x'", "?a=\\b", "?ä <>\"`", "#", "#f`'", "#a#b", "?q#f", "?%zz#%41"],
}


def generated(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    urls = []
    for _ in range(count):
        url = rng.choice(PIECES["scheme"]) + rng.choice(PIECES["slashes"]) + rng.choice(PIECES["userinfo"])
        url += rng.choice(PIECES["host"]) + rng.choice(PIECES["port"])
        for _ in range(rng.randint(0, 4)):
            url += rng.choice(["/", "\\"]) + rng.choice(PIECES["segment"])
        urls.append(url + rng.choice(PIECES["tail"]))
    return urls


class UrlVectorTest(unittest.TestCase):
    def assert_like_pydantic(self, urls: list[str]) -> int:
        compared = 0
        for url in urls:
            expected, ours = pydantic(url), simulator(url)
            if url in KNOWN_REFUSALS:
                self.assertIsNone(ours, url)
                continue
            with self.subTest(url=url):
                self.assertEqual(ours, expected)
            compared += expected is not None
        return compared

    def test_the_shared_vector_table(self) -> None:
        urls = json.loads(VECTORS.read_text(encoding="utf-8"))["urls"]
        self.assertGreater(self.assert_like_pydantic(urls), 100)

    def test_generated_urls(self) -> None:
        self.assertGreater(self.assert_like_pydantic(generated(20, 4000)), 800)

    def test_the_issue_url_keeps_its_path_as_written(self) -> None:
        self.assertEqual(simulator("https://hooks.slack.example.com\\services\\T000\\B000\\Secret"),
                         "https://hooks.slack.example.com/services/T000/B000/Secret")


if __name__ == "__main__":
    unittest.main()
