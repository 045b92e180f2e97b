#!/usr/bin/env python3
"""The peer of lipt's optimizer program: the same Muon + soft-cap step as a
user writes it in plain PyTorch (one matrix at a time, `@` products, as the
public Muon implementations do), timed in its own process.

It reads the suites lipt-bench-muon-step wrote (LIPT_BENCH_JSON): each
group's shape, the schedule's coefficients, beta, and the step's scalars
(lr and the soft cap's strength, from lipt's one definition of the
coupling), so both sides run the same algorithm on the same shapes.

    bench/muon_step_peer.py SUITES.json [--iters N] [--threads N] [--json OUT]

Set the environment before starting it (bench/bench-muon-step.py does):
OMP_NUM_THREADS, OMP_WAIT_POLICY=passive, and the OpenBLAS kernels lipt's
bench used (OPENBLAS_CORETYPE), so both sides use the same BLAS.
"""
import argparse
import json
import math
import sys
import time

import torch


def orthogonalize(g, schedule):
    x = g / (g.norm() + 1e-7)
    tall = x.size(0) > x.size(1)
    if tall:
        x = x.T
    for a, b, c in schedule:
        A = x @ x.T
        B = b * A + c * (A @ A)
        x = a * x + B @ x
    return x.T if tall else x


def soft_cap(w, alpha_on_w):
    """p2(p1(W)): W - a W W^T W, then W + a W W^T W (small Gram side)."""
    for s in (-alpha_on_w, alpha_on_w):
        if w.size(0) <= w.size(1):
            w = w + s * ((w @ w.T) @ w)
        else:
            w = w + s * (w @ (w.T @ w))
    return w


def step(group, suite, w, g, m):
    lr, alpha = group["step_scalars"]
    beta = suite["beta"]
    a_w = alpha / group["bound"] ** 2
    scale = lr * math.sqrt(group["rows"] / group["cols"]) * group["target_norm"]
    for i in range(group["count"]):
        m[i].mul_(beta).add_(g[i], alpha=1 - beta)
        update = orthogonalize(m[i], suite["schedule"])
        w[i].copy_(soft_cap(w[i] - scale * update, a_w))


def time_suite(suite, iters):
    torch.manual_seed(0)
    state = []
    for gr in suite["groups"]:
        shape = (gr["count"], gr["rows"], gr["cols"])
        w = torch.randn(shape) * (6.0 / math.sqrt(gr["rows"] + gr["cols"]) * 0.5)
        state.append((gr, w, torch.randn(shape), torch.randn(shape) * 0.1))

    def once():
        for gr, w, g, m in state:
            step(gr, suite, w, g, m)

    with torch.no_grad():
        once()  # warm-up
        times = []
        for _ in range(iters):
            start = time.perf_counter()
            once()
            times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    return times[len(times) // 2]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("suites")
    p.add_argument("--iters", type=int, default=0,
                   help="timed steps (default: what the lipt bench used)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--json", help="write the timings here")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    with open(args.suites) as f:
        suites = json.load(f)["suites"]
    out = []
    for suite in suites:
        ms = time_suite(suite, args.iters or suite["iters"])
        print(f"{suite['title']}: python PyTorch peer {ms:.2f} ms", flush=True)
        out.append({"title": suite["title"], "peer_ms": ms})
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"threads": args.threads,
                       "torch": torch.__version__, "suites": out}, f, indent=2)


if __name__ == "__main__":
    sys.exit(main())
