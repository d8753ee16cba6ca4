#!/usr/bin/env python3
"""The pipeline fuzzer: mutated streams fed to gt-diff and gt-apply (README "Development").

    scripts/lib/pipeline_fuzz.py [--seconds N] [--jobs N] [--bin-dir DIR] [--seed S ...] [--out DIR]
    scripts/lib/pipeline_fuzz.py --replay FILE.SLOT.ndjson      (scripts/fuzz pipeline FILE)

Valid desired, current and actions streams are made from the example App-Interface data and
GlitchTip state (examples/) by the real tools against the simulator; each case mutates one of
them (scripts/lib/stream_mutations.py) and feeds it to the tools that read that stream, and to
one other reader:

    diff-desired   gt-diff, the mutated stream as the desired stream on stdin
    diff-current   gt-diff, the mutated stream as the current-stream argument
    apply-dry      gt-apply (dry run) on stdin
    apply          gt-apply --no-dry-run against the simulator

Every run must exit by itself within --timeout, never by a signal or a Swift trap (exit status
>= 128, "Fatal error" on stderr), and show no webhook secret on stderr. When the stream must be
refused (scripts/lib/stream_contract.py), the tool must exit non-zero with a message naming the
stream (and the line, where there is one), write no complete stream on stdout, and with
--no-dry-run send no request at all.

Cases are (seed, index) pairs taken in a fixed order (index-major over the seeds) until the time
is up, so a run of N seconds repeats the cases of any shorter one; each is deterministic. First
the committed cases run: Tests/Fuzz/pipeline/cases/ must pass, Tests/Fuzz/pipeline/
expected-failures/ must still fail (each is a finding whose fix has not landed: when it passes,
move it to cases/). A failure is minimized and written, with how to replay it, under --out.
The last line is the summary: "pipeline fuzz: N streams, N runs in Ns: N failed, N expected failures".
"""
import argparse
import concurrent.futures
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stream_contract  # noqa: E402
import stream_mutations  # noqa: E402

# Valid JSON nests up to 2,048 deep (jansson's limit): the contract and the minimizer recurse that far.
sys.setrecursionlimit(50_000)
threading.stack_size(256 << 20)

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SEEDS = [20, 21, 22, 23, 24, 25, 26, 27]
SLOTS = {"diff-desired": "desired", "diff-current": "current", "apply-dry": "actions", "apply": "actions"}
READERS = {"desired": ["diff-desired"], "current": ["diff-current"], "actions": ["apply-dry", "apply"]}
# The example data's instance URLs; each worker's simulators listen elsewhere.
CANONICAL_PORTS = {"prod": 8765, "stage": 8766}

# Contract rules (stream_contract.py) whose refusal is not implemented yet: a stream refused only
# by one of these is an expected failure until the fix lands; then remove the rule from this list.
OPEN_RULES = {
}


class Simulators:
    """The two example GlitchTip instances (prod, stage) of one worker, and its App-Interface copy."""

    def __init__(self, work):
        self.work = work
        self.processes = {}
        self.ports = {}
        for name in CANONICAL_PORTS:
            out = open(os.path.join(work, f"{name}.port"), "w+")
            process = subprocess.Popen(
                [sys.executable, os.path.join(ROOT, "Tests/Simulator/glitchtip_sim.py"), "--port", "0",
                 "--state", self.state_file(name)], stdout=out, stderr=subprocess.DEVNULL)
            self.processes[name] = process
            deadline = time.monotonic() + 30
            while True:
                out.seek(0)
                text = out.readline().strip()
                if text:
                    self.ports[name] = int(text)
                    break
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the {name} simulator did not start")
                time.sleep(0.05)
        self.data = os.path.join(work, "app-interface")
        shutil.copytree(os.path.join(ROOT, "examples/app-interface"), self.data)
        instances = os.path.join(self.data, "dependencies/glitchtip/instances")
        for file in os.listdir(instances):
            path = os.path.join(instances, file)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            with open(path, "w", encoding="utf-8") as f:
                f.write(self.localize(text.encode()).decode())

    @staticmethod
    def state_file(name):
        return os.path.join(ROOT, f"examples/glitchtip-{name}.json")

    def localize(self, data):
        """`data` with the example instance URLs pointing at this worker's simulators."""
        for name, port in CANONICAL_PORTS.items():
            data = data.replace(f"http://127.0.0.1:{port}".encode(), f"http://127.0.0.1:{self.ports[name]}".encode())
        return data

    def canonical(self, data):
        for name, port in CANONICAL_PORTS.items():
            data = data.replace(f"http://127.0.0.1:{self.ports[name]}".encode(), f"http://127.0.0.1:{port}".encode())
        return data

    def admin(self, name, method, path, body=None):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.ports[name]}/__admin/{path}", method=method,
            data=None if body is None else body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.load(answer)

    def reset(self):
        for name in CANONICAL_PORTS:
            with open(self.state_file(name), "rb") as f:
                self.admin(name, "POST", "state", f.read())
            self.admin(name, "POST", "requests/clear", b"{}")

    def requests(self):
        return [f"{name}: {r['method']} {r['path']}" for name in CANONICAL_PORTS
                for r in self.admin(name, "GET", "requests")["requests"]]

    def stop(self):
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            process.wait()


