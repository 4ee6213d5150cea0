#!/usr/bin/env python3
"""Token estimate (bytes / 4, the same for every tool) of skeleton outputs vs raw source.

Usage: skeleton_tokens.py OURS_JSON NAME=FILE...
OURS_JSON is `ast skeleton --json` output: its files (and skipped files are
excluded) define the raw source bytes. Each NAME=FILE is one tool's output.
"""
import json
import os
import sys

ours = json.load(open(sys.argv[1], encoding="utf-8"))
raw = sum(f["bytes"] for f in ours["files"])
print(f"raw source: {len(ours['files'])} files, {raw} bytes, ~{raw // 4} tokens (bytes/4)")
for arg in sys.argv[2:]:
    name, path = arg.split("=", 1)
    size = os.path.getsize(path)
    print(f"{name}: {size} bytes, ~{size // 4} tokens, {100 * size / raw:.1f}% of raw")
