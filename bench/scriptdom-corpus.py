#!/usr/bin/env python3
"""Extracts the ScriptDom test scripts that its tests list as valid for SQL Server 2008-2025.

    python3 bench/scriptdom-corpus.py GIT_DIR OUT_DIR

GIT_DIR is a clone (or bare mirror) of microsoft/SqlScriptDOM. The lists are
Test/SqlDom/CommonSyntaxTests.cs and Only100SyntaxTests.cs ... Only170SyntaxTests.cs;
the Only80..., Only90... and Fabric-only lists are skipped. Every script they name is
looked up in Test/SqlDom/TestScripts and PhaseOneTestScripts and written to OUT_DIR
under its list's name (common/, 100/, ... 170/), so a parse benchmark can run on the
folder. The scripts stay in the scratch folder: they are never committed here.
"""
import re
import subprocess
import sys
from pathlib import Path

LISTS = ["Common"] + [f"Only{v}" for v in (100, 110, 120, 130, 140, 150, 160, 170)]
SCRIPT_DIRS = ["Test/SqlDom/TestScripts", "Test/SqlDom/PhaseOneTestScripts"]


def git(git_dir, *args):
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True
    ).stdout


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    git_dir, out = sys.argv[1], Path(sys.argv[2])
    names = git(git_dir, "ls-tree", "-r", "--name-only", "HEAD").decode().splitlines()
    by_name = {}
    for path in names:
        for folder in SCRIPT_DIRS:
            if path.startswith(folder + "/") and path.lower().endswith(".sql"):
                by_name.setdefault(path.rsplit("/", 1)[1].lower(), path)
    total = missing = 0
    for listed in LISTS:
        source = git(git_dir, "show", f"HEAD:Test/SqlDom/{listed}SyntaxTests.cs").decode("utf-8-sig")
        # Only the list's entries: `new ParserTest...("Name.sql", ...)`, not commented ones.
        lines = [line for line in source.splitlines() if not line.strip().startswith("//")]
        scripts = re.findall(r'new\s+ParserTest\w*\s*\(\s*"([^"]+\.sql)"', "\n".join(lines))
        folder = out / listed.lower().removeprefix("only")
        folder.mkdir(parents=True, exist_ok=True)
        for script in dict.fromkeys(scripts):
            path = by_name.get(script.lower())
            if path is None:
                missing += 1
                print(f"not found: {listed}: {script}", file=sys.stderr)
                continue
            (folder / script).write_bytes(git(git_dir, "show", f"HEAD:{path}"))
            total += 1
    print(f"{total} scripts written to {out} ({missing} listed but not found)")


if __name__ == "__main__":
    main()
