#!/usr/bin/env python3
"""A GlitchTip REST API simulator for gt's end-to-end tests, demo and benchmark.

One process, one port (127.0.0.1 only), four faces:

* ``/api/0/...``  GlitchTip's organisation, project and project-alert endpoints;
* ``/v1/...``     a Vault subset (KV v1, KV v2 with versions and check-and-set writes, AppRole login);
* ``/graphql``    a qontract-server stand-in answering canned GraphQL responses;
* ``/__admin/...`` an unauthenticated control API: load state, inject faults, read the request log.

Why a simulator and not a mock: gt must survive the *real* server, and the real server is odd.
Everything below copies behaviour observed on GlitchTip 5.x and 4.2.10
(``docs/glitchtip.md``), not an idealised REST API:

* the ``Link`` header is the ``str()`` of a Python *set* (``{'<url>; rel="next"; ...'}``), because
  the backend assigns a set literal to the header; cursors are Django-REST-style position cursors;
* paths without their trailing slash fall into the single-page-app catch-all: ``200 text/html``
  for GETs, ``403`` CSRF pages for writes, a ``301`` for ``/api/0/organizations``;
* listing the alerts of a project that does not exist is ``200 []``;
* many bad inputs are not 422s but database errors, i.e. an HTML ``500``, and a POST is not
  atomic: the alert row is inserted before its recipients, so a failing recipient insert leaves an
  orphan alert behind; Postgres sequences advance even for rows that failed;
* the PUT of 5.x assigns only the scalar fields present in the body, 4.x resets omitted ones, and
  both delete every recipient that is not in the body (omitted ``alertRecipients`` means ``[]``);
* webhook URLs are normalised by pydantic's ``HttpUrl`` before they are stored;
* ``--dialect drf`` imitates GlitchTip <= 4.0.9 (``pk``, ``timespan_minutes``, plain Link, 400s).

Faults (status codes, resets, truncated or trickling bodies, delays, forged Link headers) are
injected per request through the admin API, and every non-admin request is logged with its TCP
connection id and the number of requests in flight, so tests can assert keep-alive reuse and
concurrency bounds without trusting wall clocks. See README.md next to this file.
"""

from __future__ import annotations

import argparse
import base64
import copy
import datetime
import http
import ipaddress
import json
import os
import re
import signal
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time
import traceback
import unicodedata
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional
from urllib.parse import parse_qs, unquote, urlencode, urlsplit, urlunsplit

# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------

JSON_CT = "application/json; charset=utf-8"
HTML_CT = "text/html; charset=utf-8"

ALL_SCOPES = [
    "project:read", "project:write", "project:admin", "project:releases",
    "team:read", "team:write", "team:admin",
    "event:read", "event:write", "event:admin",
    "org:read", "org:write", "org:admin",
    "member:read", "member:write", "member:admin",
]
DEFAULT_TOKEN = "sim-token"

RECIPIENT_TYPES = ("email", "webhook", "discord", "googlechat")
SMALLINT_MIN, SMALLINT_MAX = -32768, 32767
NAME_MAX = 255            # ProjectAlert.name is varchar(255)
URL_DB_MAX = 2000         # AlertRecipient.url is varchar(2000)
URL_PYDANTIC_MAX = 2083   # HttpUrl's own limit, checked before the database sees anything
MAX_HITS = 1000
MAX_PAGE_SIZE = 100
OFFSET_CUTOFF = 100       # the cursor paginator clamps offsets to protect the database
REQUEST_LOG_MAX = 100_000

SERVER_ERROR_HTML = ("<html><head><title>Server Error (500)</title></head>"
                     "<body><h1>Server Error (500)</h1></body></html>")
SPA_HTML = ('<!doctype html><html><head><meta charset="utf-8"><title>GlitchTip</title>'
            '<base href="/"></head><body><app-root></app-root></body></html>')
CSRF_HTML = ('<!DOCTYPE html><html lang="en"><head><meta http-equiv="content-type" '
             'content="text/html; charset=utf-8"><meta name="robots" content="NONE,NOARCHIVE">'
             '<title>403 Forbidden</title></head><body><div id="summary"><h1>Forbidden '
             '<span>(403)</span></h1><p>CSRF verification failed. Request aborted.</p></div>'
             '</body></html>')
NOT_FOUND_HTML = ('<!doctype html><html lang="en"><head><title>Not Found</title></head><body>'
                  '<h1>Not Found</h1><p>The requested resource was not found on this server.</p>'
                  '</body></html>')


def iso_now() -> str:
    """The timestamp style of GlitchTip's JSON (``2026-11-29T13:33:48.735Z``)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


# --------------------------------------------------------------------------------------------
# URL normalisation (pydantic HttpUrl, i.e. the WHATWG URL parser of the Rust `url` crate)
# --------------------------------------------------------------------------------------------

class UrlError(ValueError):
    """A URL that pydantic's HttpUrl rejects; ``type``/``msg``/``ctx`` are pydantic's."""

    def __init__(self, type_: str, msg: str, ctx: Optional[dict] = None):
        super().__init__(msg)
        self.type, self.msg, self.ctx = type_, msg, ctx


def _url_parsing(error: str) -> UrlError:
    return UrlError("url_parsing", f"Input should be a valid URL, {error}", {"error": error})


# WHATWG percent-encode sets (beyond C0 controls and non-ASCII, which are always encoded).
_FRAGMENT_SET = frozenset(' "<>`')
_QUERY_SET = frozenset(' "#<>\'')          # the "special-query" set of http(s)
_PATH_SET = frozenset(' "#<>?`{}')
_USERINFO_SET = _PATH_SET | frozenset('/:;=@[\\]^|')
_FORBIDDEN_HOST = frozenset(' #%/:<>?@[\\]^|')
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _percent_encode(text: str, encode_set: frozenset) -> str:
    out = []
    for ch in text:
        if ch in encode_set or ord(ch) < 0x20 or ord(ch) >= 0x7F:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass")))
        else:
            out.append(ch)
    return "".join(out)


def _normalize_path(path: str) -> str:
    """Resolve dot segments and percent-encode; an empty path becomes ``/``."""
    if not path:
        return "/"
    segments = path.split("/")[1:]
    out: list[str] = []
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        lowered = segment.lower()
        if lowered in ("..", ".%2e", "%2e.", "%2e%2e"):
            if out:
                out.pop()
            if last:
                out.append("")
        elif lowered in (".", "%2e"):
            if last:
                out.append("")
        else:
            out.append(_percent_encode(segment, _PATH_SET))
    return "/" + "/".join(out)


def _split_host_port(hostport: str) -> tuple[str, str]:
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0:
            raise _url_parsing("invalid IPv6 address")
        host, rest = hostport[:end + 1], hostport[end + 1:]
        if rest and not rest.startswith(":"):
            raise _url_parsing("invalid port number")
        return host, rest[1:]
    host, _, port = hostport.partition(":")
    return host, port


def _ipv4_number(part: str) -> Optional[int]:
    """WHATWG's "IPv4 number parser": decimal, ``0x`` hex or leading-zero octal; None if not one."""
    radix = 10
    if len(part) >= 2 and part[:2] in ("0x", "0X"):
        part, radix = part[2:], 16
    elif len(part) >= 2 and part[0] == "0":
        part, radix = part[1:], 8
    if part == "":
        return 0
    digits = {10: "0123456789", 16: "0123456789abcdefABCDEF", 8: "01234567"}[radix]
    return int(part, radix) if all(ch in digits for ch in part) else None


def _ends_in_a_number(host: str) -> bool:
    parts = host.split(".")
    if parts[-1] == "":
        if len(parts) == 1:
            return False
        parts.pop()
    last = parts[-1]
    if last and all(ch in "0123456789" for ch in last):
        return True
    return last != "" and _ipv4_number(last) is not None


def _parse_ipv4(host: str) -> str:
    """WHATWG's IPv4 parser (``1.2.3`` is ``1.2.0.3``, ``0x7f.1`` is ``127.0.0.1``), serialised."""
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    numbers = [_ipv4_number(part) if part else None for part in parts]
    if len(parts) > 4 or any(n is None for n in numbers) or any(n > 255 for n in numbers[:-1]) \
            or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise _url_parsing("invalid IPv4 address")
    address = numbers[-1] + sum(n * 256 ** (3 - i) for i, n in enumerate(numbers[:-1]))
    return ".".join(str((address >> (8 * (3 - i))) & 255) for i in range(4))


# IDNA 2008 / UTS #46 keeps these (or refuses the joiners) where Python's IDNA 2003 codec maps
# them away: a host holding one is refused rather than stored differently from GlitchTip.
_IDNA_DEVIATIONS = frozenset("\u00df\u03c2\u200c\u200d")


def _normalize_host(host: str) -> str:
    if host.startswith("["):
        try:
            return "[" + ipaddress.IPv6Address(host[1:-1]).compressed + "]"
        except ValueError:
            raise _url_parsing("invalid IPv6 address") from None
    host = unquote(host)
    if not host:
        raise _url_parsing("empty host")
    if not host.isascii():
        if any(ch in _IDNA_DEVIATIONS for ch in host):
            raise _url_parsing("invalid international domain name (not simulated)")
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise _url_parsing("invalid international domain name") from None
    host = host.lower()
    for label in host.split("."):
        if label.startswith("xn--"):
            _check_punycode_label(label)
    if any(ch in _FORBIDDEN_HOST or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in host):
        raise _url_parsing("invalid domain character")
    if _ends_in_a_number(host):
        return _parse_ipv4(host)
    return host


def _check_punycode_label(label: str) -> None:
    """An ``xn--`` label must be the IDNA form of a non-ASCII label (UTS #46, step 4.1)."""
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
        valid = not decoded.isascii() and decoded.encode("idna").decode("ascii") == label
    except (UnicodeError, ValueError):
        valid = False
    if not valid:
        raise _url_parsing("invalid international domain name")


def _normalize_port(port: str, scheme: str) -> Optional[int]:
    if port == "":
        return None
    if not port.isdigit() or int(port) > 65535:
        raise _url_parsing("invalid port number")
    number = int(port)
    return None if number == _DEFAULT_PORTS[scheme] else number


