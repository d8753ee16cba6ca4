"""What a gt stream reader must refuse: the contract of docs/streams.md, written a second time.

The pipeline fuzzer (scripts/lib/pipeline_fuzz.py) asks `refusal(data, stream)` whether a
mutated stream must be refused, and then checks that the tool did refuse it, naming the stream
and the line. A second, independent reading of the contract is the point: when the tools and
this file disagree, one of them is wrong.

It only says "must refuse" for what docs/streams.md and docs/streams.schema.json state; where
the tools are stricter than the documents (an unknown key in a token reference, a header
`version` of `1.0`), it says nothing, and the fuzzer checks only that the tool did not crash.
Each refusal carries a rule name; OPEN_RULES in pipeline_fuzz.py lists the rules whose fix has
not landed yet.
"""
import json
import os
import re

from jsonschema import Draft202012Validator

INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1
# jansson's JSON_PARSER_MAX_DEPTH: deeper arrays and objects are a parse error.
JANSSON_MAX_DEPTH = 2048
# GlitchTip stores an alert's quantity and timespan in a smallint (docs/glitchtip.md): a larger
# or negative number cannot be applied, so a stream that carries one is refused (issue 20 item 6).
ALERT_NUMBER_RANGE = (0, 32767)

ALLOWED_KINDS = {
    "desired": {"instance", "project", "warning", "error"},
    "current": {"instance", "project", "missing", "warning", "error"},
    "actions": {"instance", "action", "warning", "error"},
}
ORDERED = {"desired", "current"}


class Refusal(Exception):
    """Why the stream must be refused: the rule, the line (None: no line to name), what."""

    def __init__(self, rule, line, message):
        message = message if len(message) <= 200 else message[:200] + "…"
        super().__init__(f"line {line}: {message}" if line else message)
        self.rule = rule
        self.line = line
        self.message = message


def _validators():
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "docs", "streams.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    return {s: Draft202012Validator(dict(schema, **{"$ref": f"#/$defs/{s}_line"})) for s in ALLOWED_KINDS}


VALIDATORS = _validators()


def _schema_rule(kind, error, stream):
    """The rule a schema error breaks, or None for the constraints readers do not enforce, and
    need not: they say what producers write, not what is safe to read (a header without
    `generator`, an empty `message`, negative counts in the trailer's informative `records` and
    `stats`, a project without `name` (its slug stands in), a recipient without `url` (empty), a
    notice without `scope`)."""
    path = list(error.absolute_path)
    last = path[-1] if path else None
    if kind == "header" and error.validator == "required" and "'generator'" in error.message:
        return None
    if kind in ("warning", "error") and path == ["message"] and error.validator == "minLength":
        return None
    if kind == "end" and path and path[0] in ("records", "errors") and error.validator == "minimum":
        return None
    if kind == "end" and len(path) > 1 and path[0] == "stats":
        return None
    if kind == "project" and not path and error.validator == "required" and "'name'" in error.message:
        return None
    if error.validator == "required" and "'url'" in error.message and "recipients" in path:
        return None
    # GlitchTip's alerts (current stream, an action's before) may have no quantity or timespan:
    # absent reads as null, as everywhere.
    if error.validator == "required" and re.search(r"'(quantity|timespan_minutes)'", error.message) \
            and (stream == "current" or (path and path[0] == "before")):
        return None
    if kind in ("warning", "error") and error.validator == "required" and "'scope'" in error.message:
        return None
    if kind == "instance" and path in (["read_timeout"], ["max_retries"]) and error.validator == "minimum":
        return "instance-number-range"
    if kind == "end" and path == ["stream"]:
        return "trailer-stream"
    if error.validator == "minLength" and last in ("instance", "organization", "organization_slug", "project", "name", "path", "field"):
        return "empty-name"
    return "schema"


