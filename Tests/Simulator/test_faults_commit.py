"""The fault modes after which a client cannot know what the server did: a reset after the
server processed a request, a commit that lands after a delay, a short page with a larger
X-Hits (issue 10, items 1, 2 and 7).

Run from the repository root:
    python3 -m unittest discover -s Tests/Simulator -p 'test_*.py'
"""

from __future__ import annotations

import http.client
import socket
import time
import unittest

from test_glitchtip_sim import ALERTS, NEXT_LINK, SimTestCase


class CommitFaultTests(SimTestCase):
    def add_faults(self, *faults: dict) -> None:
        self.sim.admin("POST", "/__admin/faults", {"faults": list(faults)})

    def names(self) -> list:
        return [a["name"] for a in self.alerts()]

    def wait_for(self, name: str, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while name not in self.names():
            self.assertLess(time.monotonic(), deadline, f"'{name}' never landed")
            time.sleep(0.1)

    def test_reset_after_stores_then_drops_the_connection(self) -> None:
        self.add_faults({"method": "POST", "path": ALERTS, "action": "reset_after"})
        with self.assertRaises((ConnectionError, http.client.HTTPException)):
            self.post_alert({"name": "stored"})
        self.assertEqual(self.names(), ["stored"])
        log = self.sim.log()["requests"]
        self.assertEqual([(r["method"], r["status"]) for r in log][0], ("POST", None))

    def test_late_commit_without_status_answers_nothing_and_stores_later(self) -> None:
        self.add_faults({"method": "POST", "path": ALERTS, "action": "late_commit", "delay_ms": 1500})
        conn = self.sim.connect(timeout=0.3)
        with self.assertRaises((socket.timeout, TimeoutError)):
            self.sim.request("POST", ALERTS, {"name": "late"}, conn=conn)
        conn.close()
        self.assertEqual(self.names(), [], "the commit landed before its delay")
        self.wait_for("late")
        self.assertEqual(self.names(), ["late"])

    def test_late_commit_with_status_answers_at_once_and_stores_later(self) -> None:
        self.add_faults({"method": "POST", "path": ALERTS, "action": "late_commit", "delay_ms": 1500, "status": 504})
        reply = self.post_alert({"name": "late"})
        self.assertEqual(reply.status, 504)
        self.assertEqual(self.names(), [], "the commit landed before its delay")
        self.wait_for("late")
        self.assertEqual(self.names(), ["late"])

    def test_short_page_drops_items_and_keeps_x_hits(self) -> None:
        self.load_alerts(3)
        self.add_faults({"method": "GET", "path": ALERTS, "action": "short_page"})
        reply = self.sim.request("GET", ALERTS)
        self.assertEqual((reply.status, reply.headers["X-Hits"]), (200, "3"))
        self.assertEqual([a["quantity"] for a in reply.json()], [3, 2])
        self.assertEqual(len(self.alerts()), 3, "the fault fires once")

    def test_short_page_all_without_next_link_ends_the_listing_early(self) -> None:
        self.load_alerts(120)
        self.add_faults({"method": "GET", "path": ALERTS, "page": 2, "action": "short_page", "drop": "all",
                         "no_next": True})
        first = self.sim.request("GET", ALERTS + "?limit=50")
        self.assertEqual(len(first.json()), 50)
        following = NEXT_LINK.search(first.headers["Link"]).group(1)
        second = self.sim.request("GET", following.split(str(self.sim.port), 1)[1])
        self.assertEqual((second.status, second.json(), second.headers["X-Hits"]), (200, [], "120"))
        self.assertIsNone(second.headers["Link"])

    def test_short_page_leaves_errors_alone(self) -> None:
        self.add_faults({"method": "GET", "path": "/api/0/organizations/", "action": "short_page"})
        reply = self.sim.request("GET", "/api/0/organizations/", token="wrong")
        self.assertEqual(reply.status, 401)


if __name__ == "__main__":
    unittest.main()
