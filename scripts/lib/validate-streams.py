#!/usr/bin/env python3
"""Validates gt streams against docs/streams.schema.json (JSON Schema 2020-12, Python jsonschema).

    scripts/lib/validate-streams.py [--schema FILE] STREAM_OR_DIRECTORY...

Each file is one stream (NDJSON). Its header says which stream it is, and every line is checked
against that stream's definition ($defs/<stream>_line). Every line that does not match is
reported as FILE:LINE: what is wrong; the exit status is 1 when any line does not match.
A stream cut off before its trailer (a killed producer) is not a schema error.
"""
import argparse
import json
import os
import sys

from jsonschema import Draft202012Validator

STREAMS = ("desired", "current", "actions", "results")


def stream_files(paths):
    for path in paths:
        if os.path.isdir(path):
            for root, _, names in os.walk(path):
                for name in sorted(names):
                    yield os.path.join(root, name)
        else:
            yield path


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", default=os.path.join(here, "..", "..", "docs", "streams.schema.json"))
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    with open(args.schema, encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    validators = {s: Draft202012Validator(dict(schema, **{"$ref": f"#/$defs/{s}_line"})) for s in STREAMS}

    files = lines = bad = 0
    for path in stream_files(args.paths):
        files += 1
        stream = None
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                lines += 1
                where = f"{path}:{number}"
                try:
                    record = json.loads(line)
                except ValueError as error:
                    print(f"{where}: not JSON: {error}")
                    bad += 1
                    continue
                if number == 1:
                    stream = record.get("stream") if isinstance(record, dict) and record.get("kind") == "header" else None
                    if stream not in STREAMS:
                        print(f"{where}: the first line is not the header of a known stream")
                        bad += 1
                        break
                errors = sorted(validators[stream].iter_errors(record), key=lambda e: list(e.absolute_path))
                if errors:
                    bad += 1
                    kind = record.get("kind") if isinstance(record, dict) else None
                    for error in errors:
                        at = "/".join(str(p) for p in error.absolute_path) or "(record)"
                        print(f"{where}: {stream} stream, {kind} record, at {at}: {error.message}")
    print(f"streams: {files} files, {lines} lines, {bad} not matching docs/streams.schema.json")
    return 1 if bad or files == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