def normalize_http_url(raw: str) -> str:
    """Return ``raw`` as pydantic's ``HttpUrl`` would store it, or raise :class:`UrlError`.

    Lower-cases scheme and host, drops the default port, turns an empty path into ``/``,
    percent-encodes spaces and non-ASCII (UTF-8, upper-case hex) and keeps userinfo, query
    and fragment. GlitchTip stores this form, so a client comparing URLs must produce it too.
    """
    if len(raw) > URL_PYDANTIC_MAX:
        raise UrlError("url_too_long", f"URL should have at most {URL_PYDANTIC_MAX} characters",
                       {"max_length": URL_PYDANTIC_MAX})
    text = re.sub(r"[\t\n\r]", "", raw.strip("".join(chr(i) for i in range(0x21))))
    if not text:
        raise _url_parsing("input is empty")
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", text)
    if not match:
        raise _url_parsing("relative URL without a base")
    scheme = match.group(1).lower()
    if scheme not in _DEFAULT_PORTS:
        raise UrlError("url_scheme", "URL scheme should be 'http' or 'https'",
                       {"expected_schemes": "'http' or 'https'"})
    rest = text[match.end():].lstrip("/\\")
    end = min([i for i in (rest.find("/"), rest.find("\\"), rest.find("?"), rest.find("#")) if i >= 0] or [len(rest)])
    authority, tail = rest[:end], rest[end:]
    userinfo, _, hostport = authority.rpartition("@") if "@" in authority else ("", "", authority)
    host, port = _split_host_port(hostport)
    host = _normalize_host(host)
    port_number = _normalize_port(port, scheme)
    tail, hash_sign, fragment = tail.partition("#")
    tail, question_mark, query = tail.partition("?")
    tail = tail.replace("\\", "/")  # a path separator in http(s) URLs, kept in query and fragment
    out = scheme + "://"
    user, colon, password = userinfo.partition(":")
    if user or password:
        out += _percent_encode(user, _USERINFO_SET)
        out += (":" + _percent_encode(password, _USERINFO_SET)) if password else ""
        out += "@"
    out += host + (f":{port_number}" if port_number is not None else "") + _normalize_path(tail)
    if question_mark:
        out += "?" + _percent_encode(query, _QUERY_SET)
    if hash_sign:
        out += "#" + _percent_encode(fragment, _FRAGMENT_SET)
    return out


def slugify(value: str) -> str:
    """Django's ``slugify``: the slug GlitchTip derives from an organisation or project name."""
    value = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value.lower())
    return re.sub(r"[-\s]+", "-", value).strip("-_")


# --------------------------------------------------------------------------------------------
# Alert input validation (pydantic/ninja errors, with the DRF-era wording on the side)
# --------------------------------------------------------------------------------------------

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()

_DRF_INT = "A valid integer is required."
_DRF_BOOL = "Must be a valid boolean."
_DRF_URL = "Enter a valid URL."
_DISCRIMINATOR = "'recipient_type' | 'recipientType'"
_EXPECTED_TAGS = ("RecipientType.EMAIL, RecipientType.DISCORD, "
                  "RecipientType.GENERAL_WEBHOOK, RecipientType.GOOGLE_CHAT")
# DRF serializer field names (GlitchTip <= 4.0.9) for the ninja aliases.
_DRF_FIELD = {"timespanMinutes": "timespan_minutes"}


@dataclass
class Issue:
    """One validation error: pydantic's ``type``/``loc``/``msg``/``ctx`` plus the DRF message."""
    type: str
    loc: tuple
    msg: str
    ctx: Optional[dict] = None
    drf: str = ""


@dataclass
class AlertInput:
    """A validated alert body.

    ``scalars`` holds only the fields present in the body (5.x's ``exclude_unset``);
    ``recipients`` is a list of ``(type, url)``, ``None`` for an explicit null, or MISSING.
    """
    scalars: dict
    recipients: Any


def _lookup(obj: dict, alias: str, name: str) -> tuple[bool, Any]:
    """CamelSchema input: the camelCase alias wins, the snake_case name is accepted too."""
    if alias in obj:
        return True, obj[alias]
    if name in obj:
        return True, obj[name]
    return False, None


def _coerce_int(value: Any, loc: tuple) -> tuple[Any, Optional[Issue]]:
    """pydantic's lax ``Optional[int]``."""
    if value is None or isinstance(value, int):
        return (int(value) if value is not None else None), None
    if isinstance(value, float):
        if value.is_integer():
            return int(value), None
        return None, Issue("int_from_float", loc,
                           "Input should be a valid integer, got a number with a fractional part",
                           drf=_DRF_INT)
    if isinstance(value, str):
        if re.fullmatch(r"\s*[+-]?\d+\s*", value):
            return int(value), None
        return None, Issue("int_parsing", loc,
                           "Input should be a valid integer, unable to parse string as an integer",
                           drf=_DRF_INT)
    return None, Issue("int_type", loc, "Input should be a valid integer", drf=_DRF_INT)


def _coerce_bool(value: Any, loc: tuple) -> tuple[Any, Optional[Issue]]:
    """pydantic's lax ``bool`` (``"yes"``, ``1`` ... are accepted, ``null`` is not)."""
    if isinstance(value, bool):
        return value, None
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value), None
    if isinstance(value, str):
        lowered = value.lower()
        if lowered in ("1", "on", "t", "true", "y", "yes"):
            return True, None
        if lowered in ("0", "off", "f", "false", "n", "no"):
            return False, None
    if isinstance(value, (str, int, float)):
        return None, Issue("bool_parsing", loc,
                           "Input should be a valid boolean, unable to interpret input", drf=_DRF_BOOL)
    return None, Issue("bool_type", loc, "Input should be a valid boolean", drf=_DRF_BOOL)


def _url_issue(error: UrlError, loc: tuple) -> Issue:
    return Issue(error.type, loc, error.msg, error.ctx, drf=_DRF_URL)


def _validate_email_url(present: bool, url: Any, base: tuple, issues: list) -> Any:
    """Email recipients accept ``""`` (the default), null (a later NOT NULL 500) or an http URL."""
    if not present or url == "":
        return ""
    if url is None:
        return None
    loc = base + ("email", "url")
    if isinstance(url, str):
        try:
            return normalize_http_url(url)
        except UrlError as error:
            issues.append(_url_issue(error, loc + ("function-wrap[wrap_val()]",)))
    else:
        issues.append(Issue("url_type", loc + ("function-wrap[wrap_val()]",),
                            "URL input should be a string or URL", drf=_DRF_URL))
    issues.append(Issue("literal_error", loc + ("literal['']",), "Input should be ''",
                        {"expected": "''"}, drf=_DRF_URL))
    return MISSING


def _validate_webhook_url(rtype: str, present: bool, url: Any, base: tuple, issues: list) -> Any:
    loc = base + (rtype, "url")
    if not present:
        issues.append(Issue("missing", loc, "Field required", drf="This field is required."))
    elif not isinstance(url, str):
        issues.append(Issue("url_type", loc, "URL input should be a string or URL", drf=_DRF_URL))
    else:
        try:
            return normalize_http_url(url)
        except UrlError as error:
            issues.append(_url_issue(error, loc))
    return MISSING


def _validate_recipient(item: Any, index: int, issues: list) -> Any:
    """One element of ``alertRecipients``: a union discriminated by ``recipientType``."""
    base = ("alertRecipients", index)
    present, rtype = _lookup(item, "recipientType", "recipient_type") if isinstance(item, dict) \
        else (False, None)
    if not present:
        issues.append(Issue("union_tag_not_found", base,
                            f"Unable to extract tag using discriminator {_DISCRIMINATOR}",
                            {"discriminator": _DISCRIMINATOR}, drf="This field is required."))
        return MISSING
    if rtype not in RECIPIENT_TYPES:
        tag = rtype if isinstance(rtype, str) else json.dumps(rtype)
        issues.append(Issue(
            "union_tag_invalid", base,
            f"Input tag '{tag}' found using {_DISCRIMINATOR} does not match any of the "
            f"expected tags: {_EXPECTED_TAGS}",
            {"discriminator": _DISCRIMINATOR, "tag": tag, "expected_tags": _EXPECTED_TAGS},
            drf=f'"{tag}" is not a valid choice.'))
        return MISSING
    # tagsToAdd (5.1+) is accepted and write-only: never stored, never returned.
    present, url = _lookup(item, "url", "url")
    if rtype == "email":
        url = _validate_email_url(present, url, base, issues)
    else:
        url = _validate_webhook_url(rtype, present, url, base, issues)
    return MISSING if url is MISSING else (rtype, url)


def _validate_name(payload: dict, name_nullable: bool, scalars: dict, issues: list) -> None:
    present, value = _lookup(payload, "name", "name")
    if not present:
        return
    if isinstance(value, str) or (value is None and name_nullable):
        scalars["name"] = value
    else:
        issues.append(Issue("string_type", ("name",), "Input should be a valid string",
                            drf="This field may not be null." if value is None else "Not a valid string."))


def _store_coerced(scalars: dict, issues: list, name: str, value: Any, issue: Optional[Issue]) -> None:
    if issue:
        issues.append(issue)
    else:
        scalars[name] = value


def validate_alert(payload: Any, *, name_nullable: bool) -> tuple[Optional[AlertInput], list[Issue]]:
    """Validate an alert body like GlitchTip's ``ProjectAlertIn`` (field order = error order).

    ``name_nullable``: 5.x lets ``name: null`` through validation (then the INSERT fails with
    a 500); 4.x rejects it with a 422 and the DRF era with a 400.
    """
    if not isinstance(payload, dict):
        kind = type(payload).__name__
        return None, [Issue("model_attributes_type", (),
                            "Input should be a valid dictionary or object to extract fields from",
                            drf=f"Invalid data. Expected a dictionary, but got {kind}.")]
    issues: list[Issue] = []
    scalars: dict = {}
    _validate_name(payload, name_nullable, scalars, issues)
    for alias, name in (("timespanMinutes", "timespan_minutes"), ("quantity", "quantity")):
        present, value = _lookup(payload, alias, name)
        if present:
            _store_coerced(scalars, issues, name, *_coerce_int(value, (alias,)))
    present, value = _lookup(payload, "uptime", "uptime")
    if present:
        _store_coerced(scalars, issues, "uptime", *_coerce_bool(value, ("uptime",)))
    present, value = _lookup(payload, "alertRecipients", "alert_recipients")
    recipients: Any = MISSING if not present else None
    if present and value is not None:
        if isinstance(value, list):
            recipients = [_validate_recipient(item, i, issues) for i, item in enumerate(value)]
        else:
            issues.append(Issue("list_type", ("alertRecipients",), "Input should be a valid list",
                                drf=f'Expected a list of items but got type "{type(value).__name__}".'))
    if issues:
        return None, issues
    return AlertInput(scalars, recipients), []


def ninja_error_body(issues: list[Issue], prefix: tuple = ("body", "payload")) -> dict:
    detail = []
    for issue in issues:
        entry: dict = {"type": issue.type, "loc": [*prefix, *issue.loc], "msg": issue.msg}
        if issue.ctx is not None:
            entry["ctx"] = issue.ctx
        detail.append(entry)
    return {"detail": detail}


