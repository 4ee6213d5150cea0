#!/usr/bin/env python3
"""Compare trifecta's skeleton with CPython's own `ast` module.

Usage: compare_cpython_ast.py SEGMENT_ROOT SKELETON_JSON [--show N]

SKELETON_JSON is the output of `trifecta ast skeleton --json -s SEGMENT_ROOT .`.
For every Python file in it, CPython's `ast` lists each class and function
that is not inside a function body (module level, class bodies at any depth,
and the bodies of if/try/with/for/while/match blocks), with `lineno` (the
`def`/`class` line, decorators apart, Python >= 3.8) and `end_lineno`.
The two sets are compared on (file, qualified name, start line, end line).
Exit status 0 when nothing is missing and nothing differs.
"""
import ast
import json
import sys
from collections import Counter

FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


def cpython_defs(tree):
    out = []

    def visit(stmts, prefix):
        for node in stmts:
            if isinstance(node, ast.ClassDef):
                q = prefix + node.name
                out.append(("class", q, node.lineno, node.end_lineno))
                visit(node.body, q + ".")
            elif isinstance(node, FUNCS):
                out.append(("function", prefix + node.name, node.lineno, node.end_lineno))
            else:
                # Compound statements: their blocks are not function bodies.
                for field in ("body", "orelse", "finalbody"):
                    visit(getattr(node, field, []) or [], prefix)
                for h in getattr(node, "handlers", []) or []:
                    visit(h.body, prefix)
                for c in getattr(node, "cases", []) or []:
                    visit(c.body, prefix)

    visit(tree.body, "")
    return out


def ours_defs(symbols):
    out = []

    def visit(syms):
        for s in syms:
            kind = "class" if s["kind"] == "class" else "function"
            out.append((kind, s["qualified_name"], s["start_line"], s["end_line"]))
            visit(s["children"])

    visit(symbols)
    return out


def main():
    root, skel_path = sys.argv[1], sys.argv[2]
    show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 20
    with open(skel_path, encoding="utf-8") as fh:
        data = json.load(fh)
    totals = Counter()
    missing, extra, syntax = [], [], []
    for f in data["files"]:
        if f["language"] != "python":
            continue
        totals["files"] += 1
        with open(f"{root}/{f['path']}", "rb") as fh:
            src = fh.read()
        try:
            tree = ast.parse(src, filename=f["path"])
        except (SyntaxError, ValueError) as err:
            syntax.append((f["path"], str(err)))
            continue
        theirs = Counter(cpython_defs(tree))
        ours = Counter(ours_defs(f["symbols"]))
        totals["cpython_classes"] += sum(n for (k, *_), n in theirs.items() if k == "class")
        totals["cpython_functions"] += sum(n for (k, *_), n in theirs.items() if k == "function")
        totals["ours"] += sum(ours.values())
        for key, n in (theirs - ours).items():
            missing.extend([(f["path"],) + key] * n)
        for key, n in (ours - theirs).items():
            extra.extend([(f["path"],) + key] * n)
        totals["matched"] += sum((theirs & ours).values())
    cp_total = totals["cpython_classes"] + totals["cpython_functions"]
    print(f"python files compared: {totals['files']} (CPython syntax errors: {len(syntax)})")
    print(f"CPython definitions outside function bodies: {cp_total} "
          f"({totals['cpython_classes']} classes, {totals['cpython_functions']} functions/methods)")
    print(f"trifecta definitions: {totals['ours']}")
    print(f"matched on (file, qualified name, start line, end line): {totals['matched']}")
    print(f"missing or different in trifecta: {len(missing)}")
    print(f"extra or different in trifecta: {len(extra)}")
    for row in missing[:show]:
        print("  missing:", *row)
    for row in extra[:show]:
        print("  extra:  ", *row)
    for path, err in syntax[:show]:
        print("  syntax error (CPython):", path, err)
    sys.exit(0 if not missing and not extra else 1)


if __name__ == "__main__":
    main()
