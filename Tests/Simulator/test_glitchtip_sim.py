"""Tests of glitchtip_sim.py over real HTTP: the simulator runs as a subprocess, as in gt's tests.

Run from the repository root:
    python3 -m unittest discover -s Tests/Simulator -p 'test_*.py'
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit

SIM = Path(__file__).resolve().with_name("glitchtip_sim.py")
TOKEN = "sim-token"
NEXT_LINK = re.compile(r'<([^>]+)>;\s*rel="next";\s*results="true"')
PREVIOUS_LINK = re.compile(r'<([^>]+)>;\s*rel="previous";\s*results="(true|false)"')

ACME = {"organizations": [
    {"name": "Acme", "projects": [{"name": "api", "teams": ["backend"]}, {"name": "web"}]},
    {"name": "Globex", "projects": [{"name": "shop"}]},
]}
ALERTS = "/api/0/projects/acme/api/alerts/"


class Reply:
    def __init__(self, response: http.client.HTTPResponse, body: bytes):
        self.status = response.status
        self.headers = response.headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


class SimProcess:
    """The simulator as a child process on a port of its choosing."""

    def __init__(self, *args: str, preexec_fn: Any = None):
        self.proc = subprocess.Popen([sys.executable, str(SIM), "--port", "0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, preexec_fn=preexec_fn)
        line = self.proc.stdout.readline()
        if not line.strip().isdigit():
            self.proc.kill()
            raise RuntimeError(f"simulator printed {line!r} instead of its port")
        self.port = int(line)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.proc.stdout.close()

    def connect(self, timeout: float = 10) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method: str, path: str, body: Any = None, token: Optional[str] = TOKEN,
                headers: Optional[dict] = None, conn: Optional[http.client.HTTPConnection] = None) -> Reply:
        own = conn is None
        conn = conn or self.connect()
        all_headers = dict(headers or {})
        if token is not None:
            all_headers.setdefault("Authorization", f"Bearer {token}")
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            all_headers.setdefault("Content-Type", "application/json")
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            return Reply(response, response.read())
        finally:
            if own:
                conn.close()

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        reply = self.request(method, path, body, token=None)
        if reply.status != 200:
            raise AssertionError(f"admin {method} {path}: {reply.status} {reply.body!r}")
        return reply.json()

    def log(self) -> dict:
        return self.admin("GET", "/__admin/requests")


class SimTestCase(unittest.TestCase):
    """One simulator per class; every test starts from a reset with the Acme/Globex state."""
    args: tuple = ()

    @classmethod
    def setUpClass(cls) -> None:
        cls.sim = SimProcess(*cls.args)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.sim.stop()

    def setUp(self) -> None:
        self.sim.admin("POST", "/__admin/reset")
        self.sim.admin("POST", "/__admin/state", ACME)

    def post_alert(self, body: Any, path: str = ALERTS) -> Reply:
        return self.sim.request("POST", path, body)

    def alerts(self, path: str = ALERTS) -> list:
        reply = self.sim.request("GET", path)
        self.assertEqual(reply.status, 200)
        return reply.json()

    def load_alerts(self, count: int, project: str = "api") -> None:
        alerts = [{"name": f"bulk-{i}", "timespanMinutes": 1, "quantity": i,
                   "alertRecipients": [{"recipientType": "email", "url": ""}]} for i in range(1, count + 1)]
        state = json.loads(json.dumps(ACME))
        next(p for p in state["organizations"][0]["projects"] if p["name"] == project)["alerts"] = alerts
        self.sim.admin("POST", "/__admin/state", state)

    def walk(self, path: str, conn: Optional[http.client.HTTPConnection] = None) -> list[Reply]:
        """Follow ``rel="next"; results="true"`` like gt-current does."""
        pages = []
        while path:
            reply = self.sim.request("GET", path, conn=conn)
            self.assertEqual(reply.status, 200, reply.body)
            pages.append(reply)
            match = NEXT_LINK.search(reply.headers["Link"])
            if match:
                parts = urlsplit(match.group(1))
                self.assertEqual(parts.netloc, f"127.0.0.1:{self.sim.port}")
                path = parts.path + (f"?{parts.query}" if parts.query else "")
            else:
                path = None
            self.assertLess(len(pages), 50, "pagination does not end")
        return pages


# ----------------------------------------------------------------------------------------------

class DiscoveryTests(SimTestCase):
    def test_index_echoes_the_token(self) -> None:
        body = self.sim.request("GET", "/api/0/").json()
        self.assertEqual(body["version"], "0")
        self.assertEqual(body["auth"]["token"], TOKEN)
        self.assertIn("project:admin", body["auth"]["scopes"])
        anonymous = self.sim.request("GET", "/api/0/", token=None)
        self.assertEqual((anonymous.status, anonymous.json()["auth"]), (200, None))

    def test_organizations_sorted_by_name_with_string_ids(self) -> None:
        reply = self.sim.request("GET", "/api/0/organizations/")
        self.assertEqual(reply.content_type, "application/json; charset=utf-8")
        orgs = reply.json()
        self.assertEqual([o["slug"] for o in orgs], ["acme", "globex"])
        self.assertEqual(set(orgs[0]), {"name", "id", "dateCreated", "status", "avatar", "isEarlyAdopter",
                                        "require2fa", "slug", "isAcceptingEvents", "eventThrottleRate"})
        self.assertIsInstance(orgs[0]["id"], str)
        self.assertEqual(reply.headers["X-Hits"], "2")
        self.assertEqual(reply.headers["X-Max-Hits"], "1000")
        base = f"http://127.0.0.1:{self.sim.port}/api/0/organizations/"
        self.assertEqual(reply.headers["Link"], "{'<%s>; rel=\"previous\"; results=\"false\", "
                                                "<%s>; rel=\"next\"; results=\"false\"'}" % (base, base))

    def test_projects_shape_and_unknown_org(self) -> None:
        projects = self.sim.request("GET", "/api/0/organizations/acme/projects/").json()
        self.assertEqual([p["slug"] for p in projects], ["api", "web"])
        self.assertEqual(projects[0]["teams"], [{"id": "1", "slug": "backend"}])
        self.assertIn("scrubIPAddresses", projects[0])
        unknown = self.sim.request("GET", "/api/0/organizations/nope/projects/")
        self.assertEqual((unknown.status, unknown.json(), unknown.headers["X-Hits"]), (200, [], "0"))

    def test_unknown_project_alerts_are_an_empty_list_but_post_is_404(self) -> None:
        self.assertEqual(self.alerts("/api/0/projects/acme/nope/alerts/"), [])
        reply = self.post_alert({"name": "x"}, "/api/0/projects/acme/nope/alerts/")
        self.assertEqual((reply.status, reply.json()), (404, {"detail": "Not Found"}))


class AlertTests(SimTestCase):
    def test_create_and_list_newest_first(self) -> None:
        first = self.post_alert({"name": "errors-burst", "timespanMinutes": 5, "quantity": 10, "uptime": False,
                                 "alertRecipients": [
                                     {"recipientType": "webhook", "url": "https://hooks.example.com/services/X"},
                                     {"recipientType": "email", "url": ""}]})
        self.assertEqual(first.status, 201)
        self.assertEqual(first.body.decode(), (
            '{"alertRecipients": [{"id": 1, "recipientType": "webhook", "url": "https://hooks.example.com/services/X"}, '
            '{"id": 2, "recipientType": "email", "url": ""}], "id": 1, "name": "errors-burst", '
            '"timespanMinutes": 5, "quantity": 10, "uptime": false}'))
        self.post_alert({"name": "second"})
        self.assertEqual([a["name"] for a in self.alerts()], ["second", "errors-burst"])

    def test_state_alerts_listed_first_are_oldest(self) -> None:
        self.load_alerts(3)
        self.assertEqual([a["name"] for a in self.alerts()], ["bulk-3", "bulk-2", "bulk-1"])

    def test_empty_body_defaults_snake_case_and_ignored_keys(self) -> None:
        empty = self.post_alert({}).json()
        self.assertEqual({k: v for k, v in empty.items() if k != "id"},
                         {"alertRecipients": [], "name": "", "timespanMinutes": None, "quantity": None,
                          "uptime": False})
        snake = self.post_alert({"name": "snake", "timespan_minutes": 3, "quantity": 1, "foo": 1, "pk": 99,
                                 "alert_recipients": [{"recipient_type": "discord", "tagsToAdd": ["env"],
                                                       "url": "https://discord.example.com/api/webhooks/1/x"}]})
        body = snake.json()
        self.assertEqual((snake.status, body["timespanMinutes"], body["alertRecipients"][0]),
                         (201, 3, {"id": 1, "recipientType": "discord",
                                   "url": "https://discord.example.com/api/webhooks/1/x"}))
        self.assertNotEqual(body["id"], 99)

    def test_url_normalisation(self) -> None:
        body = self.post_alert({"name": "norm", "alertRecipients": [
            {"recipientType": "webhook", "url": "HTTPS://Hooks.Example.com"},
            {"recipientType": "webhook", "url": "https://hooks.example.com/a b?x=1&y=ä#frag"},
            {"recipientType": "discord", "url": "https://user:pw@Discord.com:443/api/webhooks/1/"},
            {"recipientType": "googlechat", "url": "http://Chat.example.com:80/v1?key=k&token=t"},
            {"recipientType": "email", "url": "https://example.com/x"},
            {"recipientType": "email"},
        ]}).json()
        self.assertEqual([r["url"] for r in body["alertRecipients"]], [
            "https://hooks.example.com/",
            "https://hooks.example.com/a%20b?x=1&y=%C3%A4#frag",
            "https://user:pw@discord.com/api/webhooks/1/",
            "http://chat.example.com/v1?key=k&token=t",
            "https://example.com/x",
            "",
        ])

    def test_validation_422_bodies(self) -> None:
        cases = [
            ({"alertRecipients": [{"recipientType": "slack", "url": "https://x.example.com"}]}, "union_tag_invalid",
             ["body", "payload", "alertRecipients", 0]),
            ({"alertRecipients": [{"recipientType": "webhook"}]}, "missing",
             ["body", "payload", "alertRecipients", 0, "webhook", "url"]),
            ({"alertRecipients": [{"recipientType": "webhook", "url": "not-a-url"}]}, "url_parsing",
             ["body", "payload", "alertRecipients", 0, "webhook", "url"]),
            ({"alertRecipients": [{"recipientType": "email", "url": "ops@example.com"}]}, "url_parsing",
             ["body", "payload", "alertRecipients", 0, "email", "url", "function-wrap[wrap_val()]"]),
            ({"timespanMinutes": "abc"}, "int_parsing", ["body", "payload", "timespanMinutes"]),
        ]
        for body, kind, loc in cases:
            with self.subTest(kind=kind, loc=loc):
                reply = self.post_alert({"name": "bad", **body})
                self.assertEqual(reply.status, 422)
                self.assertEqual(reply.json()["detail"][0]["type"], kind)
                self.assertEqual(reply.json()["detail"][0]["loc"], loc)
        email = self.post_alert({"alertRecipients": [{"recipientType": "email", "url": "ops@example.com"}]}).json()
        self.assertEqual(email["detail"][1]["type"], "literal_error")
        slack = self.post_alert(cases[0][0]).json()["detail"][0]
        self.assertEqual(slack["ctx"]["tag"], "slack")
        self.assertTrue(slack["msg"].startswith("Input tag 'slack' found using 'recipient_type' | 'recipientType'"))
        self.assertEqual(self.alerts(), [])

    def test_bad_json_is_400(self) -> None:
        reply = self.post_alert(b"{bad json")
        self.assertEqual((reply.status, reply.json()), (400, {"detail": "Cannot parse request body"}))

    def test_database_errors_are_html_500_and_create_nothing(self) -> None:
        for body in ({"quantity": -1}, {"timespanMinutes": 40000}, {"name": "a" * 256}, {"name": None}):
            with self.subTest(body=body):
                reply = self.post_alert(body)
                self.assertEqual((reply.status, reply.content_type), (500, "text/html; charset=utf-8"))
                self.assertIn(b"<title>Server Error (500)</title>", reply.body)
        self.assertEqual(self.alerts(), [])

    def test_failed_recipient_insert_leaves_an_orphan_alert(self) -> None:
        dup = self.post_alert({"name": "dup", "alertRecipients": [{"recipientType": "email", "url": ""},
                                                                   {"recipientType": "email", "url": ""}]})
        null = self.post_alert({"name": "nullrec", "alertRecipients": None})
        email_null = self.post_alert({"name": "email-null-url", "alertRecipients": [{"recipientType": "email",
                                                                                   "url": None}]})
        self.assertEqual((dup.status, null.status, email_null.status), (500, 500, 500))
        listed = self.alerts()
        self.assertEqual([(a["name"], a["alertRecipients"]) for a in listed],
                         [("email-null-url", []), ("nullrec", []), ("dup", [])])
        # Sequences advanced for the failed rows (2 for `dup`, 1 for the null url), as in Postgres.
        created = self.post_alert({"name": "ok", "alertRecipients": [{"recipientType": "email"}]}).json()
        self.assertEqual((created["id"], created["alertRecipients"][0]["id"]), (4, 4))

    def test_put_keeps_ids_of_unchanged_recipients(self) -> None:
        alert = self.post_alert({"name": "a", "timespanMinutes": 5, "quantity": 10, "alertRecipients": [
            {"recipientType": "webhook", "url": "https://hooks.example.com/old"},
            {"recipientType": "email", "url": ""}]}).json()
        reply = self.sim.request("PUT", f"{ALERTS}{alert['id']}/", {
            "name": "a", "timespanMinutes": 10, "quantity": 20, "uptime": True, "alertRecipients": [
                {"recipientType": "webhook", "url": "https://hooks.example.com/new"},
                {"recipientType": "email", "url": ""}, {"recipientType": "email", "url": ""}]})
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.json()["alertRecipients"], [
            {"id": 2, "recipientType": "email", "url": ""},
            {"id": 3, "recipientType": "webhook", "url": "https://hooks.example.com/new"}])

    def test_put_with_null_recipients_saves_scalars_then_500(self) -> None:
        alert = self.post_alert({"name": "a", "alertRecipients": [{"recipientType": "email"}]}).json()
        reply = self.sim.request("PUT", f"{ALERTS}{alert['id']}/", {"name": "renamed", "alertRecipients": None})
        self.assertEqual(reply.status, 500)
        self.assertEqual([(a["name"], len(a["alertRecipients"])) for a in self.alerts()], [("renamed", 1)])

    def test_put_and_delete_errors(self) -> None:
        missing = self.sim.request("PUT", f"{ALERTS}999/", {"name": "x"})
        self.assertEqual((missing.status, missing.json()), (404, {"detail": "Not Found"}))
        not_int = self.sim.request("PUT", f"{ALERTS}abc/", {"name": "x"})
        self.assertEqual(not_int.status, 422)
        self.assertEqual(not_int.json()["detail"][0]["type"], "int_parsing")
        self.assertEqual(not_int.json()["detail"][0]["loc"], ["path", "alert_id"])
        other_project = self.post_alert({"name": "w"}, "/api/0/projects/acme/web/alerts/").json()
        wrong = self.sim.request("PUT", f"{ALERTS}{other_project['id']}/", {"name": "x"})
        self.assertEqual(wrong.status, 404)

    def test_delete_is_204_then_404(self) -> None:
        alert = self.post_alert({"name": "gone"}).json()
        reply = self.sim.request("DELETE", f"{ALERTS}{alert['id']}/")
        self.assertEqual((reply.status, reply.body, reply.content_type, reply.headers["Content-Length"]),
                         (204, b"", "application/json; charset=utf-8", "0"))
        again = self.sim.request("DELETE", f"{ALERTS}{alert['id']}/")
        self.assertEqual((again.status, again.json()), (404, {"detail": "Not Found"}))

    def test_single_alert_get_and_patch_are_405(self) -> None:
        alert = self.post_alert({"name": "x"}).json()
        for method in ("GET", "PATCH"):
            with self.subTest(method=method):
                reply = self.sim.request(method, f"{ALERTS}{alert['id']}/", {"name": "p"} if method == "PATCH" else None)
                self.assertEqual((reply.status, reply.headers["Allow"], reply.content_type, reply.body),
                                 (405, "DELETE, PUT", "text/html; charset=utf-8", b"Method not allowed"))


class PutModeTests(SimTestCase):
    def _put_only_name(self) -> dict:
        alert = self.post_alert({"name": "a", "timespanMinutes": 10, "quantity": 20, "uptime": True,
                                 "alertRecipients": [{"recipientType": "email"}]}).json()
        reply = self.sim.request("PUT", f"{ALERTS}{alert['id']}/", {"name": "renamed"})
        self.assertEqual(reply.status, 200)
        return reply.json()

    def test_5x_put_keeps_omitted_scalars_but_wipes_recipients(self) -> None:
        body = self._put_only_name()
        self.assertEqual((body["name"], body["timespanMinutes"], body["quantity"], body["uptime"],
                          body["alertRecipients"]), ("renamed", 10, 20, True, []))

    def test_4x_put_resets_omitted_scalars(self) -> None:
        self.sim.admin("POST", "/__admin/config", {"put_mode": "4x"})
        body = self._put_only_name()
        self.assertEqual((body["name"], body["timespanMinutes"], body["quantity"], body["uptime"],
                          body["alertRecipients"]), ("renamed", None, None, False, []))
        null_name = self.post_alert({"name": None})
        self.assertEqual((null_name.status, null_name.json()["detail"][0]["type"]), (422, "string_type"))

    def test_reset_restores_cli_config(self) -> None:
        self.sim.admin("POST", "/__admin/config", {"put_mode": "4x", "page_size": 7})
        self.sim.admin("POST", "/__admin/reset")
        self.assertEqual(self.sim.admin("GET", "/__admin/config"),
                         {"put_mode": "5x", "dialect": "ninja", "latency_ms": 0, "page_size": 50,
                          "max_page_size": 100})

    def test_max_page_size_caps_limit(self) -> None:
        self.load_alerts(120)
        self.sim.admin("POST", "/__admin/config", {"max_page_size": 50})
        pages = self.walk(ALERTS + "?limit=100")
        self.assertEqual([len(p.json()) for p in pages], [50, 50, 20])



class DrfDialectTests(SimTestCase):
    args = ("--dialect", "drf")

    def test_alert_field_names(self) -> None:
        created = self.post_alert({"name": "test", "timespanMinutes": 1, "quantity": 1,
                                   "alertRecipients": [{"recipientType": "webhook", "url": "https://example.com"}]})
        self.assertEqual(created.status, 201)
        self.assertEqual(created.json(), {"pk": 1, "name": "test", "timespan_minutes": 1, "quantity": 1,
                                          "uptime": False, "alertRecipients": [
                                              {"pk": 1, "recipientType": "webhook", "url": "https://example.com/"}]})
        self.assertEqual(self.alerts()[0]["pk"], 1)

    def test_plain_link_header_and_pagination(self) -> None:
        self.load_alerts(3)
        reply = self.sim.request("GET", ALERTS + "?limit=2")
        link = reply.headers["Link"]
        self.assertFalse(link.startswith("{"), link)
        self.assertRegex(link, r'^<http://[^>]+>; rel="previous"; results="false", <[^>]+cursor=[^>]+>; '
                               r'rel="next"; results="true"; cursor="[^"]+"$')
        self.assertEqual([len(p.json()) for p in self.walk(ALERTS + "?limit=2")], [2, 1])

    def test_validation_errors_are_400_field_lists(self) -> None:
        reply = self.post_alert({"timespanMinutes": "abc", "alertRecipients": [
            {"recipientType": "email"}, {"recipientType": "slack", "url": "https://x.example.com"}]})
        self.assertEqual(reply.status, 400)
        self.assertEqual(reply.json(), {"timespan_minutes": ["A valid integer is required."],
                                        "alertRecipients": [{}, {"recipientType": ['"slack" is not a valid choice.']}]})
        self.assertEqual(self.post_alert({"name": None}).json(), {"name": ["This field may not be null."]})


class PaginationTests(SimTestCase):
    def test_120_alerts_in_pages_of_50_and_100(self) -> None:
        self.load_alerts(120)
        conn = self.sim.connect()
        pages = self.walk(ALERTS + "?limit=50", conn)
        self.assertEqual([len(p.json()) for p in pages], [50, 50, 20])
        quantities = [a["quantity"] for p in pages for a in p.json()]
        self.assertEqual(quantities, list(range(120, 0, -1)))   # newest first, nothing twice
        for page in pages:
            self.assertEqual(page.headers["X-Hits"], "120")
            self.assertTrue(page.headers["Link"].startswith("{'<") and page.headers["Link"].endswith("'}"))
        self.assertIn("&limit=50>", pages[0].headers["Link"])
        self.assertEqual(PREVIOUS_LINK.search(pages[0].headers["Link"]).group(2), "false")
        self.assertEqual(PREVIOUS_LINK.search(pages[1].headers["Link"]).group(2), "true")
        self.assertIn('rel="next"; results="false"', pages[2].headers["Link"])
        self.assertEqual([len(p.json()) for p in self.walk(ALERTS + "?limit=100", conn)], [100, 20])
        self.assertEqual([len(p.json()) for p in self.walk(ALERTS, conn)], [50, 50, 20])
        conn.close()

    def test_limit_is_clamped_to_100(self) -> None:
        self.load_alerts(120)
        self.assertEqual(len(self.sim.request("GET", ALERTS + "?limit=500").json()), 100)

    def test_previous_link_goes_back(self) -> None:
        self.load_alerts(7)
        second = self.walk(ALERTS + "?limit=3")[1]
        previous = urlsplit(PREVIOUS_LINK.search(second.headers["Link"]).group(1))
        back = self.sim.request("GET", f"{previous.path}?{previous.query}").json()
        self.assertEqual([a["quantity"] for a in back], [7, 6, 5])

    def test_link_format_matches_the_real_server(self) -> None:
        self.sim.admin("POST", "/__admin/state", {"organizations": [
            {"name": "bulk", "projects": [{"name": f"bulk-p{i:03d}"} for i in range(1, 61)]}]})
        reply = self.sim.request("GET", "/api/0/organizations/bulk/projects/")
        base = f"http://127.0.0.1:{self.sim.port}/api/0/organizations/bulk/projects/"
        self.assertEqual(reply.headers["Link"], (
            f"{{'<{base}>; rel=\"previous\"; results=\"false\", <{base}?cursor=cD1idWxrLXAwNTA%3D>; "
            f"rel=\"next\"; results=\"true\"; cursor=\"cD1idWxrLXAwNTA=\"'}}"))
        second = self.sim.request("GET", "/api/0/organizations/bulk/projects/?cursor=cD1idWxrLXAwNTA%3D")
        self.assertIn('?cursor=cj0xJnA9YnVsay1wMDUx>; rel="previous"; results="true"; cursor="cj0xJnA9YnVsay1wMDUx"',
                      second.headers["Link"])
        self.assertEqual(len(second.json()), 10)

    def test_undecodable_cursor_is_the_first_page(self) -> None:
        self.load_alerts(3)
        for cursor in ("%%%", "!!!!", "Zm9v"):
            with self.subTest(cursor=cursor):
                self.assertEqual(len(self.sim.request("GET", f"{ALERTS}?cursor={cursor}").json()), 3)

    def test_page_size_config(self) -> None:
        self.load_alerts(5)
        self.sim.admin("POST", "/__admin/config", {"page_size": 2})
        self.assertEqual([len(p.json()) for p in self.walk(ALERTS)], [2, 2, 1])


class AuthTests(SimTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sim.admin("POST", "/__admin/state", {**ACME, "tokens": {
            "full": ["org:read", "project:read", "project:write", "project:admin"],
            "readonly": ["project:read", "org:read"],
            "writer": ["project:read", "project:write"]}})

    def test_missing_unknown_and_wrong_scheme_are_401(self) -> None:
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Token full"},
                        {"Authorization": "Bearer sim-token"}):   # replaced by the state's tokens
            with self.subTest(headers=headers):
                reply = self.sim.request("GET", ALERTS, token=None, headers=headers)
                self.assertEqual((reply.status, reply.json()), (401, {"detail": "Unauthorized"}))

    def test_scheme_is_case_insensitive(self) -> None:
        self.assertEqual(self.sim.request("GET", ALERTS, token=None, headers={"Authorization": "bearer full"}).status, 200)

    def test_scopes(self) -> None:
        self.assertEqual(self.sim.request("GET", ALERTS, token="readonly").status, 200)
        denied = self.sim.request("POST", ALERTS, {"name": "x"}, token="readonly")
        self.assertEqual((denied.status, denied.json()), (403, {"detail": "Permission denied"}))
        self.assertEqual(self.sim.request("GET", "/api/0/organizations/", token="writer").status, 403)
        created = self.sim.request("POST", ALERTS, {"name": "x"}, token="writer").json()
        self.assertEqual(self.sim.request("PUT", f"{ALERTS}{created['id']}/", {"name": "y"}, token="writer").status, 200)
        self.assertEqual(self.sim.request("DELETE", f"{ALERTS}{created['id']}/", token="writer").status, 403)
        self.assertEqual(self.sim.request("DELETE", f"{ALERTS}{created['id']}/", token="full").status, 204)


class TrailingSlashTests(SimTestCase):
    def test_organizations_without_slash_redirects(self) -> None:
        reply = self.sim.request("GET", "/api/0/organizations")
        self.assertEqual((reply.status, reply.headers["Location"], reply.content_type),
                         (301, "/api/0/organizations/", "text/html; charset=utf-8"))

    def test_gets_without_slash_hit_the_spa(self) -> None:
        for path in ("/api/0/projects/acme/api/alerts", "/api/0/organizations/acme/projects",
                     "/api/0/organizations/acme"):
            with self.subTest(path=path):
                reply = self.sim.request("GET", path)
                self.assertEqual((reply.status, reply.content_type), (200, "text/html; charset=utf-8"))
                self.assertIn(b"<title>GlitchTip</title>", reply.body)

    def test_writes_without_slash_fail_csrf(self) -> None:
        for method in ("POST", "PUT", "DELETE"):
            with self.subTest(method=method):
                reply = self.sim.request(method, "/api/0/projects/acme/api/alerts", {"name": "x"})
                self.assertEqual((reply.status, reply.content_type), (403, "text/html; charset=utf-8"))
                self.assertIn(b"CSRF verification failed. Request aborted.", reply.body)
        self.assertEqual(self.alerts(), [])


class FaultTests(SimTestCase):
    ORGS = "/api/0/organizations/"

    def add_faults(self, *faults: dict) -> None:
        self.sim.admin("POST", "/__admin/faults", {"faults": list(faults)})

    def test_status_with_retry_after_fires_once(self) -> None:
        self.add_faults({"method": "GET", "path": self.ORGS, "action": "status", "status": 429,
                         "retry_after": 2, "content_type": "application/json", "body": '{"detail":"slow down"}'})
        first = self.sim.request("GET", self.ORGS)
        self.assertEqual((first.status, first.headers["Retry-After"], first.body), (429, "2", b'{"detail":"slow down"}'))
        self.assertEqual(self.sim.request("GET", self.ORGS).status, 200)
        self.assertEqual([r["status"] for r in self.sim.log()["requests"]], [429, 200])

    def test_status_does_not_process_the_request(self) -> None:
        self.add_faults({"method": "POST", "path": ALERTS, "action": "status", "status": 503, "times": 0})
        for _ in range(2):
            reply = self.post_alert({"name": "x"})
            self.assertEqual((reply.status, reply.content_type), (503, "text/html; charset=utf-8"))
            self.assertIn(b"Server Error", reply.body)
        self.sim.admin("DELETE", "/__admin/faults")
        self.assertEqual(self.alerts(), [])

    def test_status_after_processes_then_fails(self) -> None:
        self.add_faults({"method": "POST", "path": ALERTS, "action": "status_after"})
        reply = self.post_alert({"name": "ambiguous"})
        self.assertEqual(reply.status, 502)
        self.assertEqual([a["name"] for a in self.alerts()], ["ambiguous"])

    def test_html200(self) -> None:
        self.add_faults({"path": self.ORGS, "action": "html200"})
        reply = self.sim.request("GET", self.ORGS)
        self.assertEqual((reply.status, reply.content_type), (200, "text/html; charset=utf-8"))

    def test_reset_closes_without_response(self) -> None:
        self.add_faults({"path": self.ORGS, "action": "reset"})
        with self.assertRaises((ConnectionError, http.client.HTTPException)):
            self.sim.request("GET", self.ORGS)
        self.assertEqual(self.sim.request("GET", self.ORGS).status, 200)
        self.assertEqual([r["status"] for r in self.sim.log()["requests"]], [None, 200])

    def test_truncate_sends_half_the_body(self) -> None:
        self.add_faults({"path": self.ORGS, "action": "truncate"})
        with self.assertRaises(http.client.IncompleteRead):
            self.sim.request("GET", self.ORGS)

    def test_slow_body_trips_a_read_timeout(self) -> None:
        # 20 pieces over 20 s: 1 s between pieces, more than this client's 50 ms idle timeout.
        self.add_faults({"path": self.ORGS, "action": "slow_body", "delay_ms": 20000})
        self.sim.admin("POST", "/__admin/requests/clear")
        conn = self.sim.connect()
        try:
            conn.request("GET", self.ORGS, headers={"Authorization": f"Bearer {TOKEN}"})
            response = conn.getresponse()
            self.assertEqual(response.status, 200)
            # The headers came at once: the client has them while the server still sends the body.
            self.assertIsNone(self.sim.log()["requests"][0]["end"], "headers must come at once")
            conn.sock.settimeout(0.05)
            with self.assertRaises((TimeoutError, socket.timeout)):
                response.read()
        finally:
            conn.close()

    def test_slow_body_eventually_completes(self) -> None:
        self.add_faults({"path": self.ORGS, "action": "slow_body", "delay_ms": 400})
        started = time.monotonic()
        reply = self.sim.request("GET", self.ORGS)
        self.assertGreaterEqual(time.monotonic() - started, 0.35)
        self.assertEqual(len(reply.json()), 2)

    def test_delay_before_and_after_processing(self) -> None:
        self.add_faults({"path": self.ORGS, "action": "delay", "delay_ms": 300})
        started = time.monotonic()
        self.assertEqual(self.sim.request("GET", self.ORGS).status, 200)
        self.assertGreaterEqual(time.monotonic() - started, 0.28)
        self.add_faults({"method": "POST", "path": ALERTS, "action": "delay", "delay_ms": 800, "after_process": True})
        conn = self.sim.connect(timeout=0.2)
        with self.assertRaises((TimeoutError, socket.timeout)):
            self.sim.request("POST", ALERTS, {"name": "timed-out"}, conn=conn)
        conn.close()
        self.assertEqual([a["name"] for a in self.alerts()], ["timed-out"])

    def test_json_fault_injects_a_link_header(self) -> None:
        link = "{'<http://evil.example/api/0/organizations/?cursor=x>; rel=\"next\"; results=\"true\"; cursor=\"x\"'}"
        self.add_faults({"path": self.ORGS, "action": "json", "body": "[]", "link": link})
        reply = self.sim.request("GET", self.ORGS)
        self.assertEqual((reply.status, reply.body, reply.headers["Link"]), (200, b"[]", link))

    def test_nth_prefix_and_method_matching(self) -> None:
        self.add_faults({"method": "GET", "path": "/api/0/org", "match": "prefix", "nth": 2, "times": 2,
                         "action": "status", "status": 500})
        statuses = [self.sim.request("GET", self.ORGS).status for _ in range(5)]
        self.assertEqual(statuses, [200, 500, 500, 200, 200])
        self.assertEqual(self.post_alert({"name": "x"}).status, 201)

    def test_page_matching(self) -> None:
        self.load_alerts(7)
        self.add_faults({"path": ALERTS, "page": 2, "action": "status", "status": 503})
        first = self.sim.request("GET", ALERTS + "?limit=3")
        self.assertEqual(first.status, 200)
        next_url = urlsplit(NEXT_LINK.search(first.headers["Link"]).group(1))
        self.assertEqual(self.sim.request("GET", f"{next_url.path}?{next_url.query}").status, 503)
        self.assertEqual(self.sim.request("GET", f"{next_url.path}?{next_url.query}").status, 200)
        faults = self.sim.admin("GET", "/__admin/faults")["faults"]
        self.assertEqual((faults[0]["seen"], faults[0]["fired"]), (2, 1))

    def test_latency_config(self) -> None:
        self.sim.admin("POST", "/__admin/config", {"latency_ms": 200})
        started = time.monotonic()
        self.sim.request("GET", self.ORGS)
        self.assertGreaterEqual(time.monotonic() - started, 0.19)
        # Admin requests are not delayed: with a latency of 10 minutes, one is answered well
        # within the client's 30 s timeout (a deadline, not a measured bound).
        self.sim.admin("POST", "/__admin/config", {"latency_ms": 600000})
        conn = self.sim.connect(timeout=30)
        try:
            self.assertEqual(self.sim.request("GET", "/__admin/state", token=None, conn=conn).status, 200,
                             "admin requests must not be delayed")
        finally:
            conn.close()


class RequestLogTests(SimTestCase):
    def test_keep_alive_100_requests_one_connection(self) -> None:
        # That they do not stall (Nagle: 40 ms each) is a speed, measured by scripts/bench (the
        # simulator's capacity it reports first), not asserted here.
        self.sim.admin("POST", "/__admin/requests/clear")
        conn = self.sim.connect()
        for _ in range(100):
            self.assertEqual(self.sim.request("GET", "/api/0/organizations/", conn=conn).status, 200)
        conn.close()
        log = self.sim.log()
        self.assertEqual((len(log["requests"]), log["connections"], log["peak_in_flight"]), (100, 1, 1))
        self.assertEqual({r["connection"] for r in log["requests"]}, {log["requests"][0]["connection"]})

    def test_entries(self) -> None:
        self.sim.admin("POST", "/__admin/requests/clear")
        self.sim.request("GET", "/api/0/organizations/?limit=5")
        entry = self.sim.log()["requests"][0]
        self.assertEqual({k: entry[k] for k in ("seq", "method", "path", "query", "status", "in_flight")},
                         {"seq": entry["seq"], "method": "GET", "path": "/api/0/organizations/",
                          "query": "limit=5", "status": 200, "in_flight": 1})
        self.assertLessEqual(entry["start"], entry["end"])

    def test_monotonic_received_and_answered(self) -> None:
        """`received` is taken after the request arrived, `answered` before the first byte of the
        answer left (both on the monotonic clock the client shares): a client's own wait between
        an answer and its next request is never longer than the log's."""
        self.sim.admin("POST", "/__admin/faults", {"faults": [
            {"path": "/api/0/organizations/", "action": "status", "status": 429, "retry_after": 1, "nth": 1},
            {"path": "/api/0/projects/", "action": "reset", "nth": 1}]})
        self.sim.admin("POST", "/__admin/config", {"latency_ms": 100})
        self.sim.admin("POST", "/__admin/requests/clear")
        sent = time.monotonic()
        self.assertEqual(self.sim.request("GET", "/api/0/organizations/").status, 429)
        seen = time.monotonic()
        time.sleep(0.3)
        again = time.monotonic()
        self.assertEqual(self.sim.request("GET", "/api/0/organizations/").status, 200)
        with self.assertRaises(OSError):
            self.sim.request("GET", "/api/0/projects/")
        log = self.sim.log()
        first, second, reset = log["requests"]
        self.assertLessEqual(sent, first["received"])
        self.assertGreaterEqual(first["answered"] - first["received"], 0.1, "latency comes before the answer")
        self.assertLessEqual(first["answered"], seen)
        self.assertGreaterEqual(second["received"] - first["answered"], again - seen)
        self.assertLessEqual(again, second["received"])
        self.assertIsNone(reset["answered"], "a reset connection got no answer")
        self.assertLessEqual(max(second["answered"], reset["received"]), log["now"])
        self.assertLessEqual(log["now"], time.monotonic())

    def test_peak_in_flight_with_8_concurrent_slow_requests(self) -> None:
        self.sim.admin("POST", "/__admin/faults", {"faults": [
            {"path": "/api/0/organizations/", "action": "delay", "delay_ms": 1000, "times": 0}]})
        self.sim.admin("POST", "/__admin/requests/clear")
        statuses: list[int] = []
        threads = [threading.Thread(target=lambda: statuses.append(
            self.sim.request("GET", "/api/0/organizations/").status)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        log = self.sim.log()
        self.assertEqual(statuses, [200] * 8)
        self.assertEqual((log["peak_in_flight"], log["connections"], len(log["requests"])), (8, 8, 8))
        self.assertEqual(max(r["in_flight"] for r in log["requests"]), 8)


class AdminStateTests(SimTestCase):
    def test_round_trip_with_forced_ids(self) -> None:
        state = {"organizations": [{"name": "My Org!", "projects": [{"name": "Web App", "alerts": [
            {"id": 40, "name": "old", "timespanMinutes": 1, "quantity": 2,
             "alertRecipients": [{"recipientType": "webhook", "url": "HTTPS://Hooks.Example.com"}]},
            {"name": "new", "timespanMinutes": None, "quantity": None, "uptime": True}]}]}]}
        self.sim.admin("POST", "/__admin/state", state)
        dumped = self.sim.admin("GET", "/__admin/state")
        org = dumped["organizations"][0]
        self.assertEqual((org["slug"], org["projects"][0]["slug"]), ("my-org", "web-app"))
        alerts = org["projects"][0]["alerts"]
        self.assertEqual([(a["id"], a["name"]) for a in alerts], [(40, "old"), (1, "new")])
        self.assertEqual(alerts[0]["alertRecipients"][0]["url"], "https://hooks.example.com/")
        self.assertEqual(dumped["tokens"], {TOKEN: self.sim.request("GET", "/api/0/").json()["auth"]["scopes"]})
        self.assertEqual([a["name"] for a in self.alerts("/api/0/projects/my-org/web-app/alerts/")], ["new", "old"])
        self.assertEqual(self.post_alert({"name": "next"}, "/api/0/projects/my-org/web-app/alerts/").json()["id"], 41)

    def test_bad_state_is_400_and_keeps_the_old_state(self) -> None:
        reply = self.sim.request("POST", "/__admin/state", {"organizations": [{"projects": []}]}, token=None)
        self.assertEqual(reply.status, 400)
        self.assertEqual(len(self.sim.admin("GET", "/__admin/state")["organizations"]), 2)

    def test_admin_requests_are_not_logged(self) -> None:
        self.sim.admin("POST", "/__admin/requests/clear")
        self.sim.admin("GET", "/__admin/state")
        self.assertEqual(self.sim.log()["requests"], [])


class VaultTests(SimTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sim.admin("POST", "/__admin/vault", {
            "tokens": ["root"], "approle": {"role_id": "r", "secret_id": "s"},
            "mounts": {"secret": 2, "kv1": 1},
            "secrets": {"kv1/app/token": {"token": "v1-value"},
                        "secret/app/glitchtip": [{"token": "first"}, {"token": "second"}]}})

    def vault(self, path: str, token: Optional[str] = "root", method: str = "GET", body: Any = None) -> Reply:
        headers = {"X-Vault-Token": token} if token else {}
        return self.sim.request(method, path, body, token=None, headers=headers)

    def test_kv1(self) -> None:
        reply = self.vault("/v1/kv1/app/token")
        self.assertEqual(reply.status, 200)
        self.assertEqual((reply.json()["data"], reply.json()["lease_duration"]), ({"token": "v1-value"}, 2764800))
        self.assertEqual((self.vault("/v1/kv1/app/nope").status, self.vault("/v1/kv1/app/nope").json()),
                         (404, {"errors": []}))

    def test_kv2_latest_and_versions(self) -> None:
        latest = self.vault("/v1/secret/data/app/glitchtip").json()["data"]
        self.assertEqual((latest["data"], latest["metadata"]["version"]), ({"token": "second"}, 2))
        first = self.vault("/v1/secret/data/app/glitchtip?version=1").json()["data"]
        self.assertEqual((first["data"], first["metadata"]["version"]), ({"token": "first"}, 1))
        self.assertEqual(self.vault("/v1/secret/data/app/glitchtip?version=3").status, 404)
        self.assertEqual(self.vault("/v1/secret/data/app/nope").status, 404)

    def test_permission_denied(self) -> None:
        for token in (None, "wrong"):
            reply = self.vault("/v1/kv1/app/token", token=token)
            self.assertEqual((reply.status, reply.json()), (403, {"errors": ["permission denied"]}))

    def test_approle_login(self) -> None:
        wrong = self.vault("/v1/auth/approle/login", None, "POST", {"role_id": "r", "secret_id": "x"})
        self.assertEqual((wrong.status, wrong.json()), (400, {"errors": ["invalid role or secret ID"]}))
        login = self.vault("/v1/auth/approle/login", None, "POST", {"role_id": "r", "secret_id": "s"})
        auth = login.json()["auth"]
        self.assertEqual((login.status, auth["lease_duration"], auth["renewable"], auth["policies"]),
                         (200, 3600, True, ["default"]))
        self.assertEqual(self.vault("/v1/kv1/app/token", token=auth["client_token"]).status, 200)

    def test_vault_requests_are_logged(self) -> None:
        self.sim.admin("POST", "/__admin/requests/clear")
        self.vault("/v1/kv1/app/token")
        self.assertEqual([r["path"] for r in self.sim.log()["requests"]], ["/v1/kv1/app/token"])


class VaultWriteTests(SimTestCase):
    """KV v2 writes as Vault makes them: check-and-set, versions, the mount preflight."""

    def setUp(self) -> None:
        super().setUp()
        self.sim.admin("POST", "/__admin/vault", {
            "tokens": ["root"], "mounts": {"secret": 2, "kv1": 1},
            "secrets": {"secret/app/hooks": [{"a": "1"}], "secret/app/gone": [{"a": "1"}, None],
                        "kv1/app/x": {"k": "v"}}})

    def vault(self, path: str, method: str = "GET", body: Any = None, token: str = "root") -> Reply:
        return self.sim.request(method, path, body, token=None, headers={"X-Vault-Token": token})

    def versions(self, path: str) -> Any:
        return self.sim.admin("GET", "/__admin/vault")["secrets"].get(path)

    def test_cas_zero_writes_only_an_absent_secret(self) -> None:
        first = self.vault("/v1/secret/data/app/new", "POST", {"data": {"url": "u"}, "options": {"cas": 0}})
        self.assertEqual((first.status, first.json()["data"]["version"]), (200, 1))
        again = self.vault("/v1/secret/data/app/new", "POST", {"data": {"url": "other"}, "options": {"cas": 0}})
        self.assertEqual((again.status, again.json()),
                         (400, {"errors": ["check-and-set parameter did not match the current version"]}))
        self.assertEqual(self.versions("secret/app/new"), [{"url": "u"}])
        read = self.vault("/v1/secret/data/app/new").json()["data"]
        self.assertEqual((read["data"], read["metadata"]["version"]), ({"url": "u"}, 1))

    def test_cas_n_writes_only_over_version_n(self) -> None:
        stale = self.vault("/v1/secret/data/app/hooks", "PUT", {"data": {"a": "1", "b": "2"}, "options": {"cas": 2}})
        self.assertEqual(stale.status, 400)
        fresh = self.vault("/v1/secret/data/app/hooks", "POST", {"data": {"a": "1", "b": "2"}, "options": {"cas": 1}})
        self.assertEqual((fresh.status, fresh.json()["data"]["version"]), (200, 2))
        self.assertEqual(self.versions("secret/app/hooks"), [{"a": "1"}, {"a": "1", "b": "2"}])
        # Without cas the write is unconditional, as in Vault with cas_required off.
        free = self.vault("/v1/secret/data/app/hooks", "POST", {"data": {"c": "3"}})
        self.assertEqual((free.status, free.json()["data"]["version"]), (200, 3))

    def test_deleted_latest_version_counts_and_reads_404_with_metadata(self) -> None:
        read = self.vault("/v1/secret/data/app/gone")
        self.assertEqual(read.status, 404)
        self.assertEqual((read.json()["data"]["data"], read.json()["data"]["metadata"]["version"]), (None, 2))
        self.assertEqual(self.vault("/v1/secret/data/app/gone", "POST", {"data": {"a": "2"}, "options": {"cas": 0}}).status, 400)
        self.assertEqual(self.vault("/v1/secret/data/app/gone", "POST", {"data": {"a": "2"}, "options": {"cas": 2}}).status, 200)

    def test_refused_writes(self) -> None:
        self.assertEqual(self.vault("/v1/secret/data/app/new", "POST", {"data": {"a": "1"}}, token="wrong").status, 403)
        self.assertEqual(self.vault("/v1/secret/data/app/new", "POST", {"data": "x"}).status, 400)
        self.assertEqual(self.vault("/v1/kv1/app/x", "POST", {"data": {"k": "w"}}).status, 405)
        self.assertIsNone(self.versions("secret/app/new"))

    def test_mount_preflight(self) -> None:
        v2 = self.vault("/v1/sys/internal/ui/mounts/secret/app/hooks")
        self.assertEqual((v2.status, v2.json()["data"]["path"], v2.json()["data"]["type"], v2.json()["data"]["options"]),
                         (200, "secret/", "kv", {"version": "2"}))
        self.assertEqual(self.vault("/v1/sys/internal/ui/mounts/kv1/app/x").json()["data"]["options"], {"version": "1"})
        self.assertEqual(self.vault("/v1/sys/internal/ui/mounts/nope/x").status, 400)
        self.assertEqual(self.vault("/v1/sys/internal/ui/mounts/secret/x", token="wrong").status, 403)

    def test_another_writer_after_a_read_makes_the_cas_fail(self) -> None:
        self.sim.admin("POST", "/__admin/vault", {
            "tokens": ["root"], "mounts": {"secret": 2},
            "writes_after_read": [{"path": "secret/app/new", "data": {"url": "theirs"}}]})
        self.assertEqual(self.vault("/v1/secret/data/app/new").status, 404)
        mine = self.vault("/v1/secret/data/app/new", "POST", {"data": {"url": "mine"}, "options": {"cas": 0}})
        self.assertEqual(mine.status, 400)
        self.assertEqual(self.versions("secret/app/new"), [{"url": "theirs"}])
        self.vault("/v1/secret/data/app/new")   # fired once: a second read changes nothing
        self.assertEqual(self.versions("secret/app/new"), [{"url": "theirs"}])

    def test_reset_after_a_stored_write(self) -> None:
        self.sim.admin("POST", "/__admin/faults", {"faults": [
            {"method": "POST", "path": "/v1/secret/data/app/new", "action": "reset_after"}]})
        with self.assertRaises((ConnectionError, http.client.HTTPException)):
            self.vault("/v1/secret/data/app/new", "POST", {"data": {"url": "u"}, "options": {"cas": 0}})
        self.assertEqual(self.versions("secret/app/new"), [{"url": "u"}])


class GraphQLTests(SimTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sim.admin("POST", "/__admin/graphql", {"token": "gql", "responses": [
            {"match": "glitchtip_instances_v1", "data": {"instances": [{"name": "prod"}]}},
            {"match": "glitchtip_projects_v1", "data": {"projects": []}}]})

    def query(self, text: str, token: Optional[str] = "gql") -> Reply:
        return self.sim.request("POST", "/graphql", {"query": text, "variables": {}}, token=token)

    def test_first_matching_response(self) -> None:
        reply = self.query("query { glitchtip_instances_v1 { name } }")
        self.assertEqual((reply.status, reply.json()), (200, {"data": {"instances": [{"name": "prod"}]}}))
        self.assertEqual(self.query("{ glitchtip_projects_v1 { name } }").json(), {"data": {"projects": []}})

    def test_no_match(self) -> None:
        self.assertEqual(self.query("{ other }").json(), {"errors": [{"message": "no canned response"}]})

    def test_token_required(self) -> None:
        self.assertEqual(self.query("{ glitchtip_instances_v1 }", token=None).status, 401)
        self.assertEqual(self.query("{ glitchtip_instances_v1 }", token="wrong").status, 401)


class CommandLineTests(unittest.TestCase):
    def test_state_file_tokens_page_size_and_sigterm(self) -> None:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump({"organizations": [{"name": n} for n in ("A", "B", "C")]}, handle)
        sim = SimProcess("--state", handle.name, "--token", "t1", "--token", "t2", "--page-size", "2",
                         "--put-mode", "4x", "--latency-ms", "0", "--quiet")
        try:
            self.assertEqual(sim.request("GET", "/api/0/organizations/", token=TOKEN).status, 401)
            pages = [len(sim.request("GET", "/api/0/organizations/", token="t2").json())]
            self.assertEqual(pages, [2])
            self.assertEqual(sim.admin("GET", "/__admin/config")["put_mode"], "4x")
            sim.proc.send_signal(signal.SIGTERM)
            self.assertEqual(sim.proc.wait(timeout=5), 0)
        finally:
            sim.stop()
            os.unlink(handle.name)

    def test_signals_blocked_by_the_parent_are_unblocked(self) -> None:
        sim = SimProcess(preexec_fn=lambda: signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM}))
        try:
            sim.proc.send_signal(signal.SIGTERM)
            self.assertEqual(sim.proc.wait(timeout=5), 0)
        finally:
            sim.stop()

    def test_sigint_exits_cleanly_and_stdout_has_only_the_port(self) -> None:
        sim = SimProcess()
        try:
            sim.request("GET", "/api/0/organizations/")
            sim.proc.send_signal(signal.SIGINT)
            self.assertEqual(sim.proc.wait(timeout=5), 0)
            self.assertEqual(sim.proc.stdout.read(), b"")
        finally:
            sim.stop()


if __name__ == "__main__":
    unittest.main()
