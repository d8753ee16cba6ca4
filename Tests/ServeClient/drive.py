#!/usr/bin/env python3
"""A reconcile client for gt-serve that behaves as qontract-reconcile's
glitchtip-project-alerts-api integration does (README "Drop-in for qontract-api"): it builds the
request with the client's models, POSTs it with ``Authorization: Bearer``, then GETs the path of
``status_url`` with ``?timeout=300``, and parses every answer with the models
(client_models.py), failing on any answer the generated client would refuse.

  drive.py request [--no-dry-run] [--secret-manager-url URL] < desired.ndjson > request.json
      the request for the desired state gt-desired wrote (what the client builds from
      App-Interface: the same instances, organizations, projects and alerts)
  drive.py reconcile --server URL [--timeout N] [--gzip] [--wait] request.json
      POST, then (dry run, or --wait) GET the result; one JSON line per answer on stdout;
      exits 1 as the client does: a result still pending or with errors
  drive.py call --server URL METHOD PATH [--body FILE] [--gzip] [--header 'Name: value']
      one request; its answer as one JSON line ({"status", "model", "body", "headers"})

The token comes from GT_SERVE_TOKEN (the client's ``qontract-api.token``); without it no
Authorization header is sent. Only the standard library speaks HTTP. Exit 3: an answer the
models refuse (the message says which field).
"""
import argparse
import gzip
import http.client
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import client_models as models  # noqa: E402
from pydantic import ValidationError  # noqa: E402

RECONCILE = "/api/v1/integrations/glitchtip-project-alerts/reconcile"


class RefusedAnswer(Exception):
    """An answer the client's models do not accept."""


def request_from_desired(lines, dry_run=True, secret_manager_url="https://vault.example.com"):
    """The request model for a desired stream (docs/streams.md): instance records, then
    project records sorted by instance, organization and project."""
    instances = {}
    organizations = {}
    header = end = None
    for number, line in enumerate(lines, 1):
        record = json.loads(line)
        kind = record.get("kind")
        if end is not None:
            raise SystemExit(f"drive.py: desired stream, line {number}: data after the trailer")
        if header is None:
            if kind != "header" or record.get("stream") != "desired" or record.get("version") != 1:
                raise SystemExit("drive.py: desired stream, line 1: not the header of a desired stream, version 1")
            header = record
        elif kind == "end":
            end = record
        elif kind == "instance":
            token = record["token"]
            instances[record["name"]] = models.GlitchtipInstance(
                name=record["name"], console_url=record["console_url"],
                token=models.Secret(secret_manager_url=secret_manager_url, path=token["path"], field=token.get("field"),
                                    version=token.get("version")),
                read_timeout=record.get("read_timeout") or 30, max_retries=record.get("max_retries") or 3)
        elif kind == "project":
            instance = instances[record["instance"]]
            key = (record["instance"], record["organization"])
            if key not in organizations:
                organizations[key] = models.GlitchtipOrganization(name=record["organization"])
                instance.organizations.append(organizations[key])
            organizations[key].projects.append(models.GlitchtipProject(
                name=record["name"], slug=record["project"],
                alerts=[models.GlitchtipProjectAlert(
                    name=alert["name"], timespan_minutes=alert["timespan_minutes"], quantity=alert["quantity"],
                    recipients=[models.GlitchtipProjectAlertRecipient(recipient_type=r["recipient_type"], url=r.get("url") or "")
                                for r in alert["recipients"]])
                    for alert in record["alerts"]]))
        elif kind == "error":
            raise SystemExit(f"drive.py: the desired stream has an error record: {record.get('message', '')}")
    # Nothing is sent for a desired state that is not whole (a gt-desired that failed part way).
    if end is None or end.get("complete") is not True or end.get("stream") != "desired":
        raise SystemExit("drive.py: the desired stream is not complete (no trailer, or complete: false): nothing sent")
    return models.GlitchtipProjectAlertsReconcileRequest(instances=list(instances.values()), dry_run=dry_run)