def drf_error_body(issues: list[Issue], payload: Any) -> dict:
    """DRF's ``{"field": ["message"]}``; nested serializers give one dict per list item."""
    out: dict = {}
    raw_recipients = payload.get("alertRecipients", payload.get("alert_recipients")) \
        if isinstance(payload, dict) else None
    count = len(raw_recipients) if isinstance(raw_recipients, list) else 0
    for issue in issues:
        if not issue.loc:
            key, target = "non_field_errors", out
        elif issue.loc[0] == "alertRecipients" and len(issue.loc) > 1:
            items = out.setdefault("alertRecipients", [{} for _ in range(count)])
            target = items[issue.loc[1]]
            key = "url" if "url" in issue.loc else "recipientType"
        else:
            key, target = _DRF_FIELD.get(issue.loc[0], issue.loc[0]), out
        messages = target.setdefault(key, [])
        if issue.drf not in messages:
            messages.append(issue.drf)
    return out


# --------------------------------------------------------------------------------------------
# State: organisations, projects, alerts, recipients
# --------------------------------------------------------------------------------------------

class ServerError(Exception):
    """A database error the backend does not map to a 4xx: the client sees an HTML 500."""


class NotFound(Exception):
    """``{"detail": "Not Found"}``."""


class StateError(ValueError):
    """Malformed state given to the admin API or ``--state``."""


@dataclass
class Recipient:
    id: int
    type: str
    url: Optional[str]


@dataclass
class Alert:
    id: int
    name: Optional[str]
    timespan_minutes: Optional[int]
    quantity: Optional[int]
    uptime: bool
    created: str      # position of the cursor paginator: str(datetime), strictly increasing
    recipients: list[Recipient] = field(default_factory=list)


@dataclass
class Project:
    id: str
    name: str
    slug: str
    date_created: str
    teams: list[dict]
    alerts: list[Alert] = field(default_factory=list)


@dataclass
class Org:
    id: str
    name: str
    slug: str
    date_created: str
    projects: list[Project] = field(default_factory=list)


ALERT_DEFAULTS = {"name": "", "timespan_minutes": None, "quantity": None, "uptime": False}


def _row_failure(values: dict) -> Optional[str]:
    """Which Postgres error writing these alert values raises.

    ``"plan"``: an out-of-range constant (smallint, varchar(255)) fails while the statement is
    planned, before any sequence value is drawn. ``"row"``: a NOT NULL or CHECK violation fails
    on the finished row, after ``nextval``. ``None``: the write succeeds.
    """
    name = values["name"]
    numbers = [v for v in (values["timespan_minutes"], values["quantity"]) if v is not None]
    if (isinstance(name, str) and len(name) > NAME_MAX) or \
            any(v > SMALLINT_MAX or v < SMALLINT_MIN for v in numbers):
        return "plan"
    if name is None or any(v < 0 for v in numbers):
        return "row"
    return None


class Store:
    """GlitchTip's database: Postgres-like sequences that never give an id back."""

    def __init__(self) -> None:
        self.orgs: list[Org] = []
        self._next = {"org": 1, "project": 1, "alert": 1, "recipient": 1, "team": 1}
        self._reserved: dict[str, set[int]] = {kind: set() for kind in self._next}
        self._last_created_us = 0

    # -- ids and timestamps ------------------------------------------------------------------

    def take_id(self, kind: str, forced: Optional[int] = None) -> int:
        """``nextval()``: ids are never handed out twice, even for rows that failed."""
        if forced is not None:
            return forced
        value = self._next[kind]
        while value in self._reserved[kind]:   # ids forced later in the same state file
            value += 1
        self._next[kind] = value + 1
        return value

    def next_created(self) -> str:
        """A strictly increasing ``created`` value in ``str(datetime)`` form (the cursor position)."""
        now_us = time.time_ns() // 1000
        self._last_created_us = max(now_us, self._last_created_us + 1)
        stamp = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + \
            datetime.timedelta(microseconds=self._last_created_us)
        return stamp.strftime("%Y-%m-%d %H:%M:%S.%f+00:00")

    # -- lookups -------------------------------------------------------------------------------

    def find_org(self, slug: str) -> Optional[Org]:
        return next((o for o in self.orgs if o.slug == slug), None)

    def find_project(self, org_slug: str, project_slug: str) -> Optional[Project]:
        org = self.find_org(org_slug)
        return next((p for p in org.projects if p.slug == project_slug), None) if org else None

    def sorted_orgs(self) -> list[Org]:
        return sorted(self.orgs, key=lambda o: (o.name, int(o.id)))

    @staticmethod
    def sorted_projects(org: Optional[Org]) -> list[Project]:
        return sorted(org.projects, key=lambda p: (p.name, int(p.id))) if org else []

    def all_projects(self) -> list[tuple[Project, Org]]:
        pairs = [(p, o) for o in self.orgs for p in o.projects]
        return sorted(pairs, key=lambda pair: (pair[0].name, int(pair[0].id)))

    @staticmethod
    def sorted_alerts(project: Optional[Project]) -> list[Alert]:
        return sorted(project.alerts, key=lambda a: a.created, reverse=True) if project else []

    # -- alert writes (non-atomic, like the real views) ----------------------------------------

    def create_alert(self, project: Project, data: AlertInput) -> Alert:
        """``acreate(**data)`` then ``abulk_create(recipients)``, without a transaction."""
        values = {**ALERT_DEFAULTS, **data.scalars}
        failure = _row_failure(values)
        if failure == "plan":
            raise ServerError("value out of range")
        alert_id = self.take_id("alert")
        if failure == "row":
            raise ServerError("not-null or check violation")
        alert = Alert(alert_id, values["name"], values["timespan_minutes"], values["quantity"],
                      values["uptime"], self.next_created())
        project.alerts.append(alert)
        recipients = [] if data.recipients is MISSING else data.recipients
        if recipients is None:
            raise ServerError("TypeError: 'NoneType' object is not iterable")  # orphan stays
        alert.recipients = self._bulk_create_recipients(recipients)
        return alert

    def _bulk_create_recipients(self, recipients: list) -> list[Recipient]:
        """One multi-row INSERT: any failing row rolls the statement back (ids stay consumed)."""
        if any(url is not None and len(url) > URL_DB_MAX for _, url in recipients):
            raise ServerError("value too long for type character varying(2000)")
        created, seen = [], set()
        for rtype, url in recipients:
            recipient_id = self.take_id("recipient")
            if url is None:
                raise ServerError("null value in column \"url\"")
            if (rtype, url) in seen:
                raise ServerError("duplicate key alerts_alertrecipient_alert_id_recipient_type_url")
            seen.add((rtype, url))
            created.append(Recipient(recipient_id, rtype, url))
        return created

    def update_alert(self, alert: Alert, data: AlertInput, put_mode: str) -> Alert:
        """GlitchTip's PUT: save the scalars, then get-or-create recipients, then delete the rest."""
        assigned = dict(data.scalars) if put_mode == "5x" else {**ALERT_DEFAULTS, **data.scalars}
        current = {name: getattr(alert, name) for name in ALERT_DEFAULTS}
        if _row_failure({**current, **assigned}):
            raise ServerError("update failed")
        for name, value in assigned.items():
            setattr(alert, name, value)
        recipients = [] if data.recipients is MISSING else data.recipients
        if recipients is None:
            raise ServerError("TypeError: 'NoneType' object is not iterable")  # scalars are saved
        stale = {r.id for r in alert.recipients}
        for rtype, url in recipients:
            existing = next((r for r in alert.recipients if (r.type, r.url) == (rtype, url)), None)
            if existing is not None:
                stale.discard(existing.id)
                continue
            if url is not None and len(url) > URL_DB_MAX:
                raise ServerError("value too long for type character varying(2000)")
            recipient_id = self.take_id("recipient")
            if url is None:
                raise ServerError("null value in column \"url\"")
            alert.recipients.append(Recipient(recipient_id, rtype, url))
        alert.recipients = [r for r in alert.recipients if r.id not in stale]
        return alert

    @staticmethod
    def find_alert(project: Optional[Project], alert_id: int) -> Alert:
        alert = next((a for a in project.alerts if a.id == alert_id), None) if project else None
        if alert is None:
            raise NotFound()
        return alert

    @staticmethod
    def delete_alert(project: Project, alert: Alert) -> None:
        project.alerts.remove(alert)

    # -- admin: load and dump ------------------------------------------------------------------

    @classmethod
    def from_state(cls, organizations: Any) -> "Store":
        """A store seeded like a fresh database: sequences start at 1 (or after forced ids)."""
        if not isinstance(organizations, list):
            raise StateError("'organizations' must be a list")
        store = cls()
        store._reserve_forced_ids(organizations)
        store.orgs = [store._load_org(spec) for spec in organizations]
        store._check_unique_ids()
        # Like Django's loaddata: afterwards every sequence continues after the highest id.
        for kind, ids in store._ids_by_kind().items():
            store._next[kind] = max([store._next[kind], *(int(i) + 1 for i in ids)])
        return store

    def _reserve_forced_ids(self, organizations: list) -> None:
        for org in _dicts(organizations):
            self._reserved["org"].add(_forced_id(org))
            for project in _dicts(org.get("projects")):
                self._reserved["project"].add(_forced_id(project))
                for alert in _dicts(project.get("alerts")):
                    self._reserved["alert"].add(_forced_id(alert))
                    for recipient in _dicts(_field(alert, "alertRecipients", "alert_recipients", [])):
                        self._reserved["recipient"].add(_forced_id(recipient))

    def _load_org(self, spec: Any) -> Org:
        name = _require_name(spec, "organization")
        org = Org(str(self.take_id("org", _forced_id(spec))), name, spec.get("slug") or slugify(name),
                  iso_now())
        org.projects = [self._load_project(p) for p in spec.get("projects") or []]
        return org

    def _load_project(self, spec: Any) -> Project:
        name = _require_name(spec, "project")
        teams = []
        for team in spec.get("teams") or []:   # ["backend"] or [{"id": "1", "slug": "backend"}]
            team = {"slug": team} if isinstance(team, str) else team
            teams.append({"id": str(team.get("id") or self.take_id("team")), "slug": team.get("slug")})
        project = Project(str(self.take_id("project", _forced_id(spec))), name,
                          spec.get("slug") or slugify(name), iso_now(), teams)
        # Listed oldest first: `created` grows along the list, so a GET shows them reversed.
        project.alerts = [self._load_alert(a) for a in spec.get("alerts") or []]
        return project

    def _load_alert(self, spec: Any) -> Alert:
        if not isinstance(spec, dict):
            raise StateError(f"an alert must be an object, got {spec!r}")
        alert = Alert(self.take_id("alert", _forced_id(spec)), _field(spec, "name", "name", ""),
                      _field(spec, "timespanMinutes", "timespan_minutes"), _field(spec, "quantity", "quantity"),
                      bool(_field(spec, "uptime", "uptime", False)), self.next_created())
        alert.recipients = [self._load_recipient(r)
                            for r in _field(spec, "alertRecipients", "alert_recipients", []) or []]
        return alert

    def _load_recipient(self, spec: Any) -> Recipient:
        if not isinstance(spec, dict):
            raise StateError(f"a recipient must be an object, got {spec!r}")
        rtype = _lookup(spec, "recipientType", "recipient_type")[1]
        if rtype not in RECIPIENT_TYPES:
            raise StateError(f"unknown recipientType {rtype!r}")
        url = spec.get("url", "") or ""
        try:
            url = normalize_http_url(url) if url else url
        except UrlError as error:
            raise StateError(f"invalid recipient url {url!r}: {error.msg}") from None
        return Recipient(self.take_id("recipient", _forced_id(spec)), rtype, url)

    def _ids_by_kind(self) -> dict[str, list]:
        projects = [p for o in self.orgs for p in o.projects]
        alerts = [a for p in projects for a in p.alerts]
        return {"org": [o.id for o in self.orgs], "project": [p.id for p in projects],
                "alert": [a.id for a in alerts], "recipient": [r.id for a in alerts for r in a.recipients]}

    def _check_unique_ids(self) -> None:
        for kind, ids in self._ids_by_kind().items():
            if len(ids) != len(set(ids)):
                raise StateError(f"duplicate {kind} ids")

    def dump(self) -> list:
        return [{
            "id": org.id, "name": org.name, "slug": org.slug,
            "projects": [{
                "id": p.id, "name": p.name, "slug": p.slug, "teams": p.teams,
                "alerts": [alert_json(a, "ninja") for a in sorted(p.alerts, key=lambda a: a.created)],
            } for p in org.projects],
        } for org in self.orgs]


