#!/usr/bin/python3
# A process-level test double for netplan-agent: speaks the JSON-lines agent protocol on
# stdin/stdout with canned answers, so the SSH session path (ship, start, talk, hang up) can be
# tested without the kernel agent. Apply refuses a sandbox named "refused" like the real agent
# would (error kind "apply" with the operation's index), and dies on one named "crash".
import json
import os
import subprocess
import sys

if sys.argv[1:] != ["serve"]:
    sys.stderr.write("usage: scripted-agent serve\n")
    sys.exit(2)


def reply(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def facts():
    shown = subprocess.run(["ip", "-4", "-o", "addr", "show", "dev", "eth0"], capture_output=True, text=True).stdout.split()
    addresses = [shown[shown.index("inet") + 1]] if "inet" in shown else []
    return {"agent_version": "scripted", "kernel_release": os.uname().release, "supported_link_kinds": [],
            "interfaces": [{"name": "eth0", "mtu": 1500, "up": True, "addresses": addresses}]}


for line in sys.stdin:
    request = json.loads(line)
    rid, method, params = request["id"], request["method"], request.get("params")
    if method == "hello":
        reply({"id": rid, "result": {"protocol": 2, "facts": facts()}})
    elif method == "observe":
        reply({"id": rid, "result": {"facts": facts(), "state": {"objects": []}}})
    elif method == "apply":
        names = [(op.get("after") or op.get("before") or {}).get("name") for op in params]
        if "crash" in names:
            sys.stderr.write("scripted agent: crashing on purpose\n")
            sys.stderr.flush()
            os._exit(3)
        if "refused" in names:
            index = names.index("refused")
            reply({"id": rid, "error": {"message": "netns:refused: File exists", "kind": "apply", "operation_index": index}})
        else:
            reply({"id": rid, "result": {"executed": len(params)}})
    else:
        reply({"id": rid, "error": {"message": f"unknown method '{method}'", "kind": "protocol"}})