class Worker:
    """Runs the tools for one case at a time, with its own simulators, cache and lock directories."""

    def __init__(self, work, bin_dir, timeout):
        self.work = work
        self.bin_dir = bin_dir
        self.timeout = timeout
        self.sims = Simulators(work)
        for sub in ("cache", "locks"):
            os.makedirs(os.path.join(work, sub), mode=0o700)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GT_")}
        self.env.update(GT_CACHE_DIR=os.path.join(work, "cache"), GT_LOCK_DIR=os.path.join(work, "locks"),
                        GT_SECRETS_FILE=os.path.join(ROOT, "examples/secrets.json"), NO_COLOR="1")

    def tool(self, name, args, stdin):
        """Runs one tool: (exit status or None after the timeout, stdout, stderr)."""
        with tempfile.TemporaryFile(dir=self.work) as feed:
            feed.write(stdin)
            feed.seek(0)
            process = subprocess.Popen([os.path.join(self.bin_dir, name)] + args, stdin=feed, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, env=self.env, start_new_session=True)
            try:
                out, err = process.communicate(timeout=self.timeout)
                return process.returncode, out, err
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                out, err = process.communicate()
                return None, out, err

    def base_streams(self):
        """Valid desired, current and actions streams of the example data, in canonical form."""
        streams = {}
        code, streams["desired"], err = self.tool("gt-desired", ["--data", self.sims.data], b"")
        check(code == 0, f"gt-desired failed: {err.decode(errors='replace')}")
        code, streams["current"], err = self.tool("gt-current", ["--data", self.sims.data, "--refresh"], b"")
        check(code == 0, f"gt-current failed: {err.decode(errors='replace')}")
        path = os.path.join(self.work, "current.ndjson")
        with open(path, "wb") as f:
            f.write(streams["current"])
        code, streams["actions"], err = self.tool("gt-diff", ["--format", "ndjson", path], streams["desired"])
        check(code == 0, f"gt-diff failed: {err.decode(errors='replace')}")
        # elapsed_ms is the one field that differs from run to run.
        return {kind: re.sub(rb'"elapsed_ms":\d+', b'"elapsed_ms":0', self.sims.canonical(data))
                for kind, data in streams.items()}

    def run(self, slot, data, base):
        """Feeds `data` (canonical) to `slot`'s reader: a dict of what happened."""
        data = self.sims.localize(data)
        args = ["--format", "ndjson"]
        stdin = data
        if slot in ("diff-desired", "diff-current"):
            other = "current" if slot == "diff-desired" else "desired"
            path = os.path.join(self.work, f"{slot}.ndjson")
            with open(path, "wb") as f:
                f.write(data if slot == "diff-current" else self.sims.localize(base[other]))
            args.append(path)
            if slot == "diff-current":
                stdin = self.sims.localize(base["desired"])
            tool = "gt-diff"
        else:
            tool = "gt-apply"
            if slot == "apply":
                args += ["--no-dry-run", "--data", self.sims.data]
                self.sims.reset()
        code, out, err = self.tool(tool, args, stdin)
        requests = self.sims.requests() if slot == "apply" else []
        return {"tool": tool, "args": args, "code": code, "stdout": out, "stderr": err, "requests": requests, "fed": data}


