#!/usr/bin/env python3
"""Times `styre serve` from a file save to the new HTML being served.

    python3 bench/serve-latency.py SITE --file content/a/b.md --url /a/b/ [--edits 21]

Starts `target/release/styre serve` on the site (127.0.0.1, a free port), waits for the first
build, then saves the file again and again, each time appending a new sentence to its Markdown
body, and polls the page's URL until the served HTML holds that sentence. Between saves it waits
until the server reports the search index updated (or `--pause` seconds), as an editor's saves
are seconds apart. Prints each latency and the median; the server's own status lines go to
stderr of this script with `--verbose`.

The file is restored at the end. Every measurement is the whole path a writer sees: the
write, the file watcher, the rebuild, the patch of the served output and the HTTP response.
"""

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("--file", required=True, help="content file to edit, relative to the site")
    ap.add_argument("--url", required=True, help="URL path of that page, e.g. /a/b/")
    ap.add_argument("--edits", type=int, default=21)
    ap.add_argument("--pause", type=float, default=5.0, help="longest wait between saves")
    ap.add_argument("--binary", default="target/release/styre")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    site = Path(args.site)
    path = site / args.file
    original = path.read_bytes()
    port = free_port()
    proc = subprocess.Popen(
        [args.binary, "serve", "--root", str(site), "--port", str(port)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    lines = []
    cond = threading.Condition()

    def read_stderr():
        for line in proc.stderr:
            if args.verbose:
                sys.stderr.write(line)
            with cond:
                lines.append(line)
                cond.notify_all()

    threading.Thread(target=read_stderr, daemon=True).start()

    def wait_for(pattern, since, timeout):
        deadline = time.monotonic() + timeout
        with cond:
            while True:
                for line in lines[since:]:
                    if re.search(pattern, line):
                        return True
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                cond.wait(left)

    try:
        if not wait_for(r"^Serving", 0, 300):
            sys.exit("the server did not start")
        conn = http.client.HTTPConnection("127.0.0.1", port)
        latencies = []
        rebuilds = []
        for i in range(args.edits):
            marker = f"Setning {i} fra latenstesten {time.time_ns()}."
            since = len(lines)
            text = original + f"\n\n{marker}\n".encode()
            t0 = time.monotonic()
            with open(path, "wb") as f:
                f.write(text)
            while True:
                conn.request("GET", args.url)
                body = conn.getresponse().read()
                if marker.encode() in body:
                    break
                if time.monotonic() - t0 > 60:
                    sys.exit(f"edit {i}: the page never showed the new text")
            t1 = time.monotonic()
            latencies.append((t1 - t0) * 1000)
            wait_for(r"search index", since, args.pause)
            with cond:
                for line in lines[since:]:
                    m = re.search(r"Updated .* in (\d+) ms", line)
                    if m and "search" not in line:
                        rebuilds.append(int(m.group(1)))
            print(f"edit {i:2}: {latencies[-1]:7.1f} ms save → served", flush=True)
        print(
            f"median {statistics.median(latencies):.1f} ms save → served "
            f"(min {min(latencies):.1f}, max {max(latencies):.1f}; {len(latencies)} edits)"
        )
        if rebuilds:
            print(f"server's own update time: median {statistics.median(rebuilds)} ms")
    finally:
        path.write_bytes(original)
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
