#!/usr/bin/env python3
"""Runs a case lipt_case.py --function-dir wrote and checks its results.

  check_case.py DIR LIPT-RUN SOURCE [--device cuda]

SOURCE is DIR/case.mlir or an artifact compiled from it. Runs
`lipt-run SOURCE --function=case` with DIR's inputs, then prints, as
lipt_case.py's programs do, err = ||result - expected||_F / sigma_max
(over every result) and PASS or FAIL against the case's tolerance.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("folder")
    p.add_argument("lipt_run")
    p.add_argument("source")
    p.add_argument("--device", default="cpu")
    a = p.parse_args()
    case = json.load(open(os.path.join(a.folder, "case.json")))
    cmd = [a.lipt_run, a.source, "--function=case", "--device=" + a.device]
    cmd += ["--input=@" + os.path.join(a.folder, f"in{i}.npy")
            for i in range(case["inputs"])]
    outs = [os.path.join(a.folder, f"out{i}.npy")
            for i in range(case["results"])]
    cmd += ["--output=@" + o for o in outs]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("check_case.py: lipt-run failed: " + run.stderr.strip())
    sq = 0.0
    for i, out in enumerate(outs):
        got = np.load(out).astype(np.float64)
        want = np.load(os.path.join(a.folder, f"expected{i}.npy"))
        sq += float(((got - want) ** 2).sum())
    err = np.sqrt(sq) / case["scale"]
    print(f"err: {err:.6e}")
    print("PASS" if err <= case["tol"] else "FAIL")


if __name__ == "__main__":
    main()
