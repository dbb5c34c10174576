#!/usr/bin/env python3
"""Latency and memory of `sqlwarden server`, driven over stdio as an editor drives it.

Usage: bench/lsp-latency.py WORKSPACE FILE [--binary PATH] [--edits N]

Prints, for the workspace folder WORKSPACE and the script FILE inside it:
- the time from `initialized` to the first publishDiagnostics, and to the end of the index
  (the first publish of every finding);
- the server's resident memory (VmRSS, VmHWM) after the index;
- for N one-character edits in FILE (each typed at a different place in its middle: a
  space inserted, then the next keystroke deletes it), the time from sending `didChange`
  to the publishDiagnostics that carries that document version: median, 95th percentile,
  maximum.
- with `--junk TEXT`, each edit types TEXT (say `(`) at a line's start instead of a space, and
  the next deletes it: every other version has a statement the grammar cannot parse in the
  middle of FILE, so the figures include statement-level recovery (use a long procedure);
  the medians of the breaking and the repairing edits are printed too.
Figures, never assertions: these machines are shared.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import queue
import pathlib


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workspace")
    ap.add_argument("file")
    ap.add_argument("--binary", default=str(pathlib.Path(__file__).resolve().parent.parent / "target/release/sqlwarden"))
    ap.add_argument("--edits", type=int, default=200)
    ap.add_argument("--junk", default=None, help="type this text instead of a space (see above)")
    ap.add_argument("--server-log", help="write the server's stderr here")
    args = ap.parse_args()

    root = pathlib.Path(args.workspace).resolve()
    target = pathlib.Path(args.file).resolve()
    uri = target.as_uri()
    # SQLWARDEN_LSP_TIMING=1 in the environment makes the server log its own figures
    # (edit to analysis applied, and the job alone) to stderr: --server-log FILE keeps them.
    log = open(args.server_log, "w") if args.server_log else subprocess.DEVNULL
    proc = subprocess.Popen([args.binary, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=log)
    inbox = queue.Queue()

    def reader():
        out = proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    inbox.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                k, v = line.decode().split(":", 1)
                headers[k.lower()] = v.strip()
            body = out.read(int(headers["content-length"]))
            inbox.put((time.perf_counter(), json.loads(body)))

    threading.Thread(target=reader, daemon=True).start()

    def send(msg):
        body = json.dumps(msg).encode()
        proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        proc.stdin.flush()

    def wait(pred, timeout=120):
        deadline = time.perf_counter() + timeout
        while True:
            item = inbox.get(timeout=max(0.01, deadline - time.perf_counter()))
            if item is None:
                sys.exit("the server exited")
            at, msg = item
            if msg.get("method") and "id" in msg:  # a request from the server
                send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
            if pred(msg):
                return at, msg

    send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": os.getpid(), "rootUri": root.as_uri(),
        "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
        "capabilities": {"general": {"positionEncodings": ["utf-16"]},
                         "window": {"workDoneProgress": True}}}})
    wait(lambda m: m.get("id") == 1)
    t0 = time.perf_counter()
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    # A workspace without findings publishes nothing while it is indexed: the first
    # publish is noted if it comes before the index is done.
    publishes = []
    indexed, _ = wait(lambda m: (m.get("method") == "textDocument/publishDiagnostics"
                                 and publishes.append(time.perf_counter()))
                      or (m.get("method") == "$/progress" and m["params"]["value"]["kind"] == "end"))
    first = publishes[0] if publishes else None
    status = pathlib.Path(f"/proc/{proc.pid}/status").read_text()
    mem = {l.split(":")[0]: l.split(":")[1].strip() for l in status.splitlines() if l.startswith(("VmRSS", "VmHWM"))}
    print(f"workspace: {root}")
    if first is None:
        print("initialized -> first diagnostics: none (no findings in the workspace)")
    else:
        print(f"initialized -> first diagnostics: {(first - t0) * 1000:.0f} ms")
    print(f"initialized -> index done:       {(indexed - t0) * 1000:.0f} ms")
    print(f"resident memory after the index: {mem.get('VmRSS')} (peak {mem.get('VmHWM')})")

    text = target.read_bytes().decode("utf-8-sig", errors="replace")
    lines = text.split("\n")
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "sql", "version": 1, "text": text}}})
    # Opening with the text on disk changes nothing, so nothing need be published.
    time.sleep(0.5)
    latencies = []
    version = 1
    middle = len(lines) // 2
    for i in range(args.edits):
        line = middle + (i // 2) % max(1, len(lines) // 4)
        version += 1
        typed = args.junk if args.junk else " "
        if i % 2 == 0:
            change = {"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}, "text": typed}
        else:
            change = {"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": len(typed)}}, "text": ""}
        sent = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}})
        at, _ = wait(lambda m, v=version: m.get("method") == "textDocument/publishDiagnostics"
                     and m["params"]["uri"] == uri and m["params"].get("version") == v)
        latencies.append((at - sent) * 1000)
    if args.junk:
        breaking, repairing = latencies[0::2], latencies[1::2]
        print(f"with {args.junk!r} typed and deleted: median {statistics.median(breaking):.1f} ms "
              f"when it breaks a statement, {statistics.median(repairing):.1f} ms when it repairs it")
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
    print(f"didChange -> publishDiagnostics over {len(latencies)} edits in {target.name} "
          f"({len(lines)} lines): median {statistics.median(latencies):.1f} ms, "
          f"p95 {p95:.1f} ms, max {latencies[-1]:.1f} ms")
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
    wait(lambda m: m.get("id") == 2)
    send({"jsonrpc": "2.0", "method": "exit", "params": None})
    proc.wait(timeout=10)


if __name__ == "__main__":
    main()
