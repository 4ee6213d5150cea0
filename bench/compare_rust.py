#!/usr/bin/env python3
"""Compare trifecta's Rust skeleton with the `syn` crate (bench/oracles/rust).

Usage: compare_rust.py SEGMENT_ROOT SKELETON_JSON ORACLE_BIN [--show N]

SKELETON_JSON is the output of `trifecta ast skeleton --json -s SEGMENT_ROOT .`.
ORACLE_BIN (bench/oracles/rust, built with cargo) reads each Rust file with
syn and lists the definitions trifecta's Rust skeleton promises (see its
header). The two sets are compared on (file, qualified name, kind, start
line, end line); docs are compared on matched definitions and reported
apart. Files trifecta skipped count as missing. Exit status 0 when nothing
is missing and nothing is extra.
"""
import json
import subprocess
import sys
import time
from collections import Counter


def ours_defs(symbols, out, docs):
    for s in symbols:
        key = (s["kind"], s["qualified_name"], s["start_line"], s["end_line"])
        out[key] += 1
        docs[key] = s["doc"]
        ours_defs(s["children"], out, docs)


def run_oracle(binary, root, paths):
    began = time.time()
    res = subprocess.run([binary, root], input="\n".join(paths) + "\n",
                         capture_output=True, text=True, check=True)
    defs, docs, syntax = {}, {}, {}
    for line in res.stdout.splitlines():
        parts = line.split("\t")
        if parts[0] == "syntax":
            syntax[parts[1]] = parts[2]
            continue
        _, path, kind, qname, start, end, doc = parts
        key = (kind, qname, int(start), int(end))
        defs.setdefault(path, Counter())[key] += 1
        docs.setdefault(path, {})[key] = doc
    return defs, docs, syntax, time.time() - began


def main():
    root, skel_path, binary = sys.argv[1], sys.argv[2], sys.argv[3]
    show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 20
    with open(skel_path, encoding="utf-8") as fh:
        data = json.load(fh)
    files = [f for f in data["files"] if f["language"] == "rust"]
    skipped = [s for s in data.get("skipped", []) if s["path"].endswith(".rs")]
    paths = [f["path"] for f in files] + [s["path"] for s in skipped]
    theirs_all, their_docs, syntax, oracle_time = run_oracle(binary, root, paths)
    t = Counter()
    missing, extra, doc_rows = [], [], []
    for f in files + [{"path": s["path"], "symbols": []} for s in skipped]:
        path = f["path"]
        if path in syntax:
            t["syntax"] += 1
            continue
        t["files"] += 1
        theirs = theirs_all.get(path, Counter())
        ours, our_docs = Counter(), {}
        ours_defs(f["symbols"], ours, our_docs)
        for key, n in theirs.items():
            t["oracle"] += n
            t["kind:" + key[0]] += n
        t["ours"] += sum(ours.values())
        t["matched"] += sum((theirs & ours).values())
        for key, n in (theirs - ours).items():
            missing.extend([(path,) + key] * n)
        for key, n in (ours - theirs).items():
            extra.extend([(path,) + key] * n)
        for key in (theirs & ours):
            a, b = their_docs.get(path, {}).get(key, ""), our_docs.get(key, "")
            if a != b:
                doc_rows.append((path, key[1], a, b))
    kinds = ", ".join(f"{k[5:]} {n}" for k, n in sorted(t.items()) if k.startswith("kind:"))
    recall = 100 * t["matched"] / t["oracle"] if t["oracle"] else 0
    print(f"rust files compared: {t['files']} (syn syntax errors: {t['syntax']}; "
          f"trifecta skipped, counted as missing: {len(skipped)} "
          f"{[s['path'] + ' (' + s.get('reason', '') + ')' for s in skipped]})")
    print(f"syn definitions: {t['oracle']} ({kinds})")
    print(f"trifecta definitions: {t['ours']}")
    print(f"matched on (file, qualified name, kind, start line, end line): {t['matched']} "
          f"(recall {recall:.2f}%)")
    print(f"missing or different in trifecta: {len(missing)}")
    print(f"extra or different in trifecta: {len(extra)}")
    print(f"doc line differs (matched definitions): {len(doc_rows)}")
    print(f"oracle time: {oracle_time:.2f}s")
    for row in sorted(missing)[:show]:
        print("  missing:", *row)
    for row in sorted(extra)[:show]:
        print("  extra:  ", *row)
    for path, q, a, b in sorted(doc_rows)[:show]:
        print(f"  doc:     {path} {q}: syn {a!r}, trifecta {b!r}")
    for path, err in sorted(syntax.items())[:show]:
        print("  syntax error (syn):", path, err)
    sys.exit(0 if not missing and not extra else 1)


if __name__ == "__main__":
    main()
