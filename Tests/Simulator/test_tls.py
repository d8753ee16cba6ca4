"""The simulator over HTTPS (--tls-cert/--tls-key), with a CA made by the `openssl` command at
test time: no key is ever committed.

Run from the repository root:
    python3 -m unittest discover -s Tests/Simulator -p 'test_*.py'
"""

from __future__ import annotations

import http.client
import ssl
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from test_glitchtip_sim import ACME, SIM, TOKEN, SimProcess


def make_ca(directory: Path, name: str = "ca") -> tuple[Path, Path, Path]:
    """A CA and a server certificate it signed for 127.0.0.1: (ca.pem, server.pem, server.key)."""
    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=directory)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2",
            "-subj", f"/CN=gt simulator test {name}", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", *ec, "-keyout", f"{name}-server.key", "-out", f"{name}-server.csr", "-subj", "/CN=127.0.0.1")
    (directory / f"{name}-server.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", f"{name}-server.csr", "-CA", f"{name}.pem", "-CAkey", f"{name}.key",
            "-CAcreateserial", "-out", f"{name}-server.pem", "-days", "2", "-extfile", f"{name}-server.ext")
    return directory / f"{name}.pem", directory / f"{name}-server.pem", directory / f"{name}-server.key"


class TLSTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.TemporaryDirectory()
        cls.ca, cert, key = make_ca(Path(cls.tmp.name))
        cls.other_ca, _, _ = make_ca(Path(cls.tmp.name), "other")
        cls.sim = SimProcess("--tls-cert", str(cert), "--tls-key", str(key))

    @classmethod
    def tearDownClass(cls) -> None:
        cls.sim.stop()
        cls.tmp.cleanup()

    def connect(self, ca: Path) -> http.client.HTTPSConnection:
        context = ssl.create_default_context(cafile=str(ca))
        return http.client.HTTPSConnection("127.0.0.1", self.sim.port, timeout=10, context=context)

    def test_serves_https_with_a_certificate_of_the_ca(self) -> None:
        conn = self.connect(self.ca)
        self.assertEqual(self.sim.request("POST", "/__admin/state", ACME, token=None, conn=conn).status, 200)
        reply = self.sim.request("GET", "/api/0/organizations/acme/projects/?limit=1", conn=conn)
        self.assertEqual(reply.status, 200)
        self.assertEqual([p["slug"] for p in reply.json()], ["api"])
        # Pagination links keep the scheme the client used.
        self.assertIn(f"<https://127.0.0.1:{self.sim.port}/api/0/organizations/acme/projects/", reply.headers["Link"])
        conn.close()

    def test_a_client_trusting_another_ca_is_refused_and_the_server_goes_on(self) -> None:
        with self.assertRaises(ssl.SSLCertVerificationError):
            self.connect(self.other_ca).request("GET", "/api/0/")
        conn = self.connect(self.ca)
        reply = self.sim.request("GET", "/api/0/", conn=conn)
        self.assertEqual(reply.status, 200)
        conn.close()

    def test_plain_http_is_not_served(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.sim.port, timeout=10)
        with self.assertRaises((http.client.HTTPException, OSError)):
            conn.request("GET", "/api/0/", headers={"Authorization": f"Bearer {TOKEN}"})
            conn.getresponse().read()
        conn.close()

    def test_cert_without_key_is_a_usage_error(self) -> None:
        result = subprocess.run([sys.executable, str(SIM), "--port", "0", "--tls-cert", str(self.ca)],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 2)
        self.assertIn("--tls-cert and --tls-key go together", result.stderr)


if __name__ == "__main__":
    unittest.main()
