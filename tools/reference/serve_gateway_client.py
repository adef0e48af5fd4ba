"""A client written to InnerEye-Inference's contract, as the InnerEye Gateway's segmentation client
behaves: the API_AUTH_SECRET header on every call, a ping first (403 means an invalid licence key),
the zip as the raw body of the start call, then polling every few seconds, 202 meaning "in progress",
and on 200 exactly one zip entry required. Standard library only.

Usage: serve_gateway_client.py <base url> <model id> <study.zip> <out folder> [--poll-seconds S] [--timeout-seconds T]
The secret comes from the environment (API_AUTH_SECRET). Prints one JSON line:
{"runId", "polls", "entries", "file"} on success; {"error", "status", "body"} and exit 1 otherwise.
"""
import argparse
import io
import json
import os
import sys
import time
import urllib.error
import urllib.request
import zipfile


def call(method, url, secret, data=None, timeout=600):
    req = urllib.request.Request(url, data=data, method=method, headers={"API_AUTH_SECRET": secret})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def fail(what, status, body):
    print(json.dumps({"error": what, "status": status, "body": body.decode("utf-8", "replace")}))
    sys.exit(1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("model")
    p.add_argument("zip")
    p.add_argument("out")
    p.add_argument("--poll-seconds", type=float, default=5.0)
    p.add_argument("--timeout-seconds", type=float, default=1200.0)
    a = p.parse_args()
    secret = os.environ["API_AUTH_SECRET"]
    base = a.url.rstrip("/")

    status, _, body = call("GET", f"{base}/v1/ping", secret)
    if status == 403:
        fail("invalid licence key", status, body)
    if status != 200:
        fail("ping failed", status, body)

    with open(a.zip, "rb") as f:
        status, ctype, body = call("POST", f"{base}/v1/model/start/{a.model}", secret, data=f.read())
    if status != 201 or not ctype.startswith("text/plain"):
        fail("start failed", status, body)
    run_id = body.decode("utf-8")

    deadline = time.time() + a.timeout_seconds
    polls = 0
    while True:
        polls += 1
        status, ctype, body = call("GET", f"{base}/v1/model/results/{run_id}", secret)
        if status == 202:
            if time.time() > deadline:
                fail("timed out", status, body)
            time.sleep(a.poll_seconds)
            continue
        if status == 404:
            fail("run not found", status, body)
        if status != 200:
            fail("run failed", status, body)
        break
    if ctype != "application/zip":
        fail("not a zip", status, body[:200])
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        names = z.namelist()
        if len(names) != 1:
            fail(f"expected exactly one zip entry, got {len(names)}", status, json.dumps(names).encode())
        os.makedirs(a.out, exist_ok=True)
        target = os.path.join(a.out, os.path.basename(names[0]))
        with open(target, "wb") as f:
            f.write(z.read(names[0]))
    print(json.dumps({"runId": run_id, "polls": polls, "entries": names, "file": target}))


if __name__ == "__main__":
    main()
