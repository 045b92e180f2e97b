#!/usr/bin/env python3
"""lipt.artifact (ctypes + torch, no LLVM) on a case lipt_case.py wrote.

    check_artifact.py CASE_DIR ARTIFACT

Runs the artifact's `case` on torch tensors made from the case's inputs
(CUDA tensors for a CUDA artifact) and prints err and PASS/FAIL as
check_case.py does; for a CUDA artifact on a machine without a GPU it
prints the artifact's status and what calling it raised.
"""
import json
import os
import sys

import numpy as np
import torch

from lipt.artifact import Artifact, ArtifactError


def main():
    folder, path = sys.argv[1:3]
    case = json.load(open(os.path.join(folder, "case.json")))
    art = Artifact(path)
    print("target", art.target, "functions", ", ".join(art.functions))
    why = art.status()
    device = "cuda" if art.target == "cuda" and why is None else "cpu"
    inputs = []
    for i in range(case["inputs"]):
        t = torch.from_numpy(np.load(os.path.join(folder, f"in{i}.npy")))
        inputs.append(t if t.dim() == 0 else t.to(device))
    if why is not None:
        print("status:", why)
        try:
            art("case", *inputs)
        except ArtifactError as e:
            print("raised:", e)
        return
    try:
        art("case", *inputs[:-1])
    except ArtifactError as e:
        print("wrong arity raised:", e)
    outs = art("case", *inputs)
    sq = 0.0
    for i, got in enumerate(outs):
        want = np.load(os.path.join(folder, f"expected{i}.npy"))
        sq += float(((got.double().cpu().numpy() - want) ** 2).sum())
    err = np.sqrt(sq) / case["scale"]
    print(f"err: {err:.6e}")
    print("PASS" if err <= case["tol"] else "FAIL")


if __name__ == "__main__":
    main()
