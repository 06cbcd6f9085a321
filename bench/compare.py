#!/usr/bin/env python3
"""styre and Hugo side by side on the benchmark corpus, in one run.

    python3 ../shared/bench/gen_corpus.py --meetings 300 --size large --out /tmp/corpus-large
    cargo build --release
    python3 bench/compare.py /tmp/corpus-large [--runs 5] [--styre target/release/styre] [--hugo hugo]

The corpus directory is what gen_corpus.py writes (`corpus.json` and the Hugo site `hugo/`); the
styre site is made from `corpus.json` by corpus_to_styre.py, into a temporary folder. After one
warm-up round, each round runs `styre build`, `hugo` and `styre check` in turn, every build into a
new, empty output folder (as CI builds). Each command is timed as a whole process: wall time
around it, CPU time (user + sys) and peak resident memory from the kernel's accounting of the
reaped child (`os.wait4`). Printed: medians with min–max, the styre/Hugo wall ratio taken round
by round (so the machine's drift cancels), the output sizes and the search data each writes
(raw and gzip -9). Standard library only.
"""

import argparse
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(cmd):
    """Runs `cmd`, returns (wall s, cpu s, peak MiB); fails loudly on a non-zero exit."""
    with tempfile.TemporaryFile() as stderr:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        err = stderr.read().decode(errors="replace")
    code = proc.returncode
    if code != 0:
        sys.exit(f"{' '.join(map(str, cmd))} exited {code}:\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def sizes(folder, predicate=lambda p: True):
    """(file count, raw bytes, gzip -9 bytes) of the files under `folder` that `predicate` keeps."""
    count = raw = packed = 0
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and predicate(path):
            data = path.read_bytes()
            count += 1
            raw += len(data)
            packed += len(gzip.compress(data, compresslevel=9, mtime=0))
    return count, raw, packed


def summary(values, unit, digits=3):
    med = statistics.median(values)
    return f"{med:.{digits}f} {unit} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--styre", default="target/release/styre")
    parser.add_argument("--hugo", default="hugo")
    args = parser.parse_args()

    here = Path(__file__).resolve().parent
    work = Path(tempfile.mkdtemp(prefix="styre-compare-"))
    try:
        site = work / "site"
        subprocess.run(
            [sys.executable, here / "corpus_to_styre.py", args.corpus / "corpus.json", site],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        hugo_src = args.corpus / "hugo"
        version = subprocess.run([args.hugo, "version"], capture_output=True, text=True).stdout.strip()
        commands = {
            "styre build": lambda out: [args.styre, "build", "--root", site, "--output-dir", out],
            "hugo": lambda out: [args.hugo, "--quiet", "--source", hugo_src, "--destination", out],
            "styre check": lambda out: [args.styre, "check", "--root", site],
        }
        results = {name: [] for name in commands}
        # Nothing is deleted until the end (as PEERS.md measured the peers): on ext4, creating
        # thousands of files right after deleting thousands is slow, and would tax whichever
        # command came next.
        for round_ in range(args.runs + 1):
            for name, make in commands.items():
                out = work / f"out-{name.replace(' ', '-')}-{round_}"
                figures = run(make(out))
                if round_ > 0:
                    results[name].append(figures)

        print(f"styre: {args.styre}; Hugo: {version}")
        print(f"{args.runs} rounds after one warm-up, each build into a new empty folder\n")
        print("| command | wall median (min–max) | CPU median | peak memory median |")
        print("| --- | --- | --- | --- |")
        for name, rows in results.items():
            walls, cpus, peaks = zip(*rows)
            print(
                f"| `{name}` | {summary(walls, 's')} | {statistics.median(cpus):.3f} s "
                f"| {statistics.median(peaks):.1f} MiB |"
            )
        ratios = [s[0] / h[0] for s, h in zip(results["styre build"], results["hugo"])]
        check = [c[0] / b[0] for c, b in zip(results["styre check"], results["styre build"])]
        mem = statistics.median(r[2] for r in results["styre build"]) / statistics.median(
            r[2] for r in results["hugo"]
        )
        print(f"\nstyre build / Hugo, wall, round by round: {summary(ratios, '×')}")
        print(f"styre build / Hugo, peak memory (medians): {mem:.3f}×")
        print(f"styre check / styre build, wall, round by round: {summary(check, '×')}\n")

        styre_out = work / f"out-styre-build-{args.runs}"
        hugo_out = work / f"out-hugo-{args.runs}"
        print("| output | HTML files | all files | bytes | search data raw / gzip -9 |")
        print("| --- | --- | --- | --- | --- |")
        for name, out, is_search in [
            ("styre", styre_out, lambda p: "search" in p.relative_to(styre_out).parts[:1]),
            ("Hugo", hugo_out, lambda p: p.name == "index.json"),
        ]:
            html = sizes(out, lambda p: p.suffix == ".html")[0]
            files, raw, _ = sizes(out)
            _, search_raw, search_gz = sizes(out, is_search)
            print(f"| {name} | {html:,} | {files:,} | {raw:,} | {search_raw:,} / {search_gz:,} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
