"""scripts/bench's gt-serve part: on the bench's fleet and simulators, a dry run from POST to
result as the reference's client makes it (Tests/ServeClient: POST, then GET the path of
status_url with ?timeout=300), against the pipeline's dry run of the same App-Interface
(`gt-desired | gt-diff <(gt-current) | gt-apply`) in the same invocation, cold (every cache
entry gone) and warm; and the throughput of 8 clients posting dry runs at once (tasks/s).

The request is built from gt-desired's stream before the clock starts (the client builds it
from App-Interface on its side); a body over gt-serve's 10 MB limit is sent gzip-compressed.
"""
import gzip
import json
import os
import secrets
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "Tests", "ServeClient"))

CLIENTS = 8
BODY_LIMIT = 10 * 1024 * 1024


class ServeBench:
    def __init__(self, bench, desired):
        import drive  # Tests/ServeClient: pydantic, installed by scripts/test
        self.drive = drive
        self.bench = bench
        request = drive.request_from_desired(open(desired, encoding="utf-8"), dry_run=True)
        self.request_json = json.dumps(request.model_dump(mode="json"), separators=(",", ":"))
        self.body = self.request_json.encode()
        self.compress = len(self.body) > BODY_LIMIT
        if self.compress:
            self.body = gzip.compress(self.body)
        self.proc = None

    def start(self):
        bench = self.bench
        env = dict(bench.env, QAPI_JWT_SECRET_KEY=secrets.token_hex(32))
        log_path = os.path.join(bench.work, "serve.log")
        self.log = open(log_path, "wb")
        # The fleet's instances pinned to their URLs and tokens, as an operator runs gt-serve.
        pins = {i["name"]: {"console_url": i["console_url"], "token": {"path": i["token"]["path"], "field": i["token"]["field"]}}
                for i in json.loads(self.request_json)["instances"]}
        pins_path = os.path.join(bench.work, "instances.json")
        with open(pins_path, "w", encoding="utf-8") as f:
            json.dump({"instances": pins}, f)
        self.proc = subprocess.Popen([bench.tool("gt-serve"), "serve", "--port", "0", "--instances", pins_path], env=env,
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        prefix = b"gt-serve: listening on "
        for _ in range(600):
            with open(log_path, "rb") as f:
                line = next((l for l in f.read().splitlines() if l.startswith(prefix)), None)
            if line or self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not line:
            raise SystemExit(f"bench: gt-serve did not start: {open(log_path, 'rb').read().decode()[-2000:]}")
        self.server = line[len(prefix):].decode()
        token = subprocess.run([bench.tool("gt-serve"), "token", "--sub", "bench"], env=env, check=True,
                               capture_output=True, text=True).stdout.strip()
        self.client = lambda: self.drive.Client(self.server, token)

    def stop(self):
        """Stops gt-serve (SIGTERM, as a deploy does); its peak RSS in KB (VmHWM)."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            peak = next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))
        self.proc.terminate()
        if self.proc.wait(timeout=120) != 0:
            raise SystemExit(f"bench: gt-serve exited {self.proc.returncode}")
        self.log.close()
        return peak

    def task(self, client):
        """One dry run, POST to result: the wall seconds."""
        start = time.monotonic()
        headers = [("Content-Encoding", "gzip")] if self.compress else []
        status, _, task, _ = client.call("POST", self.drive.RECONCILE, self.body, headers=headers)
        if status != 202:
            raise SystemExit(f"bench: gt-serve answered the POST {status}: {task}")
        path = task["status_url"].split("://", 1)[1].split("/", 1)[1]
        status, _, result, _ = client.call("GET", f"/{path}?timeout=300")
        wall = time.monotonic() - start
        if status != 200 or result["status"] != "success" or result["errors"]:
            raise SystemExit(f"bench: gt-serve's dry run: {status} {str(result)[:2000]}")
        return wall, result

    def pipeline(self):
        """The pipeline's dry run of the same fleet (gt-reconcile's, without --no-dry-run): wall seconds."""
        b = self.bench
        script = (f"'{b.tool('gt-desired')}' --data '{b.data}' | '{b.tool('gt-diff')}' --format ndjson "
                  f"<('{b.tool('gt-current')}' --data '{b.data}' --quiet) | '{b.tool('gt-apply')}' --format ndjson > /dev/null")
        start = time.monotonic()
        proc = subprocess.run(["bash", "-o", "pipefail", "-c", script], env=b.env, stderr=subprocess.PIPE)
        wall = time.monotonic() - start
        if proc.returncode != 0:
            raise SystemExit(f"bench: the pipeline's dry run failed: {proc.stderr.decode()[-2000:]}")
        return wall

    def measure(self):
        b = self.bench
        runs = b.args.runs
        self.start()
        try:
            client = self.client()
            figures = {}
            for mode in ("cold", "warm"):
                served, piped = [], []
                if mode == "warm":
                    b.clear_entries()
                    self.pipeline()  # fills the cache both read
                for _ in range(runs):
                    if mode == "cold":
                        b.clear_entries()
                    piped.append((self.pipeline(), 0))
                    if mode == "cold":
                        b.clear_entries()
                    wall, result = self.task(client)
                    served.append((wall, 0))
                ratio = round(median(served) / median(piped), 2)
                figures[mode] = ratio
                b.record(f"pipeline dry run ({mode})", piped)
                b.record(f"gt-serve dry run, POST to result ({mode})", served, ratio_to_pipeline=ratio,
                         actions=len(result["actions"]), gzip=self.compress, target="<= 1.1 x the pipeline")
                log(f"gt-serve dry run {mode}: median {median(served):.2f} s, pipeline {median(piped):.2f} s, ratio {ratio}")
            rates = []
            for _ in range(runs):
                clients = [self.client() for _ in range(CLIENTS)]
                errors = []

                def one(c):
                    try:
                        self.task(c)
                    except BaseException as error:  # a SystemExit in a thread: reported below
                        errors.append(error)
                threads = [threading.Thread(target=one, args=(c,)) for c in clients]
                start = time.monotonic()
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                wall = time.monotonic() - start
                if errors:
                    raise SystemExit(f"bench: a client of {CLIENTS}: {errors[0]}")
                rates.append((wall, 0))
            tasks_per_s = round(CLIENTS / median(rates), 2)
            b.record(f"gt-serve {CLIENTS} clients (warm)", rates, tasks=CLIENTS, tasks_per_s=tasks_per_s)
            log(f"gt-serve {CLIENTS} clients: {tasks_per_s} tasks/s")
            b.results["serve_over_pipeline"] = figures
            b.results["serve_tasks_per_s"] = tasks_per_s
        finally:
            peak = self.stop() if self.proc and self.proc.poll() is None else 0
        for name, entry in b.results["measurements"].items():
            if name.startswith("gt-serve"):
                entry["peak_rss_kb"] = peak


def median(runs):
    walls = sorted(w for w, _ in runs)
    middle = len(walls) // 2
    return walls[middle] if len(walls) % 2 else (walls[middle - 1] + walls[middle]) / 2


def log(text):
    print(f"bench: {text}", file=sys.stderr, flush=True)
