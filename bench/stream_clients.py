#!/usr/bin/env python3
"""Idle event-stream clients: memory and delivery latency (issue 13).

Starts `kefu serve` (release build) on a fresh SQLite database, opens N
GET /api/v1/stream connections (bearer token, types=ticket.created), reads
the server's RSS before and after, then creates one ticket at a time
(--events of them) and records, for every client, the time from the POST's
answer to the arrival of that ticket's frame.  Prints p50/p99/max over all
deliveries and the RSS growth per client.  A figure, never a pass/fail test.

  bench/stream_clients.py [--bin build/rel/kefu] [--clients 1000] [--events 10]
"""
import argparse, http.client, json, os, re, selectors, socket, subprocess, sys, tempfile, time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def call(port, method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = {"Content-Type": "application/json", **(headers or {})}
    c.request(method, path, json.dumps(body) if body is not None else None, h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, r.getheader("Set-Cookie"), json.loads(data) if data else None


def start(binary, tmp, clients):
    db = os.path.join(tmp, "bench.db")
    out = subprocess.run([binary, "init", "--db", db], capture_output=True, text=True, check=True).stdout
    pw = re.search(r"admin password: (\S+)", out).group(1)
    proc = subprocess.Popen([binary, "serve", "--db", db, "--port", "0", "--workers", "2", "--access_log", "false",
                             "--max_conns_per_addr", str(clients + 64), "--max_connections", str(clients + 256)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    port = int(re.search(r":(\d+)/", line).group(1))
    st, cookie, j = call(port, "POST", "/api/v1/auth/login", {"username": "admin", "password": pw})
    sess = cookie.split(";")[0]
    st, _, t = call(port, "POST", "/api/v1/me/tokens", {"name": "bench"},
                    {"Cookie": sess, "X-CSRF-Token": j["csrf_token"]})
    return proc, port, t["token"]


def open_clients(port, token, n, sel):
    req = (f"GET /api/v1/stream?types=ticket.created HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n").encode()
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(req)
        socks.append(s)
        if i % 100 == 99:
            time.sleep(0.05)  # the gate admits heads in rounds; do not look like a flood
    bufs = {}
    for s in socks:
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        bufs[s] = b""
    # wait until every client has its response head
    deadline = time.time() + 60
    ok = set()
    while len(ok) < n and time.time() < deadline:
        for key, _ in sel.select(timeout=1):
            s = key.fileobj
            bufs[s] += s.recv(65536)
            if b" 200 " in bufs[s].split(b"\r\n", 1)[0]:
                ok.add(s)
    return socks, bufs, len(ok)


def one_event(port, token, sel, bufs, n, i):
    subject = f"bench stream {i} {time.time_ns()}"
    st, _, t = call(port, "POST", "/api/v1/tickets", {"type": "inquiry", "subject": subject, "body": "x"},
                    {"Authorization": f"Bearer {token}"})
    answered = time.perf_counter()
    needle = f'"entity_id":{t["id"]},'.encode()
    got = {}
    deadline = time.time() + 30
    while len(got) < n and time.time() < deadline:
        for key, _ in sel.select(timeout=1):
            s = key.fileobj
            data = s.recv(65536)
            bufs[s] += data
            if s not in got and needle in bufs[s]:
                got[s] = time.perf_counter()
                bufs[s] = b""
    return [max(0.0, (v - answered) * 1000) for v in got.values()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/rel/kefu")
    ap.add_argument("--clients", type=int, default=1000)
    ap.add_argument("--events", type=int, default=10)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, port, token = start(a.bin, tmp, a.clients)
        try:
            call(port, "GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            time.sleep(0.5)
            before = rss_kib(proc.pid)
            sel = selectors.DefaultSelector()
            socks, bufs, ok = open_clients(port, token, a.clients, sel)
            time.sleep(1)
            after = rss_kib(proc.pid)
            lat = []
            for i in range(a.events):
                lat += one_event(port, token, sel, bufs, ok, i)
            lat.sort()
            pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")
            print(f"{os.popen(a.bin + ' version').read().strip()}; {os.cpu_count()} cores; SQLite; "
                  f"{ok}/{a.clients} stream clients connected")
            print(f"server RSS: {before / 1024:.1f} MiB before, {after / 1024:.1f} MiB with the clients "
                  f"(+{(after - before) / max(ok, 1):.1f} KiB per client)")
            print(f"delivery of {a.events} events to every client ({len(lat)} frames, "
                  f"{a.events * ok - len(lat)} missing): p50 {pct(0.5):.1f} ms, p99 {pct(0.99):.1f} ms, "
                  f"max {lat[-1] if lat else float('nan'):.1f} ms")
            for s in socks:
                s.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