def _dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _field(spec: dict, alias: str, name: str, default: Any = None) -> Any:
    present, value = _lookup(spec, alias, name)
    return value if present else default


def _forced_id(spec: dict) -> Optional[int]:
    """An ``"id"`` given in admin state, to pin ids the test wants to see."""
    value = spec.get("id")
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise StateError(f"id must be a positive integer, got {value!r}") from None
    if isinstance(value, bool) or number < 1:
        raise StateError(f"id must be a positive integer, got {value!r}")
    return number


def _require_name(spec: Any, what: str) -> str:
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
        raise StateError(f"every {what} needs a string 'name': {spec!r}")
    return spec["name"]


# --------------------------------------------------------------------------------------------
# JSON shapes
# --------------------------------------------------------------------------------------------

def alert_json(alert: Alert, dialect: str) -> dict:
    recipients = sorted(alert.recipients, key=lambda r: r.id)
    if dialect == "drf":
        return {"pk": alert.id, "name": alert.name, "timespan_minutes": alert.timespan_minutes,
                "quantity": alert.quantity, "uptime": alert.uptime,
                "alertRecipients": [{"pk": r.id, "recipientType": r.type, "url": r.url}
                                    for r in recipients]}
    return {"alertRecipients": [{"id": r.id, "recipientType": r.type, "url": r.url} for r in recipients],
            "id": alert.id, "name": alert.name, "timespanMinutes": alert.timespan_minutes,
            "quantity": alert.quantity, "uptime": alert.uptime}


def org_json(org: Org) -> dict:
    return {"name": org.name, "id": org.id, "dateCreated": org.date_created,
            "status": {"id": "active", "name": "active"},
            "avatar": {"avatarType": "", "avatarUuid": None}, "isEarlyAdopter": False,
            "require2fa": False, "slug": org.slug, "isAcceptingEvents": True, "eventThrottleRate": 0}


def project_json(project: Project, org: Optional[Org] = None) -> dict:
    """ProjectTeamSchema; with ``org`` the ``/api/0/projects/`` shape (organization, no teams)."""
    out = {"name": project.name, "slug": project.slug, "id": project.id,
           "avatar": {"avatarType": "", "avatarUuid": None}, "color": "", "features": [],
           "hasAccess": True, "isBookmarked": False, "isInternal": False, "isMember": True,
           "isPublic": False, "scrubIPAddresses": True, "dateCreated": project.date_created,
           "platform": None, "firstEvent": None, "eventThrottleRate": 0}
    if org is None:
        out["teams"] = project.teams
    else:
        out["organization"] = org_json(org)
    return out


# --------------------------------------------------------------------------------------------
# Cursor pagination (GlitchTip's AsyncLinkHeaderPagination, a port of DRF's CursorPagination)
# --------------------------------------------------------------------------------------------

@dataclass
class Cursor:
    offset: int = 0
    reverse: bool = False
    position: Optional[str] = None


def decode_cursor(raw: Optional[str]) -> Cursor:
    """Base64 of ``o=<offset>&r=<reverse>&p=<position>``; anything undecodable is page 1."""
    if raw is None:
        return Cursor()
    try:
        tokens = parse_qs(base64.b64decode(raw).decode(), keep_blank_values=True)
        offset = max(0, min(int(tokens.get("o", ["0"])[0]), OFFSET_CUTOFF))
        return Cursor(offset, bool(int(tokens.get("r", ["0"])[0])), tokens.get("p", [None])[0])
    except (ValueError, TypeError):
        return Cursor()


def encode_cursor(cursor: Cursor) -> str:
    tokens = {}
    if cursor.offset:
        tokens["o"] = str(cursor.offset)
    if cursor.reverse:
        tokens["r"] = "1"
    if cursor.position is not None:
        tokens["p"] = cursor.position
    return base64.b64encode(urlencode(tokens).encode()).decode()


def replace_query_param(url: str, key: str, value: str) -> str:
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params[key] = [value]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment))


@dataclass
class Listing:
    """What a paginated endpoint lists: items in their order and the ordering field."""
    items: list
    position: Callable[[Any], str]
    descending: bool


@dataclass
class Page:
    items: list
    first_index: int
    next_cursor: Optional[Cursor]
    previous_cursor: Optional[Cursor]
    total: int


def _find_marker(items: list, compare: Optional[str], position: Callable) -> tuple[int, Optional[str], bool]:
    """DRF's marker search: the first item whose position differs from its neighbour's.

    Returns (items skipped, marker position, found). Equal positions cannot be told apart by a
    ``>``/``<`` filter, so the cursor carries how many of them were already shown.
    """
    offset = 0
    for item in items:
        current = position(item)
        if current != compare:
            return offset, current, True
        compare = current
        offset += 1
    return offset, None, False


def paginate(listing: Listing, cursor: Cursor, limit: int) -> Page:
    """One page of ``listing`` for ``cursor``, with the cursors of its neighbours."""
    seq = list(reversed(listing.items)) if cursor.reverse else list(listing.items)
    pos = listing.position
    if cursor.position is not None:
        if cursor.reverse != listing.descending:
            seq = [x for x in seq if pos(x) < cursor.position]
        else:
            seq = [x for x in seq if pos(x) > cursor.position]
    results = seq[cursor.offset:cursor.offset + limit + 1]
    page = results[:limit]
    following = pos(results[-1]) if len(results) > len(page) else None
    if cursor.reverse:
        page.reverse()
        has_next = cursor.position is not None or cursor.offset > 0
        has_previous = following is not None
        next_position = cursor.position if has_next else None
        previous_position = following if has_previous else None
    else:
        has_next = following is not None
        has_previous = cursor.position is not None or cursor.offset > 0
        next_position = following if has_next else None
        previous_position = cursor.position if has_previous else None
    next_cursor = _next_cursor(page, cursor, pos, has_previous, limit, next_position, previous_position) \
        if has_next else None
    previous_cursor = _previous_cursor(page, cursor, pos, has_next, limit, next_position,
                                       previous_position) if has_previous else None
    total = min(len(listing.items), MAX_HITS) if (has_next or has_previous) else len(page)
    first_index = listing.items.index(page[0]) if page else len(listing.items)
    return Page(page, first_index, next_cursor, previous_cursor, total)


def _next_cursor(page, cursor, pos, has_previous, limit, next_position, previous_position) -> Cursor:
    compare = pos(page[-1]) if (page and cursor.reverse and cursor.offset) else next_position
    offset, position, unique = _find_marker(list(reversed(page)), compare, pos)
    if page and not unique:
        if not has_previous:
            offset, position = limit, None
        elif cursor.reverse:
            offset, position = 0, previous_position
        else:
            offset, position = cursor.offset + limit, previous_position
    if not page:
        position = next_position
    return Cursor(offset, False, position)


def _previous_cursor(page, cursor, pos, has_next, limit, next_position, previous_position) -> Cursor:
    compare = pos(page[0]) if (page and not cursor.reverse and cursor.offset) else previous_position
    offset, position, unique = _find_marker(page, compare, pos)
    if page and not unique:
        if not has_next:
            offset, position = limit, None
        elif cursor.reverse:
            offset, position = cursor.offset + limit, next_position
        else:
            offset, position = 0, next_position
    if not page:
        position = previous_position
    return Cursor(offset, True, position)


def link_header(base_url: str, page: Page, dialect: str) -> str:
    links = []
    for cursor, label in ((page.previous_cursor, "previous"), (page.next_cursor, "next")):
        if cursor is None:
            links.append(f'<{base_url}>; rel="{label}"; results="false"')
        else:
            encoded = encode_cursor(cursor)
            url = replace_query_param(base_url, "cursor", encoded)
            links.append(f'<{url}>; rel="{label}"; results="true"; cursor="{encoded}"')
    joined = ", ".join(links)
    # ninja era: `response["Link"] = {", ".join(links)}` -- a set, so the header is its str().
    return str({joined}) if dialect == "ninja" else joined


# --------------------------------------------------------------------------------------------
# HTTP plumbing shared by all faces
# --------------------------------------------------------------------------------------------

@dataclass
class Request:
    method: str
    path: str            # raw path, without the query string
    query: str           # raw query string
    headers: Any         # http.client.HTTPMessage
    body: bytes
    host: str
    scheme: str = "http"   # "https" when the simulator serves TLS (--tls-cert)

    def param(self, name: str) -> Optional[str]:
        values = parse_qs(self.query, keep_blank_values=True).get(name)
        return values[0] if values else None

    def json_body(self) -> Any:
        """The body as JSON; raises ValueError like orjson would (no NaN, strict UTF-8)."""
        def reject(constant: str) -> Any:
            raise ValueError(f"invalid constant {constant}")
        return json.loads(self.body.decode("utf-8"), parse_constant=reject)


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: Optional[str] = JSON_CT
    headers: list = field(default_factory=list)


