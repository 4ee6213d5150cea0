#!/usr/bin/env python3
"""Compare trifecta's C or C++ skeleton with clang's own AST.

Usage: compare.py c|cpp SEGMENT_ROOT SKELETON_JSON [--show N] [-- CLANG_FLAGS…]

SKELETON_JSON is `trifecta ast skeleton --json -s SEGMENT_ROOT .`. For every
file of the language in it, clang_defs.py lists the definitions clang
reports (see there for what counts); the two are compared on (file, kind
class, qualified name, start line, end line), kind class being `function`
(functions, methods) or `type` (everything else). A file clang reports
an error in (a missing header, an unknown macro) is left out and counted:
past an error its AST is a guess. Extras
are split into those in a branch the preprocessor left out (clang cannot
see them) and the rest. Exit status 0 when nothing is missing or differs.
"""
import json
import os
import sys
import time
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clang_defs import file_defs  # noqa: E402

FUNCTION_KINDS = {"function", "method"}


def kind_class(kind):
    return "function" if kind in FUNCTION_KINDS else "type"


def norm(qname):
    """Operators are compared without white space (`operator ==` is `operator==`)."""
    return "".join(qname.split())


def ours_defs(symbols):
    out = []

    def visit(syms):
        for s in syms:
            out.append((kind_class(s["kind"]), norm(s["qualified_name"]), s["start_line"], s["end_line"]))
            visit(s["children"])

    visit(symbols)
    return out


def pair(theirs, ours):
    """Exact matches, then same-name pairs with other lines, then the rest."""
    t, o = Counter(theirs), Counter(ours)
    exact = t & o
    t, o = t - exact, o - exact
    by_name_t, by_name_o = defaultdict(list), defaultdict(list)
    for row in sorted(t.elements()):
        by_name_t[row[:2]].append(row)
    for row in sorted(o.elements()):
        by_name_o[row[:2]].append(row)
    mismatch, missing, extra = [], [], []
    for key in set(by_name_t) | set(by_name_o):
        a, b = by_name_t.get(key, []), by_name_o.get(key, [])
        n = min(len(a), len(b))
        mismatch += list(zip(a[:n], b[:n]))
        missing += a[n:]
        extra += b[n:]
    return sum(exact.values()), mismatch, missing, extra


def main():
    argv = sys.argv[1:]
    flags = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[: argv.index("--")] if "--" in argv else argv
    lang, root, skel_path = argv[0], argv[1], argv[2]
    show = int(argv[argv.index("--show") + 1]) if "--show" in argv else 20
    with open(skel_path, encoding="utf-8") as fh:
        data = json.load(fh)
    totals = Counter()
    shown = defaultdict(list)
    excluded = []
    started = time.monotonic()
    for f in data["files"]:
        if f["language"] != lang:
            continue
        totals["files"] += 1
        path = os.path.join(root, f["path"])
        try:
            got = file_defs(path, lang, flags)
        except (KeyError, TypeError, ValueError, OSError) as exc:
            # One file clang's JSON surprises (or that cannot be read) is
            # left out and named below; it must not end the whole run.
            excluded.append((f["path"], f"oracle failed: {type(exc).__name__}: {exc}"))
            totals["oracle_failed"] += 1
            continue
        if got["fatal"] or "active" not in got:
            excluded.append((f["path"], (got["fatal"] or ["no AST"])[0]))
            continue
        if got["errors"]:
            # Past an error clang's AST is a guess (an unknown macro call
            # becomes an implicit function): no oracle for this file.
            totals["files_with_errors"] += 1
            excluded.append((f["path"], got["errors"][0]))
            continue
        totals["parsed"] += 1
        theirs = [tuple(d) for d in got["defs"]]
        theirs = [(kind_class(k), norm(q), b, e) for k, q, b, e in theirs]
        ours = ours_defs(f["symbols"])
        active = set(got["active"])
        exact, mismatch, missing, extra = pair(theirs, ours)
        totals["oracle"] += len(theirs)
        totals["macro"] += len(got["macro"])
        totals["ours"] += len(ours)
        totals["found"] += exact
        totals["mismatch"] += len(mismatch)
        totals["missing"] += len(missing)
        for row in extra:
            if row[2] in active:
                totals["extra"] += 1
                shown["extra"].append((f["path"], row))
            else:
                totals["extra_inactive"] += 1
                shown["extra_inactive"].append((f["path"], row))
        shown["mismatch"] += [(f["path"], m) for m in mismatch]
        shown["missing"] += [(f["path"], m) for m in missing]
    elapsed = time.monotonic() - started
    recall = totals["found"] / totals["oracle"] if totals["oracle"] else 1.0
    print(f"{lang} files: {totals['files']}, parsed by clang without error: {totals['parsed']}, "
          f"left out: {len(excluded)} ({totals['files_with_errors']} with errors, "
          f"{len(excluded) - totals['files_with_errors'] - totals['oracle_failed']} with a fatal error"
          f", {totals['oracle_failed']} the oracle failed on)")
    print(f"clang definitions: {totals['oracle']} (+{totals['macro']} made by macro expansion, not counted)")
    print(f"found with exact lines: {totals['found']} ({recall:.4%})")
    print(f"line mismatches: {totals['mismatch']}, missing: {totals['missing']}")
    print(f"extras: {totals['extra']} (+{totals['extra_inactive']} in preprocessor branches clang left out)")
    print(f"oracle time: {elapsed:.1f}s")
    for label in ("missing", "mismatch", "extra", "extra_inactive"):
        for path, row in shown[label][:show]:
            print(f"  {label}: {path}: {row}")
    for path, why in excluded[:show]:
        print(f"  left out: {path}: {why}")
    bad = totals["missing"] + totals["mismatch"] + totals["extra"]
    sys.exit(0 if bad == 0 else 1)


if __name__ == "__main__":
    main()
