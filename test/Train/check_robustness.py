#!/usr/bin/python3
"""lipt-run --robustness against an independent recomputation: the margins
of the validation windows from check_training's float64 forward, the sound
bound (a) from numpy SVDs, radius = margin / (sqrt(2 V) L); the reported
quantiles and threshold fractions must match, and the attack inside the
certified radius must have flipped nothing.

usage: check_robustness.py CHECKPOINT CORPUS REPORT_JSON
"""
import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_training import SplitMix64, forward, read_safetensors, sound_bound  # noqa: E402


def main():
    ckpt, corpus, report_path = sys.argv[1:4]
    tensors, meta = read_safetensors(ckpt)
    cfg = json.loads(meta["lipt.config"])
    m, t = cfg["model"], cfg["train"]
    w = {k: torch.from_numpy(v.astype(np.float64)) for k, v in tensors.items()}
    L = sound_bound(w, m)
    text = open(corpus, "rb").read()
    vocab = sorted(set(text))
    ids = [vocab.index(c) for c in text]
    val = ids[len(ids) * 9 // 10:]
    rng = SplitMix64(~t["seed"])
    B, T, V = t["batch"], t["seq_len"], m["vocab"]
    margins = []
    with torch.no_grad():
        for _ in range(t["eval_batches"]):
            starts = [rng.next() % (len(val) - T) for _ in range(B)]
            x = torch.tensor([val[s:s + T] for s in starts])
            top = forward(w, m, x).topk(2, -1).values
            margins += (top[..., 0] - top[..., 1]).reshape(-1).tolist()
    radii = sorted(r / (math.sqrt(2 * V) * L) for r in margins)
    rep = json.load(open(report_path))
    ok = abs(rep["bound_a_sound"] - L) <= 1e-6 * L and rep["positions"] == len(radii)
    for key, q in (("p0", 0), ("p10", 0.1), ("p50", 0.5), ("p90", 0.9), ("p100", 1)):
        want = radii[int(q * (len(radii) - 1))]
        got = rep["radius_quantiles"][key]
        print(f"radius {key}: independent {want:.6g} reported {got:.6g}")
        ok &= abs(got - want) <= 1e-3 * want + 1e-9
    for thr, frac in rep["fraction_radius_above"].items():
        want = sum(r > float(thr) for r in radii) / len(radii)
        ok &= abs(frac - want) <= 2 / len(radii)  # a position on the edge
    flips = rep["attack"]["flips_at_radius_multiple"]
    print(f"flips: {flips}")
    ok &= flips["1x"] == 0 and rep["holds"] is True
    print("PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()