def json_response(status: int, obj: Any, headers: Optional[list] = None) -> Response:
    # ninja's renderer is plain json.dumps: ", " and ": " separators, ASCII escapes.
    return Response(status, json.dumps(obj).encode(), JSON_CT, headers or [])


def html_response(status: int, html: str, headers: Optional[list] = None) -> Response:
    return Response(status, html.encode(), HTML_CT, headers or [])


def not_found() -> Response:
    return json_response(404, {"detail": "Not Found"})


def server_error() -> Response:
    return html_response(500, SERVER_ERROR_HTML)


# --------------------------------------------------------------------------------------------
# The GlitchTip API
# --------------------------------------------------------------------------------------------

_SLUG = r"[-a-zA-Z0-9_]+"
ROUTES = [
    (re.compile(r"/api/0/"), "index", ("GET",)),
    (re.compile(r"/api/0/organizations/"), "organizations", ("GET",)),
    (re.compile(rf"/api/0/organizations/(?P<org>{_SLUG})/projects/"), "org_projects", ("GET",)),
    (re.compile(r"/api/0/projects/"), "projects", ("GET",)),
    (re.compile(rf"/api/0/projects/(?P<org>{_SLUG})/(?P<project>{_SLUG})/alerts/"), "alerts", ("GET", "POST")),
    (re.compile(rf"/api/0/projects/(?P<org>{_SLUG})/(?P<project>{_SLUG})/alerts/(?P<alert_id>[^/]+)/"),
     "alert", ("DELETE", "PUT")),
]
READ_ORG = ("org:read", "org:write", "org:admin")
READ_PROJECT = ("project:read",)
WRITE_PROJECT = ("project:write", "project:admin")
ADMIN_PROJECT = ("project:admin",)

USER_JSON = {"id": "1", "options": {"timezone": None, "stacktraceOrder": None, "language": None,
                                    "clock24Hours": None, "preferredTheme": None},
             "username": "admin@example.com", "dateJoined": "2026-11-29T13:33:48.703Z",
             "email": "admin@example.com", "hasPasswordAuth": True, "identities": [],
             "lastLogin": None, "isSuperuser": True, "isActive": True, "name": ""}


@dataclass
class Token:
    id: int
    label: str
    scopes: list
    token: str
    created: str

    def json(self) -> dict:
        return {"id": self.id, "label": self.label, "scopes": self.scopes, "token": self.token,
                "created": self.created}


class GlitchTipApi:
    """Routes ``/api/0/...``. Check order is ninja's: 405, 401, 400/422, then 403 (the scope
    check is a decorator around the view, so it runs after parameter validation), then the view."""

    def __init__(self, sim: "Simulator"):
        self.sim = sim

    def handle(self, req: Request) -> Response:
        path = unquote(req.path)
        if not path.endswith("/"):
            return self._without_slash(req, path)
        method = "GET" if req.method == "HEAD" else req.method
        for regex, name, methods in ROUTES:
            match = regex.fullmatch(path)
            if match:
                if method not in methods:
                    # ninja's 405 is plain text served as HTML, before authentication.
                    return html_response(405, "Method not allowed", [("Allow", ", ".join(sorted(methods)))])
                return getattr(self, f"_{name}_{method.lower()}")(req, **match.groupdict())
        # Django's SPA catch-all also swallows unrouted paths that mention /projects.
        if "/projects" in path:
            return html_response(200, SPA_HTML) if method == "GET" else html_response(403, CSRF_HTML)
        return html_response(404, NOT_FOUND_HTML)

    @staticmethod
    def _without_slash(req: Request, path: str) -> Response:
        """Routes are declared with a slash; what is left is Django's URL conf and middleware."""
        if req.method not in ("GET", "HEAD"):
            return html_response(403, CSRF_HTML)   # the SPA view is not csrf_exempt
        if path in ("/api/0", "/api/0/organizations"):
            location = path + "/" + (f"?{req.query}" if req.query else "")
            return html_response(301, "", [("Location", location)])   # APPEND_SLASH
        if "/projects" in path or path.startswith("/api/0/organizations"):
            return html_response(200, SPA_HTML)
        return html_response(404, NOT_FOUND_HTML)

    # -- helpers -------------------------------------------------------------------------------

    @property
    def dialect(self) -> str:
        return self.sim.config["dialect"]

    def _token(self, req: Request) -> Optional[Token]:
        scheme, _, key = req.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return None
        with self.sim.lock:
            return self.sim.tokens.get(key.strip())

    def _authorize(self, req: Request) -> tuple[Optional[Token], Optional[Response]]:
        token = self._token(req)
        if token is None:
            return None, json_response(401, {"detail": "Unauthorized"})
        return token, None

    @staticmethod
    def _scope(token: Token, scopes: tuple) -> Optional[Response]:
        if any(s in scopes for s in token.scopes):
            return None
        return json_response(403, {"detail": "Permission denied"})

    def _validation_error(self, issues: list[Issue], payload: Any, prefix=("body", "payload")) -> Response:
        if self.dialect == "drf":
            return json_response(400, drf_error_body(issues, payload))
        return json_response(422, ninja_error_body(issues, prefix))

    def _parse_body(self, req: Request) -> tuple[Any, Optional[Response]]:
        if not req.body:
            if self.dialect == "drf":
                return {}, None
            return None, json_response(422, {"detail": [
                {"type": "missing", "loc": ["body", "payload"], "msg": "Field required"}]})
        try:
            return req.json_body(), None
        except ValueError as error:
            if self.dialect == "drf":
                return None, json_response(400, {"detail": f"JSON parse error - {error}"})
            return None, json_response(400, {"detail": "Cannot parse request body"})

    def _validate_alert(self, req: Request) -> tuple[Optional[AlertInput], Optional[Response]]:
        payload, error = self._parse_body(req)
        if error:
            return None, error
        config = self.sim.config
        nullable = config["dialect"] == "ninja" and config["put_mode"] == "5x"
        data, issues = validate_alert(payload, name_nullable=nullable)
        if issues:
            return None, self._validation_error(issues, payload)
        return data, None

    def _page_params(self, req: Request) -> tuple[Optional[tuple[int, Cursor]], Optional[Response]]:
        raw_limit = req.param("limit")
        limit: Optional[int] = None
        if raw_limit not in (None, ""):
            limit, issue = _coerce_int(raw_limit, ("limit",))
            if issue:
                return None, self._validation_error([issue], None, prefix=("query",))
        with self.sim.lock:
            default = self.sim.config["page_size"]
            largest = self.sim.config["max_page_size"]
        # `limit or default`, then clamped to [0, max_page_size]: a negative limit gives empty pages.
        return (max(0, min(limit or default, largest)), decode_cursor(req.param("cursor"))), None

    def _paginated(self, req: Request, listing_fn: Callable[[], Listing], render: Callable) -> Response:
        params, error = self._page_params(req)
        if error:
            return error
        limit, cursor = params
        with self.sim.lock:
            listing = listing_fn()
            page = paginate(listing, cursor, limit)
            body = [render(item) for item in page.items]
        base_url = f"{req.scheme}://{req.host}{req.path}" + (f"?{req.query}" if req.query else "")
        headers = [("Link", link_header(base_url, page, self.dialect)),
                   ("X-Max-Hits", str(MAX_HITS)), ("X-Hits", str(page.total))]
        return json_response(200, body, headers)

    def listing_for(self, path: str) -> Optional[Listing]:
        """The listing a GET on ``path`` paginates (call with the lock held), or None."""
        path = unquote(path)
        store = self.sim.store
        for regex, name, _ in ROUTES:
            match = regex.fullmatch(path)
            if not match:
                continue
            if name == "organizations":
                return Listing(store.sorted_orgs(), lambda o: o.name, False)
            if name == "org_projects":
                return Listing(store.sorted_projects(store.find_org(match["org"])), lambda p: p.name, False)
            if name == "projects":
                return Listing(store.all_projects(), lambda pair: pair[0].name, False)
            if name == "alerts":
                project = store.find_project(match["org"], match["project"])
                return Listing(store.sorted_alerts(project), lambda a: a.created, True)
        return None

    def page_number(self, req: Request) -> Optional[int]:
        """1-based page number of a listing GET (lock held), for faults with ``page``."""
        if req.method not in ("GET", "HEAD"):
            return None
        listing = self.listing_for(req.path)
        if listing is None:
            return None
        cursor = decode_cursor(req.param("cursor"))
        if cursor == Cursor():
            return 1
        try:
            limit = int(req.param("limit") or 0)
        except ValueError:
            limit = 0
        limit = max(1, min(limit or self.sim.config["page_size"], self.sim.config["max_page_size"]))
        return paginate(listing, cursor, limit).first_index // limit + 1

    # -- endpoints -------------------------------------------------------------------------------

    def _index_get(self, req: Request) -> Response:
        token = self._token(req)
        return json_response(200, {"version": "0", "user": USER_JSON if token else None,
                                   "auth": token.json() if token else None})

    def _organizations_get(self, req: Request) -> Response:
        token, error = self._authorize(req)
        return error or self._scope(token, READ_ORG) or self._paginated(
            req, lambda: self.listing_for(req.path), org_json)

    def _org_projects_get(self, req: Request, org: str) -> Response:
        token, error = self._authorize(req)
        return error or self._scope(token, READ_PROJECT) or self._paginated(
            req, lambda: self.listing_for(req.path), project_json)

    def _projects_get(self, req: Request) -> Response:
        token, error = self._authorize(req)
        return error or self._scope(token, READ_PROJECT) or self._paginated(
            req, lambda: self.listing_for(req.path), lambda pair: project_json(*pair))

    def _alerts_get(self, req: Request, org: str, project: str) -> Response:
        token, error = self._authorize(req)
        dialect = self.dialect
        return error or self._scope(token, READ_PROJECT) or self._paginated(
            req, lambda: self.listing_for(req.path), lambda a: alert_json(a, dialect))

    def _alerts_post(self, req: Request, org: str, project: str) -> Response:
        token, error = self._authorize(req)
        if error:
            return error
        data, error = self._validate_alert(req)
        if error or (error := self._scope(token, WRITE_PROJECT)):
            return error
        with self.sim.lock:
            target = self.sim.store.find_project(org, project)
            if target is None:
                return not_found()
            try:
                alert = self.sim.store.create_alert(target, data)
            except ServerError:
                return server_error()
            return json_response(201, alert_json(alert, self.dialect))

    def _alert_id(self, alert_id: str) -> tuple[Optional[int], list[Issue]]:
        if re.fullmatch(r"[+-]?\d+", alert_id):
            return int(alert_id), []
        return None, [Issue("int_parsing", ("alert_id",),
                            "Input should be a valid integer, unable to parse string as an integer",
                            drf="Not found.")]

    def _alert_put(self, req: Request, org: str, project: str, alert_id: str) -> Response:
        token, error = self._authorize(req)
        if error:
            return error
        number, issues = self._alert_id(alert_id)
        if issues:
            return self._validation_error(issues, None, prefix=("path",))
        data, error = self._validate_alert(req)
        if error or (error := self._scope(token, WRITE_PROJECT)):
            return error
        with self.sim.lock:
            try:
                alert = self.sim.store.find_alert(self.sim.store.find_project(org, project), number)
                self.sim.store.update_alert(alert, data, self.sim.config["put_mode"])
            except NotFound:
                return not_found()
            except ServerError:
                return server_error()
            return json_response(200, alert_json(alert, self.dialect))

    def _alert_delete(self, req: Request, org: str, project: str, alert_id: str) -> Response:
        token, error = self._authorize(req)
        if error:
            return error
        number, issues = self._alert_id(alert_id)
        if issues:
            return self._validation_error(issues, None, prefix=("path",))
        if error := self._scope(token, ADMIN_PROJECT):
            return error
        with self.sim.lock:
            target = self.sim.store.find_project(org, project)
            try:
                self.sim.store.delete_alert(target, self.sim.store.find_alert(target, number))
            except NotFound:
                return not_found()
        return Response(204, b"", JSON_CT)


