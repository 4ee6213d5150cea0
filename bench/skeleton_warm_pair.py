#!/usr/bin/env python3
"""Paired A/B of a warm `ast skeleton` against a cold Universal Ctags JSON run.

Each round runs BASE's skeleton, NEW's skeleton and ctags in turn (the order
rotated each round, two warm-up rounds first); medians of wall time
(perf_counter) and of user+system CPU (wait4 rusage), in microseconds, so
runs 10 ms apart can be told apart (`/usr/bin/time` cannot). Both checkouts
share the primed persistent cache in CORPUS/.trifecta: prime it once with
each checkout's `ast skeleton --persist-cache --json` before measuring
(their cache keys differ when their extraction code does).

  CORPUS=/tmp/c17/django BASE=/path/to/base [NEW=.] [DENO=deno] \
    python3 bench/skeleton_warm_pair.py ROUNDS [skeleton flags…]

e.g. `python3 bench/skeleton_warm_pair.py 21 --telemetry off --json`.
"""
import os
import statistics
import subprocess
import sys
import time

FLAGS = "--unstable-raw-imports --allow-read --allow-write --allow-env --allow-run --allow-sys".split()


def skeleton(deno, checkout, corpus, extra):
    main = os.path.join(checkout, "main.ts")
    return [deno, "run", *FLAGS, main, "ast", "skeleton", *extra, "--persist-cache", "-s", corpus, "."]


def run(cmd):
    """One run: (wall s, user+system CPU s), output discarded."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    if status != 0:
        sys.exit(f"failed ({status}): {' '.join(cmd)}")
    return time.perf_counter() - t0, usage.ru_utime + usage.ru_stime


def main():
    if len(sys.argv) < 2 or "BASE" not in os.environ:
        sys.exit(__doc__)
    rounds = int(sys.argv[1])
    extra = sys.argv[2:]
    corpus = os.environ.get("CORPUS", "/tmp/c17/django")
    deno = os.environ.get("DENO", "deno")
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cmds = {
        "base": skeleton(deno, os.environ["BASE"], corpus, extra),
        "new": skeleton(deno, os.environ.get("NEW", here), corpus, extra),
        "ctags": ["ctags", "-R", "--output-format=json", "--fields=+neKS",
                  "--languages=Python,TypeScript,JavaScript", "-f", "-", corpus],
    }
    order = list(cmds)
    for _ in range(2):
        for k in order:
            run(cmds[k])
    load0 = os.getloadavg()[0]
    res = {k: [] for k in cmds}
    for i in range(rounds):
        for k in order[i % 3:] + order[:i % 3]:
            res[k].append(run(cmds[k]))
    load1 = os.getloadavg()[0]
    med = {k: (statistics.median(w for w, _ in v) * 1000, statistics.median(c for _, c in v) * 1000)
           for k, v in res.items()}
    print(f"flags {' '.join(extra)}; rounds {rounds}; load {load0:.2f} -> {load1:.2f}")
    for k, (w, c) in med.items():
        print(f"  {k:5s} median wall {w:6.1f} ms  cpu {c:6.1f} ms")

    def ratio(a, b, i):
        return med[a][i] / med[b][i]

    print(f"  new/ctags wall {ratio('new', 'ctags', 0):.2f}x cpu {ratio('new', 'ctags', 1):.2f}x; "
          f"base/ctags wall {ratio('base', 'ctags', 0):.2f}x cpu {ratio('base', 'ctags', 1):.2f}x; "
          f"new/base wall {ratio('new', 'base', 0):.2f}x cpu {ratio('new', 'base', 1):.2f}x")


if __name__ == "__main__":
    main()
