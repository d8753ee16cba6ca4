"""The 2,000-character recipient URL column, as a real GlitchTip 5.x behaves (issue 10, item 8).

``AlertRecipient.url`` is ``URLField(max_length=2000)`` (varchar(2000)); the request schema's
``HttpUrl`` allows 2,083. A URL of 2,001–2,083 characters passes the schema and fails the
recipient insert: HTML 500. The views write without a transaction, so:

* POST: the alert row is already stored and stays, with no recipients (seen on a real 5.x).
* PUT (our assumption, from the view's order of writes: save the scalars, get-or-create each
  recipient in order, then delete the ones not listed): the scalars are saved, recipients
  before the long one are created, the old recipients are not deleted; every later PUT of the
  same body fails the same way, so a client that keeps sending it never converges.

Run from the repository root:
    python3 -m unittest discover -s Tests/Simulator -p 'test_*.py'
"""

from __future__ import annotations

import unittest

from test_glitchtip_sim import ALERTS, SimTestCase

BASE = "https://hooks.example.com/"


def url(length: int) -> str:
    return BASE + "x" * (length - len(BASE))


def webhook(length: int) -> dict:
    return {"recipientType": "webhook", "url": url(length)}


class URLLimitTest(SimTestCase):
    def listed(self) -> list:
        return [(a["name"], a["quantity"], sorted(r["url"] for r in a["alertRecipients"])) for a in self.alerts()]

    def test_post_with_2000_characters_is_stored(self) -> None:
        reply = self.post_alert({"name": "ok", "quantity": 1, "timespanMinutes": 1, "alertRecipients": [webhook(2000)]})
        self.assertEqual(reply.status, 201)
        self.assertEqual(self.listed(), [("ok", 1, [url(2000)])])

    def test_post_with_2001_characters_is_500_and_leaves_the_alert_without_recipients(self) -> None:
        reply = self.post_alert({"name": "long", "quantity": 1, "timespanMinutes": 1, "alertRecipients": [
            {"recipientType": "email", "url": ""}, webhook(2001)]})
        self.assertEqual((reply.status, reply.content_type), (500, "text/html; charset=utf-8"))
        self.assertIn(b"<title>Server Error (500)</title>", reply.body)
        self.assertEqual(self.listed(), [("long", 1, [])])

    def test_the_column_counts_the_stored_normalised_url(self) -> None:
        # 1,990 characters sent, 2,008 stored once the spaces are percent-encoded.
        sent = BASE + " " * 9 + "x" * (1990 - len(BASE) - 9)
        reply = self.post_alert({"name": "spaces", "quantity": 1, "timespanMinutes": 1, "alertRecipients": [
            {"recipientType": "webhook", "url": sent}]})
        self.assertEqual(reply.status, 500)
        self.assertEqual(self.listed(), [("spaces", 1, [])])

    def test_beyond_the_schema_limit_is_422_and_creates_nothing(self) -> None:
        reply = self.post_alert({"name": "huge", "quantity": 1, "timespanMinutes": 1, "alertRecipients": [webhook(2084)]})
        self.assertEqual(reply.status, 422)
        self.assertEqual(reply.json()["detail"][0]["type"], "url_too_long")
        self.assertEqual(self.alerts(), [])

    def test_put_with_2001_characters_is_500_saves_the_scalars_and_never_converges(self) -> None:
        created = self.post_alert({"name": "a", "quantity": 1, "timespanMinutes": 1, "alertRecipients": [
            {"recipientType": "webhook", "url": BASE + "old"}]}).json()
        body = {"name": "a", "quantity": 5, "timespanMinutes": 1, "alertRecipients": [
            {"recipientType": "webhook", "url": BASE + "new"}, webhook(2001)]}
        for _ in range(2):
            reply = self.sim.request("PUT", f"{ALERTS}{created['id']}/", body)
            self.assertEqual((reply.status, reply.content_type), (500, "text/html; charset=utf-8"))
            # Scalars saved; the new short recipient created, the old one not deleted; the
            # long one never stored.
            self.assertEqual(self.listed(), [("a", 5, [BASE + "new", BASE + "old"])])


if __name__ == "__main__":
    unittest.main()
