"""Mutations of a valid gt stream, for the pipeline fuzzer (scripts/lib/pipeline_fuzz.py).

`mutate(lines, rng)` takes a stream as its lines (bytes, without newlines) and returns the
mutated stream's bytes and the names of the mutations applied. Everything is drawn from `rng`,
so a seed gives the same stream every time. Mutations work on records (a field dropped,
duplicated, retyped; numbers JSON allows and numbers it does not; deep nesting; strings with lone
surrogates, NUL, invalid UTF-8; megabyte strings) and on the framing (records dropped, repeated,
reordered; header and trailer edited; the stream cut anywhere; blank lines; CRLF).
"""
import json

# Raw JSON text put where a value goes: what JSON allows, and what it does not.
NUMBER_TOKENS = [
    b"1e17", b"100000000000000000", b"9223372036854775807", b"9223372036854775808", b"-9223372036854775808",
    b"-9223372036854775809", b"18446744073709551616", b"-1", b"0", b"-0", b"32767", b"32768", b"65536",
    b"2147483647", b"2147483648", b"4294967296", b"1.5", b"1.0", b"-1.5", b"1e308", b"1e309", b"-1e309",
    b"1e-400", b"1E2", b"NaN", b"Infinity", b"-Infinity", b"nan", b"inf", b"0x10", b"01", b"+1", b".5",
]
# Raw JSON string literals (with their quotes).
STRING_TOKENS = [
    rb'"\ud800"', rb'"\udfff"', rb'"a\ud800b"', rb'"\ud800\u0041"', rb'"\ud83d\ude00"', rb'"\u0000"',
    rb'"a\u0000b"', b'"\xff"', b'"a\xc3\x28"', b'"\xed\xa0\x80"', b'"\xf4\x90\x80\x80"', b'"\xc0\xaf"',
    b'"a\x00b"', b'"\x01"', b'"a\tb"', rb'"a\nb"', b'""', b'" "', b'"../../x"', b'"."', b'".."', b'"a/b"', b'"%2F"', b'"@all"',
    rb'"\\"', '"é"'.encode(), '"e\u0301"'.encode(), rb'"\u2028"', b'"https://user:pw@hooks.example.com/s/T/B/secret"',
    rb'"https://hooks.slack.example.com\\services\\T000\\B000\\Secret"', b'"header"', b'"end"', b'"project"',
    b'"glitchtip-prod"', b'"payments"',
]
OTHER_VALUES = [b"null", b"true", b"false", b"[]", b"{}", b'"1"', b"[1]", b'{"a":1}', b'[null]']


