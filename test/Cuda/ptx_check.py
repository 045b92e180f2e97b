#!/usr/bin/env python3
"""Assembles every .ptx in a folder with ptxas and summarizes the kernels.

  ptx_check.py PTXAS DIR ARCH

Prints one line per file with its number of kernels and how many of them
use warp shuffles (a block reduction's tree), then a total, or the first
ptxas error and exit 1.
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
    kernels = shuffles = 0
    for name in files:
        path = os.path.join(folder, name)
        text = open(path).read()
        # Each kernel's text runs from its .entry to the next one.
        bodies = re.split(r"\.entry\s+", text)[1:]
        trees = sum("shfl.sync" in body for body in bodies)
        kernels += len(bodies)
        shuffles += trees
        run = subprocess.run([ptxas, f"-arch={arch}", path, "-o", os.devnull],
                             capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"ptx_check.py: ptxas rejected {name}:\n{run.stderr}")
        print(f"{name}: {len(bodies)} kernels, {trees} with block reductions")
    print(f"{kernels} kernels in {len(files)} files assembled for {arch}, "
          f"{shuffles} with block reductions")


if __name__ == "__main__":
    main()