class Client:
    """One server, one token: the generated client's ``base_url`` and ``headers``."""

    def __init__(self, server, token=None, headers=(), timeout=None):
        parsed = urllib.parse.urlsplit(server)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.token = token
        self.headers = list(headers)
        self.timeout = timeout

    def call(self, method, path, body=None, compress=False, headers=()):
        """(status, model name or None, parsed answer, response headers); RefusedAnswer when
        the model for the status does not accept the body."""
        sent = {"Accept": "application/json"}
        if self.token is not None:
            sent["Authorization"] = f"Bearer {self.token}"
        for name, value in self.headers + list(headers):
            sent[name] = value
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
            if compress:
                data = gzip.compress(data)
                sent["Content-Encoding"] = "gzip"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=data, headers=sent)
            response = connection.getresponse()
            raw = response.read()
            answer_headers = {name.lower(): value for name, value in response.getheaders()}
        finally:
            connection.close()
        model = models.answer_model(method, urllib.parse.urlsplit(path).path, response.status)
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError as error:
            raise RefusedAnswer(f"{method} {path}: {response.status} with a body that is not JSON: {error}") from None
        if model is not None:
            try:
                parsed = model.model_validate(parsed).model_dump(mode="json")
            except ValidationError as error:
                raise RefusedAnswer(f"{method} {path}: {response.status} answer refused by {model.__name__}: {error}") from None
        return response.status, model.__name__ if model else None, parsed, answer_headers

    def reconcile(self, request, timeout=300, compress=False, wait=None):
        """The client's flow: POST the request; then, for a dry run (or ``wait``), GET the path
        of ``status_url`` with ``?timeout=``. Yields each answer as (step, status, model, body)."""
        body = request.model_dump(mode="json")
        status, model, task, _ = self.call("POST", RECONCILE, body, compress=compress)
        yield "post", status, model, task
        if status != 202 or not (request.dry_run if wait is None else wait):
            return
        path = urllib.parse.urlsplit(task["status_url"]).path
        status, model, result, _ = self.call("GET", f"{path}?timeout={timeout}")
        yield "get", status, model, result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("request")
    build.add_argument("--no-dry-run", action="store_true")
    build.add_argument("--secret-manager-url", default=os.environ.get("VAULT_ADDR") or "https://vault.example.com")
    run = commands.add_parser("reconcile")
    run.add_argument("request")
    run.add_argument("--timeout", type=int, default=300)
    run.add_argument("--wait", action="store_true", help="GET the result of an apply too")
    one = commands.add_parser("call")
    one.add_argument("method")
    one.add_argument("path")
    one.add_argument("--body", help="a file: sent as it is (a request that breaks the model, say)")
    for command in (run, one):
        command.add_argument("--server", required=True)
        command.add_argument("--gzip", action="store_true", help="send the body gzip-compressed")
        command.add_argument("--header", action="append", default=[], help="'Name: value', sent too")
    args = parser.parse_args()

    if args.command == "request":
        request = request_from_desired(sys.stdin, dry_run=not args.no_dry_run, secret_manager_url=args.secret_manager_url)
        json.dump(request.model_dump(mode="json"), sys.stdout, separators=(",", ":"))
        print()
        return 0

    if any(":" not in header for header in args.header):
        parser.error("--header takes 'Name: value'")
    headers = [tuple(part.strip() for part in header.split(":", 1)) for header in args.header]
    client = Client(args.server, os.environ.get("GT_SERVE_TOKEN"), headers)
    try:
        if args.command == "call":
            body = open(args.body, "rb").read() if args.body else None
            status, model, parsed, answer_headers = client.call(args.method, args.path, body, compress=args.gzip)
            print(json.dumps({"status": status, "model": model, "body": parsed, "headers": answer_headers}, sort_keys=True))
            return 0
        with open(args.request, encoding="utf-8") as f:
            request = models.GlitchtipProjectAlertsReconcileRequest.model_validate_json(f.read())
        last = None
        for step, status, model, body in client.reconcile(request, timeout=args.timeout, compress=args.gzip, wait=args.wait or None):
            print(json.dumps({"step": step, "status": status, "model": model, "body": body}, sort_keys=True), flush=True)
            last = (step, status, body)
        step, status, body = last
        if step == "post":
            return 0 if status == 202 else 1
        # As the client: still pending, or errors, is a failed run.
        return 0 if status == 200 and body["status"] != "pending" and not body["errors"] else 1
    except RefusedAnswer as error:
        print(f"drive.py: {error}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