# --------------------------------------------------------------------------------------------
# Vault (KV v1, KV v2, AppRole)
# --------------------------------------------------------------------------------------------

class VaultSim:
    """Enough of Vault's HTTP API for secret references: reads, versions, AppRole login; KV v2
    writes with check-and-set and the mount lookup the vault CLI makes (``sys/internal/ui/mounts``).

    A version stored as null is deleted (reads answer 404 with its metadata, as Vault does).
    ``writes_after_read`` (configuration) plays another writer: ``[{"path", "data"}]``, each
    stored as a new version right after the next read of its path, once, so a client's
    check-and-set between its read and its write can be refused deterministically."""

    def __init__(self) -> None:
        self.tokens: set[str] = set()
        self.approle: Optional[dict] = None
        self.mounts: dict[str, int] = {"secret": 2}
        self.secrets: dict[str, Any] = {}
        self.created_time = ""
        self.writes_after_read: list[dict] = []

    @classmethod
    def from_config(cls, body: Any) -> "VaultSim":
        if not isinstance(body, dict):
            raise StateError("vault configuration must be an object")
        vault = cls()
        vault.tokens = set(body.get("tokens") or [])
        vault.approle = body.get("approle")
        vault.writes_after_read = list(body.get("writes_after_read") or [])
        for pending in vault.writes_after_read:
            if not isinstance(pending, dict) or not isinstance(pending.get("path"), str) \
                    or not isinstance(pending.get("data"), dict):
                raise StateError("writes_after_read entries must be {\"path\": str, \"data\": {...}}")
        vault.secrets = {k.strip("/"): v for k, v in (body.get("secrets") or {}).items()}
        mounts = body.get("mounts")
        vault.mounts = {k.strip("/"): int(v) for k, v in mounts.items()} if mounts else {}
        for path, value in vault.secrets.items():
            if vault._mount_of(path) is None:   # undeclared mount: a list of versions means KV v2
                vault.mounts[path.split("/", 1)[0]] = 2 if isinstance(value, list) else 1
        vault.mounts = vault.mounts or {"secret": 2}
        vault.created_time = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return vault

    def _mount_of(self, rel: str) -> Optional[str]:
        candidates = [m for m in self.mounts if rel == m or rel.startswith(m + "/")]
        return max(candidates, key=len) if candidates else None

    @staticmethod
    def _envelope(data: Any, lease_duration: int = 0, auth: Any = None) -> dict:
        return {"request_id": str(uuid.uuid4()), "lease_id": "", "renewable": False,
                "lease_duration": lease_duration, "data": data, "wrap_info": None,
                "warnings": None, "auth": auth}

    def handle(self, req: Request, lock: threading.Lock) -> Response:
        rel = unquote(req.path)[len("/v1/"):].strip("/")
        with lock:
            if rel == "sys/health":
                return json_response(200, {"initialized": True, "sealed": False, "standby": False,
                                           "version": "1.15.0+sim"})
            if rel == "auth/approle/login":
                return self._login(req)
            token = req.headers.get("X-Vault-Token", "")
            if token not in self.tokens:
                return json_response(403, {"errors": ["permission denied"]})
            if rel == "auth/token/lookup-self":
                return json_response(200, self._envelope({"id": token, "policies": ["default"], "ttl": 3600}))
            if rel.startswith("sys/internal/ui/mounts/") and req.method == "GET":
                return self._mount_info(rel[len("sys/internal/ui/mounts/"):])
            if req.method in ("POST", "PUT"):
                return self._write(rel, req)
            if req.method not in ("GET", "HEAD"):
                return json_response(405, {"errors": []})
            return self._read(rel, req.param("version"))

    def state(self) -> dict:
        """``GET /__admin/vault``: mounts and every secret's versions (tests check what was written)."""
        return {"mounts": dict(self.mounts),
                "secrets": {k: (v if isinstance(v, list) or self.mounts.get(k.split("/", 1)[0]) == 1 else [v])
                            for k, v in self.secrets.items()}}

    def _mount_info(self, rel: str) -> Response:
        mount = self._mount_of(rel.strip("/"))
        if mount is None:
            return json_response(400, {"errors": [f"no mount found for path {rel}"]})
        return json_response(200, self._envelope({
            "path": mount + "/", "type": "kv", "description": "", "options": {"version": str(self.mounts[mount])}}))

    def _write(self, rel: str, req: Request) -> Response:
        """KV v2 ``<mount>/data/<path>``: a new version; ``options.cas`` 0 = only if absent, N =
        only if the current version is N (deleted versions count), as Vault checks it."""
        mount = self._mount_of(rel)
        if mount is None or self.mounts[mount] != 2 or not rel[len(mount) + 1:].startswith("data/"):
            return json_response(405, {"errors": []})
        try:
            body = req.json_body()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
            return json_response(400, {"errors": ["no data provided"]})
        key = f"{mount}/{rel[len(mount) + 1 + len('data/'):]}"
        versions = self._versions(key)
        cas = (body.get("options") or {}).get("cas")
        if cas is not None and (not isinstance(cas, int) or cas != len(versions)):
            return json_response(400, {"errors": ["check-and-set parameter did not match the current version"]})
        versions.append(dict(body["data"]))
        self.secrets[key] = versions
        return json_response(200, self._envelope(self._metadata(len(versions))))

    def _versions(self, key: str) -> list:
        versions = self.secrets.get(key)
        return list(versions) if isinstance(versions, list) else ([versions] if isinstance(versions, dict) else [])

    def _metadata(self, number: int, deleted: bool = False) -> dict:
        return {"created_time": self.created_time, "custom_metadata": None,
                "deletion_time": self.created_time if deleted else "", "destroyed": False, "version": number}

    def _after_read(self, key: str) -> None:
        for pending in self.writes_after_read:
            if pending["path"].strip("/") == key:
                self.writes_after_read.remove(pending)
                self.secrets[key] = self._versions(key) + [dict(pending["data"])]
                return

    def _login(self, req: Request) -> Response:
        try:
            body = req.json_body()
        except ValueError:
            body = None
        approle = self.approle or {}
        if not isinstance(body, dict) or not approle or \
                (body.get("role_id"), body.get("secret_id")) != (approle.get("role_id"), approle.get("secret_id")):
            return json_response(400, {"errors": ["invalid role or secret ID"]})
        token = "hvs." + uuid.uuid4().hex
        self.tokens.add(token)
        auth = {"client_token": token, "accessor": uuid.uuid4().hex, "lease_duration": 3600,
                "renewable": True, "policies": ["default"], "token_policies": ["default"]}
        return json_response(200, {**self._envelope(None), "auth": auth})

    def _read(self, rel: str, version: Optional[str]) -> Response:
        mount = self._mount_of(rel)
        if mount is None:
            return json_response(404, {"errors": [f'no handler for route "{rel}". route entry not found.']})
        if self.mounts[mount] == 1:
            value = self.secrets.get(rel)
            value = value[-1] if isinstance(value, list) and value else value
            if not isinstance(value, dict):
                return json_response(404, {"errors": []})
            return json_response(200, self._envelope(value, lease_duration=2764800))
        sub = rel[len(mount) + 1:]
        if not sub.startswith("data/"):
            return json_response(404, {"errors": []})
        key = f"{mount}/{sub[len('data/'):]}"
        try:
            return self._read_v2(key, version)
        finally:
            self._after_read(key)

    def _read_v2(self, key: str, version: Optional[str]) -> Response:
        versions = self.secrets.get(key)
        versions = [versions] if isinstance(versions, dict) else versions
        if not versions:
            return json_response(404, {"errors": []})
        try:
            number = int(version) if version else 0
        except ValueError:
            return json_response(400, {"errors": ["error parsing version parameter"]})
        number = number or len(versions)   # version 0 (or none) means the latest
        if not 1 <= number <= len(versions):
            return json_response(404, {"errors": []})
        if not isinstance(versions[number - 1], dict):   # deleted: 404, the metadata still told
            return json_response(404, self._envelope({"data": None, "metadata": self._metadata(number, deleted=True)}))
        return json_response(200, self._envelope({"data": versions[number - 1], "metadata": self._metadata(number)}))


# --------------------------------------------------------------------------------------------
# qontract-server GraphQL (canned responses)
# --------------------------------------------------------------------------------------------

class GraphQLSim:
    """Answers ``POST /graphql`` from canned responses chosen by a substring of the query."""

    def __init__(self) -> None:
        self.token: Optional[str] = None
        self.responses: list[dict] = []

    def configure(self, body: dict) -> None:
        if not isinstance(body, dict) or not isinstance(body.get("responses", []), list):
            raise StateError("graphql configuration must be {\"token\"?, \"responses\": [...]}")
        self.token = body.get("token") or None
        self.responses = list(body.get("responses") or [])

    def _authorized(self, header: str) -> bool:
        if self.token is None:
            return True
        scheme, _, value = header.partition(" ")
        # qontract clients send either "Bearer <token>" or the bare configured value.
        return header == self.token or (scheme.lower() == "bearer" and value.strip() == self.token)

    def handle(self, req: Request, lock: threading.Lock) -> Response:
        with lock:
            if not self._authorized(req.headers.get("Authorization", "")):
                return json_response(401, {"errors": [{"message": "Unauthorized"}]})
            if req.method != "POST":
                return json_response(405, {"errors": [{"message": "method not allowed"}]}, [("Allow", "POST")])
            try:
                body = req.json_body()
                query = body["query"]
            except (ValueError, KeyError, TypeError):
                return json_response(400, {"errors": [{"message": "body must be {\"query\": ...}"}]})
            for canned in self.responses:
                if str(canned.get("match", "")) in str(query):
                    out = {k: canned[k] for k in ("data", "errors") if k in canned}
                    return json_response(200, out if out else {"data": None})
            return json_response(200, {"errors": [{"message": "no canned response"}]})


