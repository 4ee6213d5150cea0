#!/usr/bin/env python3
"""Compare trifecta's skeleton with an oracle's list of definitions.

Usage: compare.py LANGUAGE ORACLE_JSONL SKELETON_JSON [--show N]

ORACLE_JSONL holds one JSON object per file: {"path", "defs": [[kind,
qualified name, start line, end line(, doc line)], ...], "errors"}; when the
oracle gives doc lines, those of matched definitions are compared too; SKELETON_JSON is the
output of `trifecta ast skeleton --json -s ROOT .`. Every definition of the
skeleton (children included) is compared with the oracle's on (file, kind,
qualified name, start line, end line); a definition found with the same
(file, kind, name) but other lines counts as a line mismatch. Files the
oracle could not parse (errors > 0) are counted apart and left out.
Used by bench/compare_java.sh and bench/compare_csharp.sh.
Exit status 0 when nothing is missing and nothing is extra.
"""
import json
import sys
from collections import Counter


def ours_defs(symbols):
    out = []

    def visit(syms):
        for s in syms:
            out.append((s["kind"], s["qualified_name"], s["start_line"], s["end_line"], s["doc"]))
            visit(s["children"])

    visit(symbols)
    return out


def doc_differences(theirs, ours):
    """Matched definitions (same key) whose doc lines differ: (key, oracle, ours)."""
    by_key = {}
    for d in ours:
        by_key.setdefault(d[:4], []).append(d[4])
    out = []
    for d in theirs:
        docs = by_key.get(tuple(d[:4]))
        if not docs:
            continue
        if d[4] in docs:
            docs.remove(d[4])
        else:
            out.append((tuple(d[:4]), d[4], docs.pop(0)))
    return out


def main():
    language, oracle_path, skel_path = sys.argv[1], sys.argv[2], sys.argv[3]
    show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 20
    with open(skel_path, encoding="utf-8") as fh:
        skeleton = {f["path"]: f for f in json.load(fh)["files"] if f["language"] == language}
    totals = Counter()
    missing, extra, moved, broken, docs = [], [], [], [], []
    kinds = Counter()
    with open(oracle_path, encoding="utf-8") as fh:
        for raw in fh:
            row = json.loads(raw)
            path = row["path"]
            if row["errors"] > 0:
                broken.append(path)
                continue
            totals["files"] += 1
            theirs = Counter(tuple(d[:4]) for d in row["defs"])
            with_docs = len(row["defs"]) > 0 and len(row["defs"][0]) > 4
            kinds.update(d[0] for d in row["defs"])
            f = skeleton.get(path)
            if f is None:
                totals["files_missing"] += 1
                ours = Counter()
            else:
                ours_full = ours_defs(f["symbols"])
                ours = Counter(d[:4] for d in ours_full)
                totals["has_errors"] += 1 if f.get("has_errors") else 0
                if with_docs:
                    totals["docs_compared"] += 1
                    docs.extend((path,) + x for x in doc_differences(row["defs"], ours_full))
            totals["oracle"] += sum(theirs.values())
            totals["ours"] += sum(ours.values())
            totals["matched"] += sum((theirs & ours).values())
            lost = theirs - ours
            added = ours - theirs
            # Same (kind, name) on both sides with other lines: a line mismatch.
            added_names = Counter((k, q) for (k, q, _s, _e) in added.elements())
            for key in lost.elements():
                if added_names[key[:2]] > 0:
                    added_names[key[:2]] -= 1
                    moved.append((path,) + key)
                else:
                    missing.append((path,) + key)
            lost_names = Counter((k, q) for (k, q, _s, _e) in lost.elements())
            for key in added.elements():
                if lost_names[key[:2]] > 0:
                    lost_names[key[:2]] -= 1
                else:
                    extra.append((path,) + key)
    oracle = totals["oracle"]
    recall = 100.0 * totals["matched"] / oracle if oracle else 0.0
    print(f"{language} files compared: {totals['files']} (oracle parse errors: {len(broken)}; "
          f"not in the skeleton: {totals['files_missing']}; trifecta has_errors: {totals['has_errors']})")
    print(f"oracle definitions: {oracle} ({', '.join(f'{n} {k}' for k, n in kinds.most_common())})")
    print(f"trifecta definitions: {totals['ours']}")
    print(f"matched on (file, kind, qualified name, start line, end line): {totals['matched']} "
          f"({recall:.2f}%)")
    print(f"line mismatches: {len(moved)}")
    print(f"missing in trifecta: {len(missing)}")
    print(f"extra in trifecta: {len(extra)}")
    if totals["docs_compared"]:
        print(f"doc line differs (matched definitions): {len(docs)}")
    for r in moved[:show]:
        print("  lines differ (oracle):", *r)
    for r in missing[:show]:
        print("  missing:", *r)
    for r in extra[:show]:
        print("  extra:  ", *r)
    for path, key, theirs_doc, ours_doc in docs[:show]:
        print("  doc differs:", path, *key, f"oracle={theirs_doc!r} ours={ours_doc!r}")
    for p in broken[:show]:
        print("  oracle parse error:", p)
    sys.exit(0 if not missing and not extra and not moved and not docs else 1)


if __name__ == "__main__":
    main()