def check(condition, message):
    if not condition:
        raise SystemExit(f"pipeline fuzz: {message}")


def secret_markers(base):
    """What of each webhook URL in the base streams must never reach stderr: its query, and its
    path after the first segment (docs/streams.md, "Redaction")."""
    markers = set()
    for data in base.values():
        for url in re.findall(rb'"url":"(https?://[^"]+)"', data):
            rest = url.split(b"://", 1)[1]
            path = rest.split(b"/", 1)[1] if b"/" in rest else b""
            if b"?" in path:
                path, query = path.split(b"?", 1)
                markers.add(query)
            if b"/" in path:
                markers.add(path.split(b"/", 1)[1])
    return sorted(m for m in markers if len(m) >= 6)


# What gt-apply may request of GlitchTip: a project's alerts (list, create; update, delete one)
# and the organization listings. Anything else is a slug that escaped its path segment.
GLITCHTIP_ROUTES = re.compile(r"/api/0/(projects/[^/]+/[^/]+/alerts/([0-9]+/)?|organizations/([^/]+/projects/)?)")


def judge(slot, fed, outcome, markers):
    """The oracle: a list of what went wrong (empty: the run is fine), and the contract's refusal."""
    problems = []
    code, err = outcome["code"], outcome["stderr"]
    if code is None:
        problems.append("hang: killed after the timeout")
    elif code < 0 or code >= 128:
        problems.append(f"crash: exit status {code}")
    if b"Fatal error" in err or b"fatal error" in err:
        problems.append("crash: Swift trap: " + trap_line(err))
    leaked = [m for m in markers if m in err]
    if leaked:
        problems.append(f"secret on stderr: {leaked[0].decode(errors='replace')}")
    stray = [r for r in outcome["requests"] if not GLITCHTIP_ROUTES.fullmatch(r.split(" ", 2)[2])]
    if stray:
        problems.append(f"requested outside a project's alerts: {stray[0]}")
    refusal = stream_contract.refusal(fed, SLOTS[slot])
    if refusal is not None and code is not None and 0 <= code < 128:
        stream = SLOTS[slot]
        complete = any(is_complete_trailer(line) for line in outcome["stdout"].split(b"\n"))
        if code == 0 or complete:
            problems.append(f"accepted a stream that must be refused ({refusal.rule}: {refusal}): exit {code}"
                            + (", a complete stream on stdout" if complete else ""))
        elif not re.search(rb"\b" + stream.encode() + rb"\b[^\n]*stream", err):
            problems.append(f"refusal does not name the {stream} stream ({refusal})")
        elif refusal.line is not None and not re.search(rb"stream, line \d+", err):
            problems.append(f"refusal does not name the line ({refusal})")
        if outcome["requests"]:
            problems.append(f"sent {len(outcome['requests'])} requests for a stream that must be refused "
                            f"({refusal.rule}): {outcome['requests'][0]}")
    return problems, refusal


def trap_line(err):
    for line in err.decode(errors="replace").splitlines():
        if "atal error" in line:
            return line.strip()[:300]
    return "?"


def is_complete_trailer(line):
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        return False
    return isinstance(record, dict) and record.get("kind") == "end" and record.get("complete") is True


def expected(problems, refusal):
    """Whether every problem is one OPEN_RULES explains: the stream, which an open rule refuses,
    was accepted and acted on."""
    return bool(problems) and refusal is not None and refusal.rule in OPEN_RULES and all(
        p.startswith(("accepted a stream", "sent ", "requested outside")) for p in problems)


def case_stream(seed, index, base):
    """The mutated stream of case (seed, index): (base kind, bytes, what was done, slots)."""
    rng = random.Random(f"{seed}/{index}")
    kind = ["desired", "current", "actions"][(seed + index) % 3]
    data, done = stream_mutations.mutate(base[kind].rstrip(b"\n").split(b"\n"), rng)
    others = [slot for slot in SLOTS if slot not in READERS[kind]]
    return kind, data, done, READERS[kind] + [rng.choice(others)]


