#!/usr/bin/env python3
"""Generate a fleet for tests and the benchmark: an App-Interface data directory (instances,
organizations, projects with inline alerts), a secrets file, and for each instance the
simulator state (the same projects and alerts already in GlitchTip, so a plan is empty).

    gen_fleet.py OUT --instances 2 --orgs 5 --projects 2000 --alerts 5 [--port-base 8765]

writes OUT/app-interface/…, OUT/secrets.json and OUT/sim-state-<instance>.json. Every count is
per parent (orgs per instance, projects per org, alerts per project).
"""
import argparse
import json
import os


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--orgs", type=int, default=5, help="organizations per instance")
    parser.add_argument("--projects", type=int, default=2000, help="projects per organization")
    parser.add_argument("--alerts", type=int, default=5, help="alerts per project")
    parser.add_argument("--port-base", type=int, default=8765, help="instance i's consoleUrl port is port-base + i")
    parser.add_argument("--ports", help="comma-separated consoleUrl ports, one per instance (overrides --port-base)")
    args = parser.parse_args()

    root = os.path.join(args.out, "app-interface")
    for sub in ("instances", "organizations", "projects"):
        os.makedirs(os.path.join(root, "glitchtip", sub), exist_ok=True)
    secrets = {}
    ports = [int(p) for p in args.ports.split(",")] if args.ports else [args.port_base + i for i in range(args.instances)]
    for i in range(args.instances):
        instance = f"gt-{i:02d}"
        secrets[f"bench/{instance}"] = {"token": f"token-{instance}", "email": "bot@example.com"}
        write(root, f"glitchtip/instances/{instance}.yml", [
            "$schema: /dependencies/glitchtip-instance-1.yml", "labels: {}", f"name: {instance}",
            "description: generated", f"consoleUrl: http://127.0.0.1:{ports[i]}",
            f"automationUserEmail: {{path: bench/{instance}, field: email}}",
            f"automationToken: {{path: bench/{instance}, field: token}}",
        ])
        organizations = []
        for o in range(args.orgs):
            org = f"{instance}-org-{o:02d}"
            write(root, f"glitchtip/organizations/{org}.yml", [
                "$schema: /dependencies/glitchtip-organization-1.yml", f"name: {org}", "description: generated",
                f"instance: {{$ref: /glitchtip/instances/{instance}.yml}}",
            ])
            projects = []
            for p in range(args.projects):
                name = f"{org}-p{p:05d}"
                alerts = []
                lines = [
                    "$schema: /dependencies/glitchtip-project-1.yml", f"name: {name}", "description: generated",
                    "platform: python", "app: {$ref: /apps/bench.yml}", "teams: []",
                    f"organization: {{$ref: /glitchtip/organizations/{org}.yml}}", "alerts:",
                ]
                for a in range(args.alerts):
                    hook = f"https://hooks.example.com/{name}/{a}"
                    lines += [f"- name: alert-{a}", "  description: generated", f"  quantity: {a + 1}",
                              f"  timespanMinutes: {a + 5}", "  recipients:", "  - provider: email-project-members",
                              "  - provider: webhook", f"    url: {hook}"]
                    alerts.append({"name": f"alert-{a}", "quantity": a + 1, "timespanMinutes": a + 5,
                                   "alertRecipients": [{"recipientType": "email", "url": ""},
                                                       {"recipientType": "webhook", "url": hook}]})
                write(root, f"glitchtip/projects/{name}.yml", lines)
                projects.append({"name": name, "slug": name, "alerts": alerts})
            organizations.append({"name": org, "slug": org, "projects": projects})
        state = {"organizations": organizations, "tokens": {f"token-{instance}": [
            "org:read", "project:read", "project:write", "project:admin"]}}
        with open(os.path.join(args.out, f"sim-state-{instance}.json"), "w", encoding="utf-8") as f:
            json.dump(state, f)
    with open(os.path.join(args.out, "secrets.json"), "w", encoding="utf-8") as f:
        json.dump(secrets, f)


def write(root: str, path: str, lines: list) -> None:
    with open(os.path.join(root, path), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
