#!/usr/bin/env python3
"""An independent check of a lipt-run training run (issue 4's judgement).

Reads DIR/model.safetensors with its own parser (json + struct + numpy: no
lipt code), rebuilds the Lipschitz transformer from paper-notes in float64
PyTorch, and checks against DIR/report.json:
  - the checkpoint holds exactly the documented names and shapes;
  - the validation loss on the same windows (splitmix64, as CharCorpus
    draws them) matches the reported final val loss;
  - the sound bound (a) from SVD norms matches the reported one.
Prints PASS lines; exits non-zero on the first mismatch.
"""
import json
import math
import struct
import sys

import numpy as np
import torch

from safetensors_file import read_safetensors  # noqa: F401 (re-exported)

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def rope(x):
    t, dh = x.shape[-2], x.shape[-1]
    half = dh // 2
    freq = 10000.0 ** (-2.0 * torch.arange(half, dtype=torch.float64) / dh)
    ang = torch.outer(torch.arange(t, dtype=torch.float64), freq)
    x1, x2 = x[..., :half], x[..., half:2 * half]
    out = torch.cat([x1 * ang.cos() - x2 * ang.sin(), x1 * ang.sin() + x2 * ang.cos()], -1)
    return torch.cat([out, x[..., 2 * half:]], -1)


def forward(w, m, tokens):
    """paper-notes, 'The Lipschitz transformer'."""
    d, h, layers = m["d"], m["heads"], m["layers"]
    n = 2 * layers
    x = w["embed.weight"][tokens]
    B, T, _ = x.shape
    for l in range(layers):
        p = f"blocks.{l}."
        q = (x @ w[p + "attn.q.weight"].T).view(B, T, h, d // h).transpose(1, 2)
        k = (x @ w[p + "attn.k.weight"].T).view(B, T, h, d // h).transpose(1, 2)
        v = (x @ w[p + "attn.v.weight"].T).view(B, T, h, d // h).transpose(1, 2)
        if m["rope"]:
            q, k = rope(q), rope(k)
        s = q @ k.transpose(-1, -2) * (m["softmax_scale"] / (d // h))
        if m["causal"]:
            s = s.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
        a = (s.softmax(-1) @ v).transpose(1, 2).reshape(B, T, d)
        x = (1 - 1 / n) * x + (1 / n) * (a @ w[p + "attn.o.weight"].T) / 3
        hid = torch.nn.functional.gelu(x @ w[p + "mlp.in.weight"].T)
        x = (1 - 1 / n) * x + (1 / n) * (hid @ w[p + "mlp.out.weight"].T) / 1.1289
    return m["final_scale"] * (x @ w["head.weight"].T)


def rr(a):
    return math.sqrt(a.shape[1] / a.shape[0]) * np.linalg.svd(a, compute_uv=False)[0]


def sound_bound(w, m):
    """paper-notes, 'Certified Lipschitz bound', the sound variant."""
    layers, alpha, s = m["layers"], 1 / (2 * m["layers"]), m["softmax_scale"]
    nrm = {k: rr(v.numpy()) for k, v in w.items()}
    a, a_att = 1.0, []
    for l in range(layers):
        p = f"blocks.{l}."
        a_att.append(a)
        a = (1 - alpha) * a + alpha * nrm[p + "attn.o.weight"] * nrm[p + "attn.v.weight"] / 3 * a
        a = (1 - alpha) * a + alpha * nrm[p + "mlp.out.weight"] * nrm[p + "mlp.in.weight"] / 1.1289 * a
    L = 1.0
    for l in range(layers):
        p = f"blocks.{l}."
        wq, wk, wv, wo = (nrm[p + f"attn.{c}.weight"] for c in "qkvo")
        l_att = wo / 3 * (wv + s * 2 * wv * a_att[l] ** 2 * wq * wk)
        l_mlp = nrm[p + "mlp.out.weight"] * nrm[p + "mlp.in.weight"]
        L = (1 - alpha) * L + alpha * L * l_att
        L = (1 - alpha) * L + alpha * L * l_mlp
    return L * abs(m["final_scale"]) * nrm["head.weight"]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def main():
    out_dir, corpus_path = sys.argv[1], sys.argv[2]
    tensors, meta = read_safetensors(out_dir + "/model.safetensors")
    report = json.load(open(out_dir + "/report.json"))
    cfg = json.loads(meta["lipt.config"])
    m, t = cfg["model"], cfg["train"]
    d, V, hid = m["d"], m["vocab"], m["hidden"]
    names = {"embed.weight": [V, d], "head.weight": [V, d]}
    for l in range(m["layers"]):
        for c in "qkvo":
            names[f"blocks.{l}.attn.{c}.weight"] = [d, d]
        names[f"blocks.{l}.mlp.in.weight"] = [hid, d]
        names[f"blocks.{l}.mlp.out.weight"] = [d, hid]
    got = {k: list(v.shape) for k, v in tensors.items()}
    if got != names:
        fail(f"checkpoint tensors {got} != {names}")
    print("PASS names and shapes")
    w = {k: torch.from_numpy(v.astype(np.float64)) for k, v in tensors.items()}

    text = open(corpus_path, "rb").read()
    vocab = sorted(set(text))
    if json.loads(meta["lipt.vocabulary"]) != vocab:
        fail("vocabulary differs from the corpus")
    ids = [vocab.index(c) for c in text]
    val = ids[len(ids) * 9 // 10:]
    rng = SplitMix64(~t["seed"])
    B, T = t["batch"], t["seq_len"]
    losses = []
    with torch.no_grad():
        for _ in range(t["eval_batches"]):
            starts = [rng.next() % (len(val) - T) for _ in range(B)]
            x = torch.tensor([val[s:s + T] for s in starts])
            y = torch.tensor([val[s + 1:s + T + 1] for s in starts])
            logits = forward(w, m, x)
            losses.append(torch.nn.functional.cross_entropy(logits.reshape(-1, V), y.reshape(-1)).item())
    loss = sum(losses) / len(losses)
    want = report["final_val_loss"]
    if abs(loss - want) > 1e-4 * max(1.0, abs(want)):
        fail(f"validation loss {loss} != reported {want}")
    print(f"PASS val loss {loss:.6f} (reported {want:.6f})")

    bound = sound_bound(w, m)
    cert = report["certificate"]
    if abs(bound - cert["bound_a_sound"]) > 1e-6 * bound:
        fail(f"bound (a) {bound} != reported {cert['bound_a_sound']}")
    print(f"PASS bound (a) {bound:.6f}")
    c, b = cert["empirical_lower_bound_c"], cert["bound_b_caps"]
    if not (c <= bound and (b is None or bound <= b)):
        fail(f"certificate order (c) {c} <= (a) {bound} <= (b) {b} broken")
    print("PASS (c) <= (a) <= (b)")


if __name__ == "__main__":
    main()
