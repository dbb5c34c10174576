#!/usr/bin/env python3
"""Soak test of `sqlwarden server` over stdio, bounded in time.

Usage: bench/lsp-soak.py WORKSPACE SECONDS [SEED] [PAUSE_SECONDS]

Opens files of WORKSPACE, makes random edits (inserts and deletes across lines, junk
such as unbalanced quotes and parentheses, GO, non-ASCII, NUL), asks hover, definition,
references, symbols and code actions at random positions (stale ones included, as real
clients send), closes files now and then, and at the end shuts the server down. Prints
the edits and requests sent, how many were answered and with which error codes, the
exit status, and how many internal failures the server logged (its stderr goes to
target/lsp-soak-stderr.log). SQLWARDEN_BIN names the binary (default
target/release/sqlwarden). Figures, not assertions.
"""
import json
import os
import pathlib
import queue
import random
import subprocess
import sys
import threading
import time

here = pathlib.Path(__file__).resolve().parent.parent
binary = os.environ.get("SQLWARDEN_BIN", str(here / "target/release/sqlwarden"))
stderr_path = here / "target/lsp-soak-stderr.log"
root = pathlib.Path(sys.argv[1]).resolve(); seconds = float(sys.argv[2]); random.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
files = sorted(root.rglob("*.sql"))
stderr_path.parent.mkdir(parents=True, exist_ok=True)
p = subprocess.Popen([binary, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(stderr_path, "w"))
q = queue.Queue()
def reader():
    while True:
        h = {}
        while True:
            l = p.stdout.readline()
            if not l: q.put(None); return
            l = l.strip()
            if not l: break
            k, v = l.decode().split(":", 1); h[k.lower()] = v.strip()
        q.put(json.loads(p.stdout.read(int(h["content-length"]))))
threading.Thread(target=reader, daemon=True).start()
def send(m):
    b = json.dumps(m).encode(); p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b); p.stdin.flush()
pending = {}; answered = 0; errors = {}
def pump(block=False):
    global answered
    while True:
        try: m = q.get(timeout=30 if block else 0)
        except queue.Empty: return
        if m is None: sys.exit("SERVER DIED")
        if m.get("method") and "id" in m: send({"jsonrpc": "2.0", "id": m["id"], "result": None}); continue
        if "id" in m and m["id"] in pending:
            pending.pop(m["id"]); answered += 1
            if "error" in m: errors[m["error"]["code"]] = errors.get(m["error"]["code"], 0) + 1
        if block: return
send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"processId": None, "rootUri": root.as_uri(), "capabilities": {}}})
pending[0] = 1; pump(True); send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
docs = {}; nid = 1; t0 = time.time(); edits = 0
junk = ["(", ")", "'", "N'", "é", "𝄞", "\n", "GO\n", "BEGIN", "END", "EXEC (", "/*", "*/", "--", "\r\n", "GRANT ", "CREATE PROCEDURE p AS ", ";", "\t", "\x00"]
while time.time() - t0 < seconds:
    f = random.choice(files); uri = f.as_uri()
    if uri not in docs:
        text = f.read_bytes().decode("utf-8", errors="replace")
        docs[uri] = [text, 1]
        send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "sql", "version": 1, "text": text}}})
    text, ver = docs[uri]
    lines = text.split("\n")
    for _ in range(random.randint(1, 5)):
        l1 = random.randrange(len(lines) + 2); c1 = random.randrange(120)
        l2 = l1 + random.choice([0, 0, 0, 1, 3]); c2 = random.randrange(120)
        ins = random.choice(junk) if random.random() < 0.8 else "".join(random.choice(junk) for _ in range(5))
        ver += 1; edits += 1
        send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": ver},
              "contentChanges": [{"range": {"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}}, "text": ins}]}})
    docs[uri][1] = ver
    # the client's view of the text is not tracked exactly; positions may be stale (as they can be in real clients)
    for method in random.sample(["textDocument/hover", "textDocument/definition", "textDocument/references", "textDocument/documentSymbol", "textDocument/codeAction", "workspace/symbol"], 2):
        pos = {"line": random.randrange(len(lines) + 1), "character": random.randrange(80)}
        params = {"textDocument": {"uri": uri}, "position": pos}
        if method == "textDocument/references": params["context"] = {"includeDeclaration": random.random() < 0.5}
        if method == "textDocument/documentSymbol": params = {"textDocument": {"uri": uri}}
        if method == "workspace/symbol": params = {"query": random.choice(["", "a", "dbo", "é"])}
        if method == "textDocument/codeAction": params = {"textDocument": {"uri": uri}, "range": {"start": pos, "end": pos}, "context": {"diagnostics": []}}
        send({"jsonrpc": "2.0", "id": nid, "method": method, "params": params}); pending[nid] = 1; nid += 1
    if random.random() < 0.1:
        send({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}}); docs.pop(uri)
    pump()
    time.sleep(float(sys.argv[4]) if len(sys.argv) > 4 else 0)
deadline = time.time() + 60
while pending and time.time() < deadline: pump(True)
send({"jsonrpc": "2.0", "id": 999999, "method": "shutdown", "params": None}); pending[999999] = 1
while 999999 in pending: pump(True)
send({"jsonrpc": "2.0", "method": "exit", "params": None}); rc = p.wait(10)
err = open(stderr_path).read()
print(f"edits {edits}, requests {nid - 1}, answered {answered}, unanswered {len(pending)}, error codes {errors}, exit {rc}")
print("internal failures logged:", err.count("please report"))