def _strict_json(raw, number):
    """`raw` as jansson reads it with gt's flags, or a Refusal: UTF-8 only, no NaN or Infinity,
    no duplicate keys, integers within int64, no lone surrogates, no NUL in keys, depth <= 2048."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Refusal("json", number, f"not UTF-8: {error.reason}")
    depth = _max_depth(raw)
    if depth > JANSSON_MAX_DEPTH:
        raise Refusal("json", number, f"nested {depth} deep")

    def pairs(items):
        keys = [k for k, _ in items]
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate key")
        return dict(items)

    def constant(name):
        raise ValueError(f"{name} is not JSON")

    def integer(text):
        value = int(text)
        if not INT64_MIN <= value <= INT64_MAX:
            raise ValueError("integer out of int64 range")
        return value

    def real(text):
        value = float(text)
        if value in (float("inf"), float("-inf")):
            raise ValueError("real number overflow")
        return value

    try:
        value = json.loads(text, object_pairs_hook=pairs, parse_constant=constant, parse_int=integer, parse_float=real)
    except (ValueError, RecursionError) as error:
        raise Refusal("json", number, f"malformed JSON: {error}")
    _check_strings(value, number)
    return value


def _max_depth(raw):
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _check_strings(value, number):
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            _check_text(item, number)
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, child in item.items():
                _check_text(key, number)
                if "\x00" in key:
                    raise Refusal("json", number, "NUL in an object key")
                stack.append(child)


def _check_text(text, number):
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise Refusal("json", number, "lone surrogate in a string")


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _text(record, key):
    value = record.get(key)
    return value if isinstance(value, str) else None


def _position(record):
    """RecordOrder.position (docs/streams.md, "Order")."""
    kind = _text(record, "kind") or ""
    scope = record.get("scope") if isinstance(record.get("scope"), dict) else {}

    def field(name):
        value = _text(record, name)
        if value is None:
            value = scope.get(name) if isinstance(scope.get(name), str) else None
        return value or ""

    if kind == "instance":
        return ["0", field("name"), "", ""]
    return ["1", field("instance"), field("organization"), field("project")]


def _order_key(position):
    return [part.encode("utf-8", "surrogatepass") for part in position]


def _identity(kind, record):
    """RecordIdentity (docs/streams.md, "One record per key"), or None when records may repeat."""
    t = lambda name: _text(record, name)  # noqa: E731
    if kind == "instance":
        return None if t("name") is None else ("instance", t("name"))
    if kind in ("project", "missing"):
        if t("instance") is None or t("organization") is None:
            return None
        if kind == "missing" and t("project") is None:
            return ("organization", t("instance"), t("organization"))
        if t("project") is None:
            return None
        return ("project", t("instance"), t("organization"), t("project"))
    if kind == "action":
        organization = t("organization_slug") if t("organization_slug") is not None else t("organization")
        if None in (t("action_type"), t("instance"), organization, t("project")):
            return None
        scope = (t("instance"), organization, t("project"))
        if t("action_type") == "create":
            return None if t("alert_name") is None else ("create", scope, t("alert_name"))
        pk = record.get("pk")
        return ("pk", scope, pk) if _is_int(pk) else None
    return None


# Null where the schema allows it: an uptime-only alert of GlitchTip's has no quantity or
# timespan, a token reference may have no version.
NULL_MEANS_NULL = {"quantity", "timespan_minutes", "version"}


def _absent_nulls(value):
    """`value` with every null removed but those of NULL_MEANS_NULL: readers take a null field as
    an absent one (JSONField.optional), so a null is refused exactly where absence is."""
    if isinstance(value, dict):
        return {k: _absent_nulls(v) for k, v in value.items() if v is not None or k in NULL_MEANS_NULL}
    if isinstance(value, list):
        return [_absent_nulls(v) for v in value]
    return value


def _schema(record, stream, number):
    kind = record.get("kind")
    for error in VALIDATORS[stream].iter_errors(_absent_nulls(record)):
        rule = _schema_rule(kind, error, stream)
        if rule is not None:
            path = ".".join(str(p) for p in error.absolute_path)
            raise Refusal(rule, number, f"{kind} record, at {path or '(record)'}: {error.message}")


def _alert_numbers(alert, where, number):
    if not isinstance(alert, dict):
        return
    low, high = ALERT_NUMBER_RANGE
    for key in ("quantity", "timespan_minutes"):
        value = alert.get(key)
        if _is_int(value) and not low <= value <= high:
            raise Refusal("alert-number-range", number, f"{where}.{key} = {value} is outside {low}..{high}")


def _record_rules(kind, record, stream, number):
    """What docs/streams.md adds to the schema for one record."""
    if kind == "instance":
        url = record.get("console_url")
        if isinstance(url, str) and "://" in url and "@" in url.split("://", 1)[1].split("/", 1)[0]:
            raise Refusal("console-url-userinfo", number, "console_url carries a user name or password")
    if kind == "project" and stream == "desired":
        names = set()
        for alert in record.get("alerts") or []:
            if not isinstance(alert, dict):
                continue
            if alert.get("name") in names:
                raise Refusal("desired-alert-twice", number, f"alert {alert.get('name')!r} twice")
            names.add(alert.get("name"))
            for recipient in alert.get("recipients") or []:
                if not isinstance(recipient, dict):
                    continue
                email = recipient.get("recipient_type") == "email"
                empty = not recipient.get("url")
                if email != empty:
                    raise Refusal("desired-recipient", number, "an email recipient with a url, or another without one")
            _alert_numbers(alert, "alerts[]", number)
    if kind == "action":
        pk = record.get("pk")
        action_type = record.get("action_type")
        before, after = record.get("before"), record.get("after")
        if action_type in ("update", "delete") and isinstance(before, dict) and before.get("pk") != pk:
            raise Refusal("action-before-pk", number, "before.pk is not the action's pk")
        if action_type in ("create", "update") and isinstance(after, dict) and after.get("name") != record.get("alert_name"):
            raise Refusal("action-after-name", number, "after.name is not the action's alert_name")
        _alert_numbers(after, "after", number)
        _alert_numbers(before, "before", number)


def refusal(data, stream):
    """The Refusal a reader of a `stream` stream must answer `data` with, or None."""
    if not data:
        return Refusal("framing", None, "empty stream")
    lines = data.split(b"\n")
    terminated = lines[-1] == b""
    if terminated:
        lines.pop()
    trailer_seen = False
    last_position = None
    seen = set()
    try:
        for index, raw in enumerate(lines):
            number = index + 1
            if trailer_seen:
                raise Refusal("framing", number, "data after the end trailer")
            if number == len(lines) and not terminated:
                raise Refusal("framing", number, "line is cut off (no newline)")
            record = _strict_json(raw, number)
            if not isinstance(record, dict):
                raise Refusal("json", number, "not an object")
            kind = record.get("kind")
            if number == 1:
                if kind != "header":
                    raise Refusal("framing", number, "no header")
                if not _is_int(record.get("version")) or record.get("version") != 1:
                    raise Refusal("framing", number, "not version 1")
                if record.get("stream") != stream:
                    raise Refusal("framing", number, f"not a {stream} stream")
                _schema(record, stream, number)
                continue
            if not isinstance(kind, str):
                raise Refusal("framing", number, "no kind")
            if kind == "end":
                if not isinstance(record.get("complete"), bool):
                    raise Refusal("framing", number, "trailer without complete")
                if record["complete"] is not True:
                    raise Refusal("framing", number, "complete:false")
                if not _is_int(record.get("records")):
                    raise Refusal("framing", number, "trailer without records")
                _schema(record, stream, number)
                trailer_seen = True
                continue
            if kind not in ALLOWED_KINDS[stream]:
                raise Refusal("framing", number, f"kind {kind!r} in a {stream} stream")
            if stream in ORDERED:
                position = _order_key(_position(record))
                if last_position is not None:
                    if position < last_position:
                        raise Refusal("order", number, "out of order")
                    if position > last_position:
                        seen.clear()
                last_position = position
            identity = _identity(kind, record)
            if identity is not None:
                if identity in seen:
                    raise Refusal("duplicate", number, f"{identity} twice")
                seen.add(identity)
            _schema(record, stream, number)
            _record_rules(kind, record, stream, number)
        if not trailer_seen:
            raise Refusal("framing", None, "no end trailer")
    except Refusal as refused:
        return refused
    return None