def _paths(value, prefix=()):
    """Every path (a tuple of keys and indexes) inside a JSON value, the root excluded."""
    out = []
    if isinstance(value, dict):
        for key, child in value.items():
            out.append(prefix + (key,))
            out.extend(_paths(child, prefix + (key,)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            out.append(prefix + (index,))
            out.extend(_paths(child, prefix + (index,)))
    return out


def _parent(value, path):
    for step in path[:-1]:
        value = value[step]
    return value


class _Raw:
    """A value written as raw JSON text (possibly invalid), put in by a placeholder string."""

    counter = 0

    def __init__(self, text):
        _Raw.counter += 1
        self.text = text
        self.marker = f"\u0001raw{_Raw.counter}\u0001"


def _dump(value, raws):
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")
    for raw in raws:
        text = text.replace(json.dumps(raw.marker, ensure_ascii=False).encode(), raw.text)
    return text


def _deep(rng):
    depth = rng.choice([50, 100, 500, 2047, 2048, 2049, 5000, 100000])
    if rng.random() < 0.5:
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


def _long_string(rng):
    size = rng.choice([70_000, 1 << 20, 3 << 20, 8 << 20])
    unit = rng.choice([b"a", b"\\u00e9", "é".encode(), b"/", b"%"])
    return b'"' + unit * (size // len(unit)) + b'"'


class _Record:
    """One line as a JSON object, edited in place, written back with its raw insertions."""

    def __init__(self, line):
        self.value = json.loads(line)
        self.raws = []

    def raw(self, text):
        raw = _Raw(text)
        self.raws.append(raw)
        return raw.marker

    def bytes(self):
        return _dump(self.value, self.raws)


def _field_mutation(record, rng):
    """One change to one field of `record`; returns its name, or None when nothing fits."""
    paths = _paths(record.value)
    if not paths:
        return None
    path = rng.choice(paths)
    parent = _parent(record.value, path)
    key = path[-1]
    where = ".".join(str(p) for p in path)
    choice = rng.choice(["drop", "number", "string", "retype", "nest", "duplicate", "long"])
    if choice == "drop":
        if isinstance(parent, dict):
            del parent[key]
        else:
            parent.pop(key)
        return f"drop {where}"
    if choice == "number":
        token = rng.choice(NUMBER_TOKENS)
        parent[key] = record.raw(token)
        return f"number {where}={token.decode()}"
    if choice == "string":
        token = rng.choice(STRING_TOKENS)
        parent[key] = record.raw(token)
        return f"string {where}={token!r}"
    if choice == "retype":
        token = rng.choice(OTHER_VALUES)
        parent[key] = record.raw(token)
        return f"retype {where}={token.decode()}"
    if choice == "nest":
        parent[key] = record.raw(_deep(rng))
        return f"nest {where}"
    if choice == "long":
        parent[key] = record.raw(_long_string(rng))
        return f"long string {where}"
    if isinstance(parent, dict):
        # A duplicate key: the same key written twice with two values.
        other = rng.choice(OTHER_VALUES + NUMBER_TOKENS[:6])
        original = json.dumps(parent[key], ensure_ascii=False).encode("utf-8", "surrogatepass")
        parent[key] = record.raw(original + b"," + json.dumps(key).encode() + b":" + other)
        return f"duplicate key {where}"
    parent.insert(key, parent[key])
    return f"duplicate item {where}"


def _record_line(lines, rng):
    return rng.randrange(len(lines)) if lines else None


def _mutate_record(lines, rng):
    index = _record_line(lines, rng)
    if index is None:
        return None
    try:
        record = _Record(lines[index])
    except (ValueError, RecursionError):
        return None
    name = _field_mutation(record, rng)
    if name is None:
        return None
    lines[index] = record.bytes()
    return f"line {index + 1}: {name}"


def _add_field(lines, rng):
    index = _record_line(lines, rng)
    if index is None:
        return None
    try:
        record = _Record(lines[index])
    except (ValueError, RecursionError):
        return None
    if not isinstance(record.value, dict):
        return None
    key = rng.choice(["kind", "pk", "before", "after", "organization_slug", "extra", "x", "version", "stream", "complete",
                      "scope", "project", "name", "alerts", "read_timeout", "max_retries"])
    record.value[key] = record.raw(rng.choice(NUMBER_TOKENS + STRING_TOKENS + OTHER_VALUES))
    lines[index] = record.bytes()
    return f"line {index + 1}: set {key}"


def _header(lines, rng):
    if not lines:
        return None
    try:
        record = _Record(lines[0])
    except (ValueError, RecursionError):
        return None
    if not isinstance(record.value, dict):
        return None
    key = rng.choice(["version", "stream", "kind", "generator"])
    token = rng.choice({
        "version": [b"0", b"2", b'"1"', b"1.0", b"-1", b"null", b"9223372036854775808", b"1e17", b"true"],
        "stream": [b'"desired"', b'"current"', b'"actions"', b'"results"', b'"Desired"', b"null", b"1"],
        "kind": [b'"Header"', b'"end"', b"null", b'"project"'],
        "generator": [b"null", b"1", b'""', b"[]"],
    }[key])
    record.value[key] = record.raw(token)
    lines[0] = record.bytes()
    return f"header {key}={token.decode()}"


def _trailer(lines, rng):
    if not lines:
        return None
    try:
        record = _Record(lines[-1])
    except (ValueError, RecursionError):
        return None
    if not isinstance(record.value, dict):
        return None
    key = rng.choice(["complete", "records", "errors", "stats", "stream"])
    token = rng.choice({
        "complete": [b"false", b'"true"', b"1", b"null"],
        "records": [b"-1", b"1e17", b"9223372036854775808", b'"x"', b"null", b"0"],
        "errors": [b"-1", b"1", b"1e17", b"null", b'"0"'],
        "stats": [b"[]", b"null", b'{"elapsed_ms":-1}', b'{"requests":1e400}'],
        "stream": [b'"results"', b'"desired"', b"null"],
    }[key])
    record.value[key] = record.raw(token)
    lines[-1] = record.bytes()
    return f"trailer {key}={token.decode()}"


def _framing(lines, rng):
    choice = rng.choice(["drop", "repeat", "swap", "move trailer", "blank", "after trailer", "notice"])
    if not lines:
        return None
    i = rng.randrange(len(lines))
    if choice == "drop":
        del lines[i]
        return f"drop line {i + 1}"
    if choice == "repeat":
        j = rng.randint(i, len(lines))
        lines.insert(j, lines[i])
        return f"repeat line {i + 1} at {j + 1}"
    if choice == "swap":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        return f"swap lines {i + 1} and {j + 1}"
    if choice == "move trailer":
        trailer = lines.pop()
        lines.insert(min(i, len(lines)), trailer)
        return f"trailer moved to line {min(i, len(lines) - 1) + 1}"
    if choice == "blank":
        blank = rng.choice([b"", b" ", b"\r", b"\t", b"\x00", b"\xef\xbb\xbf"])
        lines.insert(i, blank)
        return f"blank {blank!r} at line {i + 1}"
    if choice == "after trailer":
        lines.append(rng.choice([b"", b" ", lines[max(0, len(lines) - 2)], lines[-1], b"{}", b"x"]))
        return "a line after the trailer"
    notice = {"kind": rng.choice(["warning", "error"]), "message": "fuzz", "scope": {}}
    lines.insert(max(1, min(i, len(lines) - 1)), json.dumps(notice, sort_keys=True, separators=(",", ":")).encode())
    return f"notice at line {max(1, min(i, len(lines) - 2)) + 1}"


def _bytes_level(data, rng):
    """A change to the stream's bytes as a whole: cut, CRLF, a BOM, padding, a huge line."""
    choice = rng.choice(["cut", "crlf", "bom", "pad", "huge line", "no final newline"])
    if choice == "cut" and data:
        at = rng.randrange(len(data))
        return data[:at], f"cut at byte {at}"
    if choice == "crlf":
        return data.replace(b"\n", b"\r\n"), "CRLF line ends"
    if choice == "bom":
        return b"\xef\xbb\xbf" + data, "BOM"
    if choice == "pad":
        # JSON allows white space between tokens: a valid line of megabytes.
        lines = data.split(b"\n")
        i = rng.randrange(max(1, len(lines) - 1))
        if lines[i].startswith(b"{"):
            lines[i] = b"{" + b" " * rng.choice([1 << 10, 1 << 20, 4 << 20]) + lines[i][1:]
        return b"\n".join(lines), f"line {i + 1} padded"
    if choice == "huge line":
        lines = data.split(b"\n")
        i = rng.randrange(max(1, len(lines) - 1))
        lines.insert(i, b"x" * rng.choice([1 << 16, 1 << 20, 6 << 20]))
        return b"\n".join(lines), f"a huge line at {i + 1}"
    return data.rstrip(b"\n"), "no final newline"


def mutate(lines, rng):
    """A mutated copy of the stream whose lines are `lines`: (bytes, [what was done])."""
    lines = list(lines)
    done = []
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        step = rng.choices([_mutate_record, _add_field, _header, _trailer, _framing], weights=[10, 2, 1, 2, 4])[0]
        name = step(lines, rng)
        if name:
            done.append(name)
    data = b"\n".join(lines) + b"\n"
    if rng.random() < 0.1:
        data, name = _bytes_level(data, rng)
        done.append(name)
    return data, done
