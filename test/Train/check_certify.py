#!/usr/bin/python3
"""--lipt-certify's static certificate against lipt-run --certify's and an
independent float64 recomputation from the checkpoint (numpy SVD, the
notes' algorithm written out here): (a) sound, (a) reference variant and
(b) caps agree to 1e-9 relative, and so does lipt-run's bound in the public
code's convention (both formulas).

usage: check_certify.py CHECKPOINT STATIC_JSON HOST_JSON
"""
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_training import read_safetensors, rr  # noqa: E402

HARD_CAP_OVERSHOOT = 1.0109  # SpectralMath.h kHardCapPolynomialMaxOutput


def bound(norm, m, reference):
    """paper-notes, 'Certified Lipschitz bound', from a name -> norm map."""
    layers, s = m["layers"], m["softmax_scale"]
    alpha = 1 / (2 * layers)
    a, L = 1.0, 1.0
    for l in range(layers):
        p = f"blocks.{l}."
        q, k, v, o = (norm(p + f"attn.{c}.weight") for c in "qkvo")
        i, u = norm(p + "mlp.in.weight"), norm(p + "mlp.out.weight")
        scores = 2 * v * a * a * q * k
        l_att = o / 3 * (v + scores) * s if reference else o / 3 * (v + s * scores)
        l_mlp = u * i / 1.1289 if reference else u * i
        L *= (1 - alpha) + alpha * l_att
        a = (1 - alpha) * a + alpha * o * v / 3 * a
        L *= (1 - alpha) + alpha * l_mlp
        a = (1 - alpha) * a + alpha * u * i / 1.1289 * a
    return L * abs(m["final_scale"]) * norm("head.weight")


def caps(cfg):
    m, t = cfg["model"], cfg["train"]
    if t["optimizer"] != "muon":
        return None
    out = {"head.weight": float(m["d"])}
    for l, blk in enumerate(m["blocks"]):
        for part, names in (("attn", "qkvo"), ("mlp", ["in", "out"])):
            c = blk[part]
            # Only these caps hold at every step: normalize and the hammer
            # rest on a power iteration's estimate, the msign hard cap on a
            # polynomial approximation of the sign.
            if c["kind"] not in ("soft_cap", "hard_cap") or \
                    c.get("hard_cap_method", "polynomial") != "polynomial":
                return None
            cap = c["sigma_max"] * (HARD_CAP_OVERSHOOT if c["kind"] == "hard_cap" else 1)
            for n in names:
                out[f"blocks.{l}.{part}.{n}.weight"] = cap
    return out


def main():
    ckpt, static_path, host_path = sys.argv[1:4]
    tensors, meta = read_safetensors(ckpt)
    cfg = json.loads(meta["lipt.config"])
    m = cfg["model"]
    norms = {k: rr(v.astype(np.float64)) for k, v in tensors.items()}
    cap = caps(cfg)
    want = {"bound_a_sound": bound(norms.get, m, False),
            "bound_a_reference_variant": bound(norms.get, m, True),
            "bound_b_caps": bound(cap.get, m, False) if cap else None}
    static = json.load(open(static_path))
    host = json.load(open(host_path))
    ok = True
    for key, value in want.items():
        got = static.get(key)
        print(f"{key}: independent {value} static {got} lipt-run {host.get(key)}")
        for other in (got, host.get(key)):
            if value is None or other is None:
                ok &= value is None and other is None
            else:
                ok &= abs(other - value) <= 1e-9 * abs(value)
    # The public code's convention (paper-notes): embedding and head by their
    # largest row RMS; lipt-run --certify reports it beside (a).
    row_rms = {k: float(np.sqrt((tensors[k].astype(np.float64) ** 2).mean(1)).max())
               for k in ("embed.weight", "head.weight")}
    paper = dict(norms, **{"head.weight": row_rms["head.weight"]})
    for key, reference in (("bound_paper_convention", False),
                           ("bound_paper_convention_reference_variant", True)):
        value = row_rms["embed.weight"] * bound(paper.get, m, reference)
        print(f"{key}: independent {value} lipt-run {host.get(key)}")
        ok &= abs(host[key] - value) <= 1e-9 * value
    for name, n in static["weight_norms"].items():
        ok &= abs(n - norms[name]) <= 1e-9 * norms[name]
    print("PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()
