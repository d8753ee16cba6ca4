#!/usr/bin/env python3
"""Derive, from an App-Interface data directory, what qontract-server would serve for it:
the bundle (``{"data": {path: datafile}}``) and the answers to gt's two GraphQL queries.

Written independently of gt's Swift resolver (PyYAML, plain dict walking) so a test can compare
gt-desired's streams from --data, --bundle and --graphql without checking gt against itself.
"""
import argparse
import json
import os
import sys

import yaml


def load_datafiles(root):
    files = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            if not name.endswith((".yml", ".yaml")):
                continue
            full = os.path.join(dirpath, name)
            with open(full, encoding="utf-8") as f:
                doc = yaml.safe_load(f)
            if isinstance(doc, dict) and "$schema" in doc:
                files["/" + os.path.relpath(full, root)] = doc
    return files


def secret(value):
    if value is None:
        return None
    return {"path": value["path"], "field": value["field"], "version": value.get("version"),
            "format": value.get("format")}


def graphql_answers(files):
    def ref(obj):
        return files[obj["$ref"]]

    instances = []
    projects = []
    for path in sorted(files):
        doc = files[path]
        schema = doc["$schema"]
        if schema == "/dependencies/glitchtip-instance-1.yml":
            instances.append({
                "name": doc["name"], "description": doc["description"], "consoleUrl": doc["consoleUrl"],
                "automationUserEmail": secret(doc["automationUserEmail"]),
                "automationToken": secret(doc["automationToken"]),
                "readTimeout": doc.get("readTimeout"), "maxRetries": doc.get("maxRetries"),
                "mailDomain": doc.get("mailDomain"),
                "glitchtipJiraBridgeAlertUrl": doc.get("glitchtipJiraBridgeAlertUrl"),
                "glitchtipJiraBridgeToken": secret(doc.get("glitchtipJiraBridgeToken")),
            })
        elif schema == "/dependencies/glitchtip-project-1.yml":
            org = ref(doc["organization"])
            instance = ref(org["instance"])
            alerts = None
            if doc.get("alerts") is not None:
                alerts = []
                for item in doc["alerts"]:
                    alert = ref(item) if "$ref" in item else item
                    recipients = []
                    for r in alert["recipients"]:
                        if r["provider"] == "webhook":
                            recipients.append({"provider": "webhook", "url": r.get("url"),
                                               "urlSecret": secret(r.get("urlSecret"))})
                        else:
                            recipients.append({"provider": r["provider"]})
                    alerts.append({"name": alert["name"], "description": alert["description"],
                                   "quantity": alert["quantity"], "timespanMinutes": alert["timespanMinutes"],
                                   "recipients": recipients})
            jira = None
            if doc.get("jira") is not None:
                j = doc["jira"]
                policy = None
                if j.get("escalationPolicy") is not None:
                    channels = ref(j["escalationPolicy"])["channels"]
                    boards = []
                    for b in channels.get("jiraBoard") or []:
                        board = ref(b)
                        boards.append({"name": board["name"], "issueType": board.get("issueType"),
                                       "disable": board.get("disable")})
                    policy = {"channels": {"jiraBoard": boards, "jiraComponents": channels.get("jiraComponents"),
                                           "jiraLabels": channels.get("jiraLabels")}}
                jira = {"project": j.get("project"), "components": j.get("components"),
                        "escalationPolicy": policy, "labels": j.get("labels")}
            projects.append({"name": doc["name"], "projectId": doc.get("projectId"),
                             "organization": {"name": org["name"], "instance": {"name": instance["name"]}},
                             "alerts": alerts, "jira": jira})
    return {"instances": instances}, {"glitchtip_projects": projects}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("datadir")
    parser.add_argument("--bundle", required=True, help="write the bundle JSON here")
    parser.add_argument("--graphql", required=True, help="write the simulator's /__admin/graphql config here")
    args = parser.parse_args()
    files = load_datafiles(args.datadir)
    with open(args.bundle, "w", encoding="utf-8") as f:
        json.dump({"data": files, "graphql": [], "resources": {}}, f)
    instances, projects = graphql_answers(files)
    with open(args.graphql, "w", encoding="utf-8") as f:
        json.dump({"responses": [{"match": "glitchtip_instances_v1", "data": instances},
                                 {"match": "glitchtip_projects_v1", "data": projects}]}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
