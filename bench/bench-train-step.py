#!/usr/bin/env python3
"""Step time of `lipt-run` training vs the same model, data and algorithm in
an eager LibTorch loop (issue 4's benchmark; not a test).

Both runs are `lipt-run` on the same model file: the forward/backward pass is
LibTorch autograd in both; the optimizer step (Muon's orthogonalization and
the spectral constraint) runs as compiled lipt kernels on the parameters'
memory (`--optimizer-backend=compiled`) or as eager LibTorch ops
(`--optimizer-backend=reference`). Runs alternate, so machine noise hits both.

    bench/bench-train-step.py [--model examples/shakespeare-cpu.mlir]
        [--steps 20] [--reps 3] [--threads 2] [--data PATH]

Prints tokens/s of each run, the optimizer's own time per step (from
report.json's optimizer_ms_per_step), and the ratios compiled / eager.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(model, backend, steps, threads, data, out):
    cmd = [os.path.join(ROOT, "build/bin/lipt-run"), model, "--out", out,
           "--steps", str(steps), "--cpu-threads", str(threads),
           "--optimizer-backend=" + backend]
    if data:
        cmd += ["--data", data]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    report = json.load(open(os.path.join(out, "report.json")))
    return report["tokens_per_s"], report["optimizer_ms_per_step"]


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=os.path.join(ROOT, "examples/shakespeare-cpu.mlir"))
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--data")
    a = p.parse_args()
    best = {"compiled": 0.0, "reference": 0.0}
    fastest_opt = {"compiled": float("inf"), "reference": float("inf")}
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(a.reps):
            for backend in ("compiled", "reference"):
                out = os.path.join(tmp, f"{backend}{rep}")
                tps, opt_ms = run(a.model, backend, a.steps, a.threads, a.data, out)
                best[backend] = max(best[backend], tps)
                fastest_opt[backend] = min(fastest_opt[backend], opt_ms)
                print(f"rep {rep} {backend:8s} {tps:10.0f} tokens/s, "
                      f"optimizer {opt_ms:7.2f} ms/step", flush=True)
    ratio = best["compiled"] / best["reference"]
    print(f"best: compiled {best['compiled']:.0f} tokens/s, reference {best['reference']:.0f} "
          f"tokens/s: compiled / reference = {ratio:.2f}x")
    print(f"optimizer step: compiled {fastest_opt['compiled']:.2f} ms, reference "
          f"{fastest_opt['reference']:.2f} ms: "
          f"{fastest_opt['reference'] / fastest_opt['compiled']:.2f}x faster compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
