#!/usr/bin/env python3
"""Runs a lipt op through `lipt-run --function` on .npy files and compares
the result with the independent float64 reference of lipt_case.py.

  lipt_run_check.py LIPT_RUN WORKDIR soft_cap --shape 3x64x16 --attrs '...'

Writes WORKDIR/module.mlir and WORKDIR/w.npy, runs lipt-run with
--output=@WORKDIR/out.npy, and prints the relative error and PASS/FAIL.
"""
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Execution"))
import lipt_case as ref  # noqa: E402


def main():
    lipt_run, workdir, op = sys.argv[1:4]
    rest = sys.argv[4:]
    import argparse
    p = argparse.ArgumentParser()
    p.add_argument("--shape", required=True)
    p.add_argument("--dtype", default="f32")
    p.add_argument("--attrs", default="")
    p.add_argument("--range", default="0.1,2.0")
    p.add_argument("--tol", type=float, default=1e-5)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(rest)
    rng = np.random.default_rng(a.seed)
    shape = [int(d) for d in a.shape.split("x")]
    lo, hi = (float(x) for x in a.range.split(","))
    w = ref.round_to(ref.matrix_with_spectrum(
        rng, shape, lambda r, k: np.sort(r.uniform(lo, hi, k))[::-1]), a.dtype)
    attrs = ref.parse_attrs(a.attrs)
    names = {"soft_cap": "spectral_soft_cap", "hard_cap": "spectral_hard_cap",
             "orthogonalize": "orthogonalize"}
    if op == "orthogonalize":
        expected = ref.orthogonalize(w, attrs["schedule"])
    else:
        expected = ref.constraint(op, w, attrs, shape)
    t = ref.tensor_type(shape, a.dtype)
    os.makedirs(workdir, exist_ok=True)
    module = os.path.join(workdir, "module.mlir")
    with open(module, "w") as f:
        f.write(f"func.func @step(%w: {t}) -> {t} {{\n"
                f"  %r = lipt.{names[op]} %w {ref.mlir_attrs(attrs)} : {t}\n"
                f"  return %r : {t}\n}}\n")
    np_dtype = {"f32": np.float32, "f64": np.float64, "f16": np.float16}
    np.save(os.path.join(workdir, "w.npy"), w.astype(np_dtype[a.dtype]))
    out = os.path.join(workdir, "out.npy")
    subprocess.run([lipt_run, module, "--function=step",
                    "--input=@" + os.path.join(workdir, "w.npy"),
                    "--output=@" + out], check=True)
    got = np.load(out).astype(np.float64)
    scale = np.max(np.linalg.svd(expected.reshape([-1] + shape[-2:]),
                                 compute_uv=False))
    err = np.sqrt(((got - expected) ** 2).sum()) / scale
    print(f"err: {err:.3g}")
    print("PASS" if err <= a.tol else "FAIL")


if __name__ == "__main__":
    main()