def minimize(worker, slot, data, base, markers, problems, budget):
    """A smaller stream that fails the same way (lines dropped, then fields, then long strings
    halved), within `budget` seconds."""
    first = problems[0].split(":")[0]
    deadline = time.monotonic() + budget

    def fails(candidate):
        if time.monotonic() > deadline:
            return False
        found, _ = judge(slot, candidate, worker.run(slot, candidate, base), markers)
        return any(p.split(":")[0] == first for p in found)

    lines = data.split(b"\n")
    changed = True
    while changed and time.monotonic() < deadline:
        changed = False
        for i in reversed(range(len(lines))):
            candidate = lines[:i] + lines[i + 1:]
            if len(candidate) < len(lines) and fails(b"\n".join(candidate)):
                lines = candidate
                changed = True
    for i, line in enumerate(lines):
        while len(lines[i]) > 200 and time.monotonic() < deadline:
            shorter = _halve_longest_run(lines[i])
            if shorter == lines[i] or not fails(b"\n".join(lines[:i] + [shorter] + lines[i + 1:])):
                break
            lines[i] = shorter
        try:
            value = json.loads(lines[i])
        except (ValueError, RecursionError):
            continue
        for path in sorted(stream_mutations._paths(value), key=len, reverse=True):
            if time.monotonic() > deadline:
                break
            trial = json.loads(lines[i])
            try:
                parent = stream_mutations._parent(trial, path)
                if isinstance(parent, dict):
                    del parent[path[-1]]
                else:
                    parent.pop(path[-1])
            except (KeyError, IndexError, TypeError):
                continue
            text = json.dumps(trial, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")
            if fails(b"\n".join(lines[:i] + [text] + lines[i + 1:])):
                lines[i] = text
    return b"\n".join(lines)


def _halve_longest_run(line):
    """`line` with its longest run of one repeated byte halved."""
    best, start = (0, 0, 0), 0
    for i in range(1, len(line) + 1):
        if i == len(line) or line[i] != line[start]:
            if i - start > best[0]:
                best = (i - start, start, i)
            start = i
    length, begin, end = best
    return line if length < 100 else line[:begin] + line[begin:begin + length // 2] + line[end:]


def committed_cases():
    """Tests/Fuzz/pipeline/{cases,expected-failures}/NAME.SLOT.ndjson: (path, slot, must fail)."""
    out = []
    for folder, must_fail in (("cases", False), ("expected-failures", True)):
        directory = os.path.join(ROOT, "Tests/Fuzz/pipeline", folder)
        for name in sorted(os.listdir(directory)) if os.path.isdir(directory) else []:
            if name.endswith(".ndjson"):
                slot = name[:-len(".ndjson")].rsplit(".", 1)[-1]
                check(slot in SLOTS, f"{folder}/{name}: the name must end in .SLOT.ndjson, SLOT one of {', '.join(SLOTS)}")
                out.append((os.path.join(directory, name), slot, must_fail))
    return out


def describe(outcome):
    return f"{outcome['tool']} {' '.join(outcome['args'])}: exit {outcome['code']}; stderr: " \
           + outcome["stderr"].decode(errors="replace").strip()[:400]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("GT_FUZZ_SECONDS", 60)),
                        help="time for the seeded cases (default 60, or GT_FUZZ_SECONDS)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60, help="seconds one tool run may take")
    parser.add_argument("--bin-dir", default=os.environ.get("GT_BIN_DIR", os.path.join(ROOT, ".build/release")))
    parser.add_argument("--seed", type=int, action="append", help="seeds to run (default: the fixed list)")
    parser.add_argument("--out", default=os.path.join(ROOT, ".build-fuzz/pipeline"), help="where failures are written")
    parser.add_argument("--replay", help="run one stream file NAME.SLOT.ndjson and print what the oracle says")
    parser.add_argument("--minimize-seconds", type=float, default=15)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    for tool in ("gt-desired", "gt-current", "gt-diff", "gt-apply"):
        check(os.access(os.path.join(args.bin_dir, tool), os.X_OK), f"no {tool} in {args.bin_dir} (build first, or give --bin-dir)")
    work = tempfile.mkdtemp(prefix="gt-fuzz-")
    workers = []
    lock = threading.Lock()
    try:
        for i in range(max(1, args.jobs)):
            os.makedirs(os.path.join(work, f"w{i}"))
            workers.append(Worker(os.path.join(work, f"w{i}"), args.bin_dir, args.timeout))
        base = workers[0].base_streams()
        markers = secret_markers(base)
        os.makedirs(args.out, exist_ok=True)
        stats = {"streams": 0, "runs": 0, "failed": 0, "expected": 0, "unexpected_pass": 0}
        failures = []

        def attempt(worker, slot, data):
            outcome = worker.run(slot, data, base)
            problems, refusal = judge(slot, data, outcome, markers)
            with lock:
                stats["runs"] += 1
            return outcome, problems, refusal

        if args.replay:
            slot = os.path.basename(args.replay)[:-len(".ndjson")].rsplit(".", 1)[-1]
            with open(args.replay, "rb") as f:
                outcome, problems, refusal = attempt(workers[0], slot, f.read())
            print(describe(outcome))
            print(f"contract: {refusal or 'valid'}")
            print("\n".join(problems) or "oracle: ok")
            return 1 if problems else 0

        # The base streams themselves must be accepted: the harness checks itself.
        for kind, slots in READERS.items():
            for slot in slots:
                outcome, problems, refusal = attempt(workers[0], slot, base[kind])
                check(refusal is None and outcome["code"] == 0 and not problems,
                      f"the unmutated {kind} stream is not accepted by {slot}: {refusal} {problems} {describe(outcome)}")

        def report(name, slot, data, outcome, problems, worker, minimize_it):
            path = os.path.join(args.out, f"{name}.{slot}.ndjson")
            if minimize_it:
                data = minimize(worker, slot, data, base, markers, problems, args.minimize_seconds)
            with open(path, "wb") as f:
                f.write(data)
            with lock:
                failures.append(f"FAIL {name} {slot}: {'; '.join(problems)}\n  {describe(outcome)}\n"
                                f"  reproducer: {path} (replay: scripts/fuzz pipeline {path})")

        for path, slot, must_fail in committed_cases():
            with open(path, "rb") as f:
                data = f.read()
            outcome, problems, refusal = attempt(workers[0], slot, data)
            name = os.path.relpath(path, ROOT)
            if must_fail and problems:
                stats["expected"] += 1
                if args.verbose:
                    print(f"expected failure {name}: {'; '.join(problems)}")
            elif must_fail:
                stats["unexpected_pass"] += 1
                failures.append(f"FIXED {name} passes now: move it to Tests/Fuzz/pipeline/cases/ (and its rule out of OPEN_RULES)")
            elif problems:
                stats["failed"] += 1
                report(os.path.basename(path).split(".")[0], slot, data, outcome, problems, workers[0], False)

        seeds = args.seed or SEEDS
        deadline = started + args.seconds
        cases = ((seed, index) for index in range(10 ** 9) for seed in seeds)
        cases_lock = threading.Lock()

        def fuzz(worker):
            while time.monotonic() < deadline:
                with cases_lock:
                    seed, index = next(cases)
                kind, data, done, slots = case_stream(seed, index, base)
                with lock:
                    stats["streams"] += 1
                for slot in slots:
                    outcome, problems, refusal = attempt(worker, slot, data)
                    if not problems:
                        continue
                    if expected(problems, refusal):
                        with lock:
                            stats["expected"] += 1
                        if args.verbose:
                            print(f"expected failure seed {seed} case {index} {slot}: {'; '.join(problems)}")
                        continue
                    with lock:
                        stats["failed"] += 1
                        # Minimizing takes runs of its own: the first two failures only.
                        minimize_it = stats["failed"] <= 2
                    report(f"seed{seed}-case{index}", slot, data, outcome, problems + [f"mutations: {done}"], worker,
                           minimize_it)

        with concurrent.futures.ThreadPoolExecutor(len(workers)) as pool:
            for future in [pool.submit(fuzz, w) for w in workers]:
                future.result()
        for failure in failures:
            print(failure)
        failed = stats["failed"] + stats["unexpected_pass"]
        print(f"pipeline fuzz: {stats['streams']} streams, {stats['runs']} runs in {time.monotonic() - started:.0f} s "
              f"(seeds {','.join(map(str, seeds))}): {failed} failed, {stats['expected']} expected failures")
        return 1 if failed else 0
    finally:
        for worker in workers:
            worker.sims.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
