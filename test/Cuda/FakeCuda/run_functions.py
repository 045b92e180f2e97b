#!/usr/bin/env python3
"""Runs every function of a CUDA artifact on the fake driver (FakeDriver.cpp).

    run_functions.py LIPT-RUN ARTIFACT FAKE-LIB-DIR WORK-DIR [NAME ...]

For each function (or each NAME): random inputs of its signature
(rank-0 scalars 0.01), `lipt-run ARTIFACT --function=NAME --device=cuda`
with the fake driver and cuBLAS first on LD_LIBRARY_PATH, then one line:

    NAME: rc 0, <the fake's summary: modules, launches, gemms, copies,
          allocations, live, violations>

and the error lipt-run printed, if any; last, how many ran and how many
were clean (rc 0, the module loaded, kernels launched, 0 live, 0
violations). The fake runs no kernels, so the
results are not checked here (the GPU check does that on a GPU); what is
checked is everything around them: the module loads, every launch fits a
GPU's limits, copies and cuBLAS operands stay inside device allocations,
and every allocation is freed.
"""
import os
import re
import subprocess
import sys

import numpy as np

NPY_DTYPES = {"f32": np.float32, "f64": np.float64, "f16": np.float16,
              "i32": np.int32, "i64": np.int64}


# A function ran cleanly: its module loaded, kernels launched within a GPU's
# limits, nothing touched memory outside an allocation, nothing leaked.
CLEAN = re.compile(r"fake-cuda: 1 modules, [1-9][0-9]* launches, .*"
                   r", 0 live, 0 violations$")


def parse_type(text):
    """'12x256xf32' -> ([12, 256], 'f32'); 'f64' -> ([], 'f64')."""
    parts = text.split("x")
    return [int(p) for p in parts[:-1]], parts[-1]


def signatures(lipt_run, artifact):
    out = subprocess.run([lipt_run, artifact, "--list-functions"],
                         capture_output=True, text=True, check=True).stdout
    sigs = {}
    for line in out.splitlines():
        m = re.match(r"(\w+)\((.*)\) -> \((.*)\)", line.strip())
        if m:
            sigs[m.group(1)] = ([parse_type(t.strip())
                                 for t in m.group(2).split(",") if t.strip()],
                                len([t for t in m.group(3).split(",")
                                     if t.strip()]))
    return sigs


def input_flag(shape, dtype, path, rng):
    if not shape:
        return f"--input={dtype}=0.01"
    if dtype not in NPY_DTYPES:  # bf16: a literal (small shapes only)
        values = " ".join(f"{v:.3f}" for v in rng.standard_normal(
            int(np.prod(shape))) * 0.1)
        return f"--input={'x'.join(map(str, shape))}x{dtype}=[{values}]"
    a = (rng.standard_normal(shape) * 0.1).astype(NPY_DTYPES[dtype])
    np.save(path, a)
    return "--input=@" + path


def main():
    lipt_run, artifact, fake_dir, work = sys.argv[1:5]
    only = sys.argv[5:]
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ, LD_LIBRARY_PATH=fake_dir, LIPT_FAKE_CUDA_REPORT="1",
               LIPT_FAKE_CUBLAS_NO_MATH="1")
    rng = np.random.default_rng(0)
    ran = clean = 0
    for name, (inputs, results) in signatures(lipt_run, artifact).items():
        if only and name not in only:
            continue
        flags = [input_flag(shape, dtype, os.path.join(work, f"{name}{i}.npy"),
                            rng) for i, (shape, dtype) in enumerate(inputs)]
        flags += ["--output=@" + os.path.join(work, f"{name}.out{i}.npy")
                  for i in range(results)]
        p = subprocess.run([lipt_run, artifact, "--function=" + name,
                            "--device=cuda", *flags],
                           capture_output=True, text=True, env=env)
        lines = p.stderr.strip().splitlines()
        summary = [l for l in lines if l.startswith("fake-cuda:")]
        errors = [l for l in lines if not l.startswith("fake-cuda:")]
        print(f"{name}: rc {p.returncode}, " +
              (summary[0] if summary else "no fake-cuda summary") +
              ("; " + " ".join(errors) if errors else ""), flush=True)
        ran += 1
        clean += (p.returncode == 0 and bool(summary) and
                  CLEAN.search(summary[0]) is not None)
    print(f"functions: {ran} run, {clean} clean")


if __name__ == "__main__":
    main()
