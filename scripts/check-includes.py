#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Holds the code to the dependency rules of docs/architecture.md.

The rules are the fenced block headed "<!-- include-rules -->" in docs/architecture.md: one line
per folder, "FOLDER: ALLOWED ..." (folders of this repository; a folder may always include its
own headers). Every `#include "macf/..."` of every C++/CUDA file under a ruled folder is mapped
to the folder that owns the header and checked against its line. Exit 0 when all hold, 1 with
one line per violation ("file:line: <folder> may not include <header> (<owner>)") otherwise.

  scripts/check-includes.py [ROOT]            check the tree at ROOT (default: the repository)
  scripts/check-includes.py --self-test       plant an upward include in a copy and expect it
                                              to be caught (the rule's test must be able to fail)
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

INCLUDE = re.compile(r'^\s*#\s*include\s+"(macf/[^"]+)"')
SOURCES = {".hpp", ".cpp", ".cu", ".cuh", ".h"}


def read_rules(root: Path) -> dict[str, set[str]]:
    text = (root / "docs" / "architecture.md").read_text()
    start = text.index("<!-- include-rules -->")
    block = text[text.index("```", start) + 3:]
    block = block[block.index("\n") + 1: block.index("```")]
    rules: dict[str, set[str]] = {}
    for line in block.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        folder, _, allowed = line.partition(":")
        rules[folder.strip()] = set(allowed.split())
    return rules


def header_owners(root: Path, rules: dict[str, set[str]]) -> dict[str, str]:
    """Maps "macf/..." include paths to the ruled folder whose include/ or own tree holds them."""
    owners: dict[str, str] = {}
    # The most specific folder first: host/search/backends owns its headers, not host/search.
    for folder in sorted(rules, key=len, reverse=True):
        base = root / folder
        for path in base.rglob("*"):
            if path.suffix not in {".hpp", ".h", ".cuh"}:
                continue
            rel = path.relative_to(base).as_posix()
            # host/search/include/macf/host/search/x.hpp → macf/host/search/x.hpp
            if "include/" in rel:
                owners.setdefault(rel[rel.index("include/") + len("include/"):], folder)
    return owners


def owner_of(include: str, owners: dict[str, str], rules: dict[str, set[str]]) -> str | None:
    if include in owners:
        return owners[include]
    # Headers not found on disk: map by path prefix (macf/host/search/... → host/search).
    parts = include.split("/")[1:-1]
    while parts:
        candidate = "/".join(parts)
        if candidate in rules:
            return candidate
        parts.pop()
    return None


def ruled_folder(rel: str, rules: dict[str, set[str]]) -> str | None:
    best = None
    for folder in rules:
        if rel == folder or rel.startswith(folder + "/"):
            if best is None or len(folder) > len(best):
                best = folder
    return best


def check(root: Path) -> list[str]:
    rules = read_rules(root)
    owners = header_owners(root, rules)
    problems = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in SOURCES or "build" in path.relative_to(root).parts[:1]:
            continue
        rel = path.relative_to(root).as_posix()
        folder = ruled_folder(rel, rules)
        if folder is None:
            continue
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            owner = owner_of(m.group(1), owners, rules)
            if owner is None:
                problems.append(f"{rel}:{n}: {m.group(1)} belongs to no folder of the rules")
            elif owner != folder and owner not in rules[folder]:
                problems.append(f"{rel}:{n}: {folder} may not include {m.group(1)} ({owner})")
    return problems


def self_test(root: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "tree"
        for top in ("docs", "dex", "chain", "cuda", "kernels", "host"):
            if (root / top).exists():
                shutil.copytree(root / top, copy / top)
        if check(copy):
            print("self-test: the unmodified copy already breaks the rules", file=sys.stderr)
            return 1
        # An upward include: the market model reaching up into the service.
        victim = copy / "host" / "model" / "src" / "market.cpp"
        victim.write_text('#include "macf/host/service/service.hpp"\n' + victim.read_text())
        found = check(copy)
        expected = "host/model/src/market.cpp:1: host/model may not include"
        if not any(p.startswith(expected) for p in found):
            print(f"self-test: the planted include was not caught: {found}", file=sys.stderr)
            return 1
        print(f"self-test: planted upward include caught: {found[0]}")
    return 0


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[1]
    if argv and argv[0] == "--self-test":
        return self_test(root)
    if argv:
        root = Path(argv[0])
    problems = check(root)
    for p in problems:
        print(p)
    if not problems:
        print(f"include rules hold: {len(read_rules(root))} folders checked")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
