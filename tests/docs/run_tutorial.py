#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""run_tutorial.py BUILD_DIR TUTORIAL.md: runs the tutorial as written.

Installs BUILD_DIR with 'meson install --destdir' into a staging directory
and puts it where an installed protmm would be found (PATH, PKG_CONFIG_PATH
with PKG_CONFIG_SYSROOT_DIR, LD_LIBRARY_PATH standing for ldconfig). Then,
in an empty directory, in the order of the page:

  ```LANG file=NAME      writes the block to NAME
  ```sh test [exit=N]    runs each line with bash: the last must exit N
                         (default 0), the others 0
  ```text output         what the block before printed (stdout, stderr):
                         these lines in this order, each whole; '...' in a
                         line stands for any text, a line '...' for any
                         lines

Any other block is prose. Exit 1 at the first difference, naming the
tutorial's line.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

FENCE = re.compile(r"^```(\S*)(.*)$")


def blocks(path):
    """(line, lang, attrs, text) of each fenced block."""
    out, cur = [], None
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if cur is None:
            m = FENCE.match(line)
            if m:
                attrs = dict(a.split("=", 1) if "=" in a else (a, "")
                             for a in m.group(2).split())
                cur = (n, m.group(1), attrs, [])
        elif line == "```":
            out.append((cur[0], cur[1], cur[2], "\n".join(cur[3]) + "\n"))
            cur = None
        else:
            cur[3].append(line)
    if cur is not None:
        sys.exit(f"{path}:{cur[0]}: block not closed")
    return out


def line_re(pattern):
    return re.compile(".*".join(re.escape(p) for p in pattern.split("...")))


def matches(expected, actual):
    """Whether @actual's lines are @expected's patterns in order."""
    want = expected.rstrip("\n").split("\n")
    got = actual.rstrip("\n").split("\n") if actual.strip() else []

    def walk(i, j):
        while i < len(want):
            if want[i] == "...":
                return any(walk(i + 1, k) for k in range(j, len(got) + 1))
            if j >= len(got) or not line_re(want[i]).fullmatch(got[j].rstrip()):
                return False
            i, j = i + 1, j + 1
        return j == len(got)
    return walk(0, 0)


def stage_install(build):
    stage = tempfile.mkdtemp(prefix="protmm-tutorial-stage.")
    r = subprocess.run(["meson", "install", "-C", build, "--destdir", stage,
                        "--no-rebuild", "--quiet"], capture_output=True, text=True)
    if r.returncode:
        sys.exit("meson install failed:\n" + r.stdout + r.stderr)
    found = {}
    for root, _, files in os.walk(stage):
        for f in files:
            if f == "protmm" and root.endswith("/bin"):
                found["bin"] = root
            elif f == "protmm.pc":
                found["pc"] = root
            elif f.startswith("libprotmm.so"):
                found["lib"] = root
    if len(found) != 3:
        sys.exit(f"staged install lacks {set(['bin', 'pc', 'lib']) - set(found)}")
    env = dict(os.environ)
    env["PATH"] = found["bin"] + os.pathsep + env.get("PATH", "")
    env["PKG_CONFIG_PATH"] = found["pc"]
    env["PKG_CONFIG_SYSROOT_DIR"] = stage
    env["LD_LIBRARY_PATH"] = found["lib"]
    env.pop("MAKEFLAGS", None)
    return stage, env


def main(build, tutorial):
    stage, env = stage_install(os.path.abspath(build))
    work = tempfile.mkdtemp(prefix="protmm-tutorial.")
    last, ran, checked = None, 0, 0
    try:
        for line, lang, attrs, text in blocks(tutorial):
            where = f"{tutorial}:{line}"
            if "file" in attrs:
                with open(os.path.join(work, attrs["file"]), "w") as f:
                    f.write(text)
            elif lang == "sh" and "test" in attrs:
                want = int(attrs.get("exit", "0"))
                last = ""
                for cmd in text.strip("\n").split("\n"):
                    r = subprocess.run(["bash", "-c", cmd], cwd=work, env=env,
                                       capture_output=True, text=True)
                    last += r.stdout + r.stderr
                    ran += 1
                    # A block's commands before its last must succeed.
                    code = want if cmd == text.strip("\n").split("\n")[-1] else 0
                    if r.returncode != code:
                        print(f"{where}: '{cmd}' exited {r.returncode}, not "
                              f"{code}:\n{r.stdout}{r.stderr}")
                        return 1
            elif lang == "text" and "output" in attrs:
                if last is None:
                    print(f"{where}: an output block follows no command block")
                    return 1
                if not matches(text, last):
                    print(f"{where}: the commands printed\n{last}\n"
                          f"which is not what the tutorial shows:\n{text}")
                    return 1
                checked += 1
                last = None
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(stage, ignore_errors=True)
    if ran < 5 or checked < 5:
        print(f"only {ran} commands and {checked} outputs found")
        return 1
    print(f"{tutorial}: {ran} commands run, {checked} outputs as shown")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