# --------------------------------------------------------------------------------------------
# Faults and the request log
# --------------------------------------------------------------------------------------------

FAULT_ACTIONS = ("status", "status_after", "html200", "reset", "truncate", "slow_body", "delay", "json")
# Faults after which the client cannot know what the server did (issue 10, items 1, 2, 7):
# see Handler._serve_commit_fault.
COMMIT_FAULTS = ("reset_after", "late_commit", "short_page")
FAULT_ACTIONS = FAULT_ACTIONS + COMMIT_FAULTS


@dataclass
class Fault:
    spec: dict
    seen: int = 0     # matching requests so far
    fired: int = 0

    @classmethod
    def parse(cls, spec: Any) -> "Fault":
        if not isinstance(spec, dict) or spec.get("action") not in FAULT_ACTIONS:
            raise StateError(f"a fault needs an action in {FAULT_ACTIONS}: {spec!r}")
        if not isinstance(spec.get("path"), str):
            raise StateError(f"a fault needs a 'path': {spec!r}")
        if spec.get("match", "exact") not in ("exact", "prefix"):
            raise StateError(f"fault 'match' must be exact or prefix: {spec!r}")
        return cls(dict(spec))

    def matches(self, method: str, path: str) -> bool:
        wanted = self.spec.get("method", "*").upper()
        if wanted != "*" and wanted != method:
            return False
        if self.spec.get("match", "exact") == "prefix":
            return path.startswith(self.spec["path"])
        return path == self.spec["path"]

    def armed(self) -> bool:
        """Fires from the ``nth`` matching request on, ``times`` times (0 = forever)."""
        times = int(self.spec.get("times", 1))
        return self.seen >= int(self.spec.get("nth", 1)) and (times == 0 or self.fired < times)

    def state(self) -> dict:
        return {**self.spec, "seen": self.seen, "fired": self.fired}


class FaultBook:
    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def pick(self, method: str, path: str, page_of_request: Callable[[], Optional[int]]) -> Optional[Fault]:
        """Count the request against every matching fault; the first armed one fires."""
        chosen = None
        page = MISSING
        for fault in self.faults:
            if not fault.matches(method, path):
                continue
            if "page" in fault.spec:
                page = page_of_request() if page is MISSING else page
                if page != int(fault.spec["page"]):
                    continue
            fault.seen += 1
            if chosen is None and fault.armed():
                fault.fired += 1
                chosen = fault
        return chosen


class RequestLog:
    """Non-admin requests with timing, TCP connection id and concurrency at arrival."""

    def __init__(self) -> None:
        self.entries: deque = deque(maxlen=REQUEST_LOG_MAX)
        self.seq = 0
        self.in_flight = 0
        self.peak = 0
        self.connections_seen: set[int] = set()
        self.next_connection_id = 1   # never reset: a cleared log still tells connections apart

    def new_connection_id(self) -> int:
        value = self.next_connection_id
        self.next_connection_id += 1
        return value

    def begin(self, method: str, path: str, query: str, connection: int) -> dict:
        self.seq += 1
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        self.connections_seen.add(connection)
        # `start`/`end` are wall-clock times; `received`/`answered` are time.monotonic(), the
        # clock a client on this host shares, for tests that measure a client's waits.
        entry = {"seq": self.seq, "method": method, "path": path, "query": query,
                 "start": time.time(), "end": None, "received": time.monotonic(), "answered": None,
                 "connection": connection, "status": None, "in_flight": self.in_flight}
        self.entries.append(entry)
        return entry

    @staticmethod
    def answering(entry: dict) -> None:
        """Stamps the moment before the answer's first byte is written: no client can have
        seen the answer earlier."""
        if entry["answered"] is None:
            entry["answered"] = time.monotonic()

    def end(self, entry: dict, status: Optional[int]) -> None:
        self.in_flight -= 1
        entry["end"] = time.time()
        entry["status"] = status

    def clear(self) -> None:
        self.entries.clear()
        self.peak = self.in_flight
        self.connections_seen.clear()

    def snapshot(self) -> dict:
        return {"requests": [dict(e) for e in self.entries], "peak_in_flight": self.peak,
                "connections": len(self.connections_seen), "now": time.monotonic()}


# --------------------------------------------------------------------------------------------
# The simulator: state, config, admin API
# --------------------------------------------------------------------------------------------

class Simulator:
    """Everything mutable, guarded by one lock (never held while sleeping)."""

    def __init__(self, defaults: dict, cli_tokens: list[str]):
        self.lock = threading.Lock()
        self.defaults = dict(defaults)
        self.cli_tokens = list(cli_tokens)
        self.log = RequestLog()
        self.api = GlitchTipApi(self)
        self.reset()

    def reset(self) -> None:
        self.config = dict(self.defaults)
        self.store = Store()
        self.faults = FaultBook()
        self.vault = VaultSim()
        self.graphql = GraphQLSim()
        self.tokens = self._token_table({t: ALL_SCOPES for t in (self.cli_tokens or [DEFAULT_TOKEN])})
        self.log.clear()

    @staticmethod
    def _token_table(scopes_by_token: dict) -> dict[str, Token]:
        table = {}
        for index, (key, scopes) in enumerate(scopes_by_token.items(), start=1):
            if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
                raise StateError(f"scopes of token {key!r} must be a list of strings")
            ordered = [s for s in ALL_SCOPES if s in scopes] + [s for s in scopes if s not in ALL_SCOPES]
            table[key] = Token(index, f"token-{index}", ordered, key, iso_now())
        return table

    def load_state(self, state: Any) -> None:
        if not isinstance(state, dict):
            raise StateError("state must be an object")
        tokens = self._token_table(state["tokens"]) if "tokens" in state else None
        self.store = Store.from_state(state.get("organizations") or [])
        if tokens is not None:
            self.tokens = tokens

    def dump_state(self) -> dict:
        return {"organizations": self.store.dump(),
                "tokens": {key: token.scopes for key, token in self.tokens.items()}}

    def configure(self, body: Any) -> None:
        if not isinstance(body, dict):
            raise StateError("config must be an object")
        checks = {"put_mode": lambda v: v in ("5x", "4x"), "dialect": lambda v: v in ("ninja", "drf"),
                  "latency_ms": lambda v: isinstance(v, (int, float)) and v >= 0,
                  "page_size": lambda v: isinstance(v, int) and v >= 1,
                  "max_page_size": lambda v: isinstance(v, int) and 1 <= v <= MAX_PAGE_SIZE}
        for key, value in body.items():
            if key not in checks or not checks[key](value):
                raise StateError(f"bad config {key}={value!r}")
        self.config.update(body)


class AdminApi:
    """``/__admin/...``: no auth, never logged, never delayed or faulted."""

    def __init__(self, sim: Simulator):
        self.sim = sim
        self.routes = {
            ("POST", "/__admin/reset"): self._reset,
            ("GET", "/__admin/state"): lambda body: self.sim.dump_state(),
            ("POST", "/__admin/state"): self._ok(self.sim.load_state),
            ("GET", "/__admin/config"): lambda body: dict(self.sim.config),
            ("POST", "/__admin/config"): self._ok(self.sim.configure),
            ("GET", "/__admin/faults"): lambda body: {"faults": [f.state() for f in self.sim.faults.faults]},
            ("POST", "/__admin/faults"): self._add_faults,
            ("DELETE", "/__admin/faults"): self._clear_faults,
            ("GET", "/__admin/requests"): lambda body: self.sim.log.snapshot(),
            ("POST", "/__admin/requests/clear"): self._clear_requests,
            ("POST", "/__admin/vault"): self._ok(lambda b: setattr(self.sim, "vault", VaultSim.from_config(b))),
            ("GET", "/__admin/vault"): lambda body: self.sim.vault.state(),
            ("POST", "/__admin/graphql"): self._ok(lambda b: self.sim.graphql.configure(b)),
        }

    @staticmethod
    def _ok(action: Callable[[Any], None]) -> Callable[[Any], dict]:
        def run(body: Any) -> dict:
            action(body)
            return {"ok": True}
        return run

    def _wait_for_quiet(self) -> None:
        """Lets the requests in flight finish (1 s at most) before the log is read: a handler
        records its end just after its response leaves, so a client that reads the log the
        moment it has its answer would otherwise race that last line."""
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            with self.sim.lock:
                if self.sim.log.in_flight == 0:
                    return
            time.sleep(0.002)

    def _reset(self, body: Any) -> dict:
        self.sim.reset()
        return {"ok": True}

    def _add_faults(self, body: Any) -> dict:
        specs = body.get("faults") if isinstance(body, dict) else None
        if not isinstance(specs, list):
            raise StateError("body must be {\"faults\": [...]}")
        self.sim.faults.faults.extend(Fault.parse(spec) for spec in specs)
        return {"ok": True, "faults": len(self.sim.faults.faults)}

    def _clear_faults(self, body: Any) -> dict:
        self.sim.faults.faults.clear()
        return {"ok": True}

    def _clear_requests(self, body: Any) -> dict:
        self.sim.log.clear()
        return {"ok": True}

    def handle(self, req: Request) -> Response:
        action = self.routes.get((req.method, req.path.rstrip("/")))
        if action is None:
            return json_response(404, {"ok": False, "error": f"no admin route {req.method} {req.path}"})
        try:
            body = req.json_body() if req.body.strip() else {}
        except ValueError as error:
            return json_response(400, {"ok": False, "error": f"invalid JSON: {error}"})
        if (req.method, req.path.rstrip("/")) == ("GET", "/__admin/requests"):
            self._wait_for_quiet()
        try:
            with self.sim.lock:
                return json_response(200, action(body))
        except (StateError, ValueError, TypeError, AttributeError) as error:
            return json_response(400, {"ok": False, "error": str(error)})


# --------------------------------------------------------------------------------------------
# HTTP server
# --------------------------------------------------------------------------------------------

def fault_status_response(spec: dict, default_status: int) -> Response:
    """The canned answer of a ``status``/``status_after`` fault."""
    status = int(spec.get("status", default_status))
    content_type = spec.get("content_type")
    body = spec.get("body")
    if body is None:
        if status >= 500 and content_type is None:
            body = SERVER_ERROR_HTML
        else:
            try:
                phrase = http.HTTPStatus(status).phrase
            except ValueError:
                phrase = ""
            body = json.dumps({"detail": phrase})
    elif not isinstance(body, str):
        body = json.dumps(body)
    if content_type is None:
        content_type = HTML_CT if status >= 500 else JSON_CT
    headers = [("Retry-After", str(spec["retry_after"]))] if "retry_after" in spec else []
    headers += [(str(k), str(v)) for k, v in (spec.get("headers") or {}).items()]
    return Response(status, body.encode(), content_type, headers)


