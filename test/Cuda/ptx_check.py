#!/usr/bin/env python3
"""Assembles every .ptx in a folder with ptxas and summarizes the kernels.

  ptx_check.py PTXAS DIR ARCH

Prints one line per file with its entry points and whether it has warp
shuffles (a block reduction's tree), then "N files assembled for ARCH", or
the first ptxas error and exit 1.
"""
import os
import re
import subprocess
import sys


def main():
    ptxas, folder, arch = sys.argv[1:4]
    files = sorted(f for f in os.listdir(folder) if f.endswith(".ptx"))
    if not files:
        sys.exit(f"ptx_check.py: no .ptx files in {folder}")
    shuffles = 0
    for name in files:
        path = os.path.join(folder, name)
        text = open(path).read()
        entries = re.findall(r"\.entry\s+(\w+)", text)
        tree = "shfl.sync" in text
        shuffles += tree
        run = subprocess.run([ptxas, f"-arch={arch}", path, "-o", os.devnull],
                             capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"ptx_check.py: ptxas rejected {name}:\n{run.stderr}")
        print(f"{name}: {len(entries)} entry, "
              f"{'block reduction' if tree else 'no reduction'}")
    print(f"{len(files)} files assembled for {arch}, "
          f"{shuffles} with block reductions")


if __name__ == "__main__":
    main()
