#!/usr/bin/env python3
"""Runs prepare.py's cases on the GPU with lipt-run --device=cuda.

    scripts/device/run_cases.py OUT LIPT-RUN

Prints check_case.py's verdict per case (NAME: err E PASS|FAIL).
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(os.path.dirname(os.path.dirname(HERE)),
                     "test", "Execution", "check_case.py")


def main():
    out, lipt_run = sys.argv[1:3]
    names = json.load(open(os.path.join(out, "cases.json")))["cases"]
    for name in names:
        folder = os.path.join(out, "cases", name)
        p = subprocess.run([sys.executable, CHECK, folder, lipt_run,
                            os.path.join(folder, "case.lipt.so"),
                            "--device", "cuda"], capture_output=True,
                           text=True)
        print(f"{name}: " + (p.stdout.replace("\n", " ").strip()
                             or p.stderr.strip()), flush=True)


if __name__ == "__main__":
    main()