def fault_json_response(spec: dict) -> Response:
    body = spec.get("body", "[]")
    body = body if isinstance(body, str) else json.dumps(body)
    headers = [("Link", str(spec["link"]))] if "link" in spec else []
    headers += [(str(k), str(v)) for k, v in (spec.get("headers") or {}).items()]
    return Response(int(spec.get("status", 200)), body.encode(), JSON_CT, headers)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two send()s; with Nagle on, every keep-alive request would
    # stall ~40 ms on the client's delayed ACK.
    disable_nagle_algorithm = True

    def version_string(self) -> str:
        return "glitchtip-sim/1.0"

    server: "SimServer"

    def setup(self) -> None:
        super().setup()
        self.connection_id: Optional[int] = None
        self.log_entry: Optional[dict] = None   # the logged request being served

    def do_GET(self) -> None:
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), format % args))

    # -- request intake ------------------------------------------------------------------------

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        chunks = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass   # trailers
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _request(self) -> Request:
        parts = urlsplit(self.path)
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_address[1]}"
        scheme = "https" if self.server.tls_context is not None else "http"
        return Request(self.command, parts.path or "/", parts.query, self.headers, self._read_body(), host, scheme)

    def _dispatch(self) -> None:
        try:
            req = self._request()
        except (OSError, ValueError):
            self.close_connection = True
            return
        sim = self.server.sim
        if req.path == "/__admin" or req.path.startswith("/__admin/"):
            self._send_safely(self.server.admin.handle(req))
            return
        with sim.lock:
            if self.connection_id is None:
                self.connection_id = sim.log.new_connection_id()
            entry = sim.log.begin(req.method, req.path, req.query, self.connection_id)
        status = None
        self.log_entry = entry
        try:
            status = self._serve(req)
        finally:
            self.log_entry = None
            with sim.lock:
                sim.log.end(entry, status)

    # -- simulated request ---------------------------------------------------------------------

    def _serve(self, req: Request) -> Optional[int]:
        """Apply global latency and at most one fault, then answer; returns the status sent."""
        sim = self.server.sim
        with sim.lock:
            fault = sim.faults.pick(req.method, req.path, lambda: sim.api.page_number(req))
            latency = sim.config["latency_ms"]
        if latency:
            time.sleep(latency / 1000)
        spec = fault.spec if fault else {}
        action = spec.get("action")
        if action == "reset":
            self._abort_connection()
            return None
        if action in COMMIT_FAULTS:
            return self._serve_commit_fault(req, spec)
        if action == "status":
            return self._send_safely(fault_status_response(spec, 500))
        if action == "html200":
            return self._send_safely(html_response(200, SPA_HTML))
        if action == "json":
            return self._send_safely(fault_json_response(spec))
        delay = float(spec.get("delay_ms", 1000)) / 1000
        if action == "delay" and not spec.get("after_process"):
            time.sleep(delay)
        response = self._process(req)
        if action == "delay" and spec.get("after_process"):
            time.sleep(delay)   # the state already changed: a timeout now is an ambiguous failure
        if action == "status_after":
            response = fault_status_response(spec, 502)
        if action == "truncate":
            return self._send_safely(response, truncate=True)
        if action == "slow_body":
            return self._send_safely(response, trickle_s=float(spec.get("delay_ms", 3000)) / 1000)
        return self._send_safely(response)

    def _serve_commit_fault(self, req: Request, spec: dict) -> Optional[int]:
        """``reset_after``: process, then RST without an answer (the change is made, the client
        sees a dead connection). ``late_commit``: the change lands ``delay_ms`` after arrival
        whatever the client does; with ``status`` that status is answered at once (a gateway
        timing out while the backend goes on), else no answer: the connection is reset once the
        change has landed. ``short_page``: process, then leave the last ``drop`` items (1, or
        "all") out of a JSON array answer, keeping ``X-Hits``; with ``no_next`` the ``Link``
        header is dropped too, so the page looks like the last."""
        action = spec["action"]
        if action == "reset_after":
            self._process(req)
            self._abort_connection()
            return None
        if action == "late_commit":
            delay = float(spec.get("delay_ms", 4000)) / 1000
            if "status" in spec:
                timer = threading.Timer(delay, self._process, args=(req,))
                timer.daemon = True
                timer.start()
                return self._send_safely(fault_status_response(spec, 504))
            time.sleep(delay)
            self._process(req)
            self._abort_connection()
            return None
        response = self._process(req)
        body = json.loads(response.body) if response.status == 200 else None
        if isinstance(body, list):
            drop = spec.get("drop", 1)
            kept = [] if drop == "all" else body[:max(0, len(body) - int(drop))]
            headers = [h for h in response.headers if not (spec.get("no_next") and h[0] == "Link")]
            response = Response(200, json.dumps(kept).encode(), response.content_type, headers)
        return self._send_safely(response)

    def _process(self, req: Request) -> Response:
        sim = self.server.sim
        try:
            if req.path == "/api/0" or req.path.startswith("/api/0/"):
                return sim.api.handle(req)
            if req.path.startswith("/v1/"):
                return sim.vault.handle(req, sim.lock)
            if req.path.rstrip("/") == "/graphql":
                return sim.graphql.handle(req, sim.lock)
            if req.path == "/" and req.method in ("GET", "HEAD"):
                return html_response(200, SPA_HTML)
            return html_response(404, NOT_FOUND_HTML)
        except Exception:   # a simulator bug must look like a server error, not a hang
            traceback.print_exc(file=sys.stderr)
            return server_error()

    # -- responses -------------------------------------------------------------------------------

    def _send_safely(self, response: Response, truncate: bool = False, trickle_s: float = 0) -> int:
        if self.log_entry is not None:
            with self.server.sim.lock:
                RequestLog.answering(self.log_entry)
        try:
            self._send(response, truncate, trickle_s)
        except OSError:   # the client went away (timeouts in tests do that on purpose)
            self.close_connection = True
        return response.status

    def _send(self, response: Response, truncate: bool, trickle_s: float) -> None:
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        body = b"" if self.command == "HEAD" else response.body
        if truncate:
            # The promised Content-Length is never reached: the client sees a premature close.
            self.wfile.write(body[:len(body) // 2])
            self.close_connection = True
        elif trickle_s:
            self._trickle(body, trickle_s)
        else:
            self.wfile.write(body)

    def _trickle(self, body: bytes, seconds: float) -> None:
        pieces = max(1, min(len(body), 20))
        step = -(-len(body) // pieces) if body else 0
        for i in range(pieces):
            time.sleep(seconds / pieces)
            chunk = body[i * step:(i + 1) * step]
            if chunk:
                self.wfile.write(chunk)

    def _abort_connection(self) -> None:
        """Close with SO_LINGER 0 so the peer gets a RST instead of a response."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            # detach(): makefile() objects still reference the socket, so close() alone would
            # leave the descriptor open until they are gone.
            os.close(self.connection.detach())
        except OSError:
            pass


class SimServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024

    def __init__(self, address: tuple, sim: Simulator, verbose: bool = False,
                 tls_context: Optional[ssl.SSLContext] = None):
        self.sim = sim
        self.admin = AdminApi(sim)
        self.verbose = verbose
        self.tls_context = tls_context
        super().__init__(address, Handler)

    def get_request(self) -> tuple:
        sock, address = super().get_request()
        if self.tls_context is not None:
            # The handshake runs on the first read, in the connection's own thread: a client
            # that refuses the certificate cannot stall the accept loop.
            sock = self.tls_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def server_bind(self) -> None:
        # HTTPServer.server_bind() calls getfqdn(), a reverse DNS lookup we do not need.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request: Any, client_address: Any) -> None:
        if self.verbose:
            super().handle_error(request, client_address)


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------

def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="GlitchTip/Vault/qontract-server simulator for gt tests.")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--state", help="JSON file with the initial state (same shape as POST /__admin/state)")
    parser.add_argument("--token", action="append", default=[], help="full-scope API token (repeatable)")
    parser.add_argument("--put-mode", choices=("5x", "4x"), default="5x", help="PUT semantics")
    parser.add_argument("--dialect", choices=("ninja", "drf"), default="ninja", help="API generation")
    parser.add_argument("--latency-ms", type=float, default=0, help="delay added to every non-admin request")
    parser.add_argument("--page-size", type=int, default=50, help="default page size (max 100)")
    parser.add_argument("--max-page-size", type=int, default=MAX_PAGE_SIZE,
                        help="largest page a `limit` may ask for (GlitchTip: 100); lower it to force more pages")
    parser.add_argument("--quiet", action="store_true", help="no access log (the default)")
    parser.add_argument("--verbose", action="store_true", help="access log and tracebacks on stderr")
    parser.add_argument("--tls-cert", help="PEM certificate chain: serve HTTPS instead of HTTP (with --tls-key)")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    return args


def tls_context(cert: Optional[str], key: Optional[str]) -> Optional[ssl.SSLContext]:
    """A server context for --tls-cert/--tls-key, or None for plain HTTP."""
    if not cert:
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def build_simulator(args: argparse.Namespace) -> Simulator:
    defaults = {"put_mode": args.put_mode, "dialect": args.dialect,
                "latency_ms": args.latency_ms, "page_size": args.page_size,
                "max_page_size": max(1, min(args.max_page_size, MAX_PAGE_SIZE))}
    sim = Simulator(defaults, args.token)
    if args.state:
        with open(args.state, encoding="utf-8") as handle:
            sim.load_state(json.load(handle))
    return sim


def main(argv: Optional[list[str]] = None) -> int:
    # The parent may spawn us with signals blocked (posix_spawn from a Swift task).
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    args = parse_args(argv)
    try:
        sim = build_simulator(args)
    except (OSError, ValueError) as error:
        print(f"glitchtip_sim: cannot load state: {error}", file=sys.stderr)
        return 2
    try:
        context = tls_context(args.tls_cert, args.tls_key)
    except (OSError, ssl.SSLError) as error:
        print(f"glitchtip_sim: cannot load the TLS certificate: {error}", file=sys.stderr)
        return 2
    try:
        server = SimServer(("127.0.0.1", args.port), sim, verbose=args.verbose and not args.quiet,
                           tls_context=context)
    except OSError as error:
        print(f"glitchtip_sim: cannot listen on 127.0.0.1:{args.port}: {error.strerror}", file=sys.stderr)
        return 1

    def stop(signum: int, frame: Any) -> None:
        # shutdown() waits for serve_forever() to return, so it cannot run on this thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
