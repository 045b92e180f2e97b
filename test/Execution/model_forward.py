#!/usr/bin/python3
"""The model ops' compiled forward pass against an independent PyTorch one.

Writes a small model function (embed, convex residual attention and MLP
blocks, optional layer_norm, head) with random weights, runs it through
`lipt-run --function=model` (the CPU pipeline: --lipt-lower-to-linalg, BLAS
products, erf) and compares the logits with the forward below, written from
paper-notes ("The Lipschitz transformer") in float64.

usage: model_forward.py LIPT_RUN WORKDIR [--rope 0|1] [--causal 0|1]
           [--layer-norm 0|1] [--dtype f32|f64] [--tol T] [--seed S]
"""
import argparse
import math
import os
import subprocess
import sys

import numpy as np
import torch


def forward(tokens, w, cfg):
    """float64 forward: paper-notes' model, written independently of lipt."""
    d, heads = cfg.d, cfg.heads
    dh = d // heads
    branches = 2 * cfg.layers
    a = 1.0 / branches
    x = w["embed"][tokens]  # [B, T, d]
    B, T, _ = x.shape

    def norm(y):
        if not cfg.layer_norm:
            return y
        mu = y.mean(-1, keepdim=True)
        var = ((y - mu) ** 2).mean(-1, keepdim=True)
        return (y - mu) / torch.sqrt(var + 1e-5)

    def rope(y):  # [B, H, T, dh], half-split
        half = dh // 2
        j = torch.arange(half, dtype=torch.float64)
        ang = torch.outer(torch.arange(T, dtype=torch.float64),
                          10000.0 ** (-2.0 * j / dh))
        ang = ang.to(torch.float32).to(torch.float64) if cfg.dtype == "f32" else ang
        c, s = ang.cos(), ang.sin()
        y1, y2 = y[..., :half], y[..., half:2 * half]
        out = torch.cat([y1 * c - y2 * s, y1 * s + y2 * c], -1)
        return torch.cat([out, y[..., 2 * half:]], -1)

    for l in range(cfg.layers):
        h = norm(x)
        q, k, v = [(h @ w[f"{n}{l}"].T).view(B, T, heads, dh).transpose(1, 2)
                   for n in "qkv"]
        if cfg.rope:
            q, k = rope(q), rope(k)
        s = q @ k.transpose(-1, -2) * (cfg.softmax_scale / dh)
        if cfg.causal:
            s = s.masked_fill(torch.ones(T, T).triu(1).bool(), -math.inf)
        o = (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(B, T, d)
        x = (1 - a) * x + a * (o @ w[f"o{l}"].T) / 3
        h = norm(x)
        g = torch.nn.functional.gelu(h @ w[f"in{l}"].T) / 1.1289
        x = (1 - a) * x + a * (g @ w[f"out{l}"].T)
    return cfg.final_scale * (norm(x) @ w["head"].T)


def model_ir(cfg, names, shapes):
    t = cfg.dtype
    B, T, d, V, hid = cfg.batch, cfg.seq, cfg.d, cfg.vocab, 4 * cfg.d
    act = f"tensor<{B}x{T}x{d}x{t}>"
    args = [f"%tokens: tensor<{B}x{T}xi32>"] + [
        f"%{n}: tensor<{s[0]}x{s[1]}x{t}>" for n, s in zip(names, shapes)]
    flags = f"causal = {str(bool(cfg.causal)).lower()}, rope = {str(bool(cfg.rope)).lower()}"
    lines = [f"func.func @model({', '.join(args)}) -> tensor<{B}x{T}x{V}x{t}> {{",
             f"  %x = lipt.embed %tokens, %embed : tensor<{B}x{T}xi32>, tensor<{V}x{d}x{t}> -> {act}"]
    cur = "%x"
    n = 2 * cfg.layers

    def branch(name, body):
        nonlocal cur
        pre = ""
        inner = "%in"
        if cfg.layer_norm:
            pre = f"    %n = lipt.layer_norm %in : {act}\n"
            inner = "%n"
        lines.append(f"  %{name} = lipt.convex_residual {cur} {{branches = {n}}} : {act} {{\n"
                     f"  ^bb0(%in: {act}):\n{pre}"
                     f"    %f = {body(inner)}\n"
                     f"    lipt.yield %f : {act}\n  }}")
        cur = f"%{name}"

    for l in range(cfg.layers):
        branch(f"a{l}", lambda i: f"lipt.attention {i}, %q{l}, %k{l}, %v{l}, %o{l} "
               f"{{heads = {cfg.heads}, {flags}, softmax_scale = {cfg.softmax_scale}}} "
               f": {act}, tensor<{d}x{d}x{t}> -> {act}")
        branch(f"m{l}", lambda i: f"lipt.mlp {i}, %in{l}, %out{l} : {act}, "
               f"tensor<{hid}x{d}x{t}>, tensor<{d}x{hid}x{t}> -> {act}")
    src = cur
    if cfg.layer_norm:
        lines.append(f"  %hn = lipt.layer_norm {cur} : {act}")
        src = "%hn"
    lines.append(f"  %logits = lipt.head {src}, %head {{final_scale = {cfg.final_scale}}} "
                 f": {act}, tensor<{V}x{d}x{t}> -> tensor<{B}x{T}x{V}x{t}>")
    lines.append(f"  return %logits : tensor<{B}x{T}x{V}x{t}>\n}}")
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("lipt_run")
    p.add_argument("workdir")
    p.add_argument("--rope", type=int, default=1)
    p.add_argument("--causal", type=int, default=1)
    p.add_argument("--layer-norm", type=int, default=0)
    p.add_argument("--dtype", default="f32")
    p.add_argument("--tol", type=float, default=1e-4)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--heads", type=int, default=2)
    p.add_argument("--d", type=int, default=16)
    cfg = p.parse_args()
    cfg.batch, cfg.seq, cfg.vocab, cfg.layers = 3, 8, 11, 2
    cfg.softmax_scale, cfg.final_scale = 1.5, 0.75
    os.makedirs(cfg.workdir, exist_ok=True)
    gen = torch.Generator().manual_seed(cfg.seed)
    d, hid = cfg.d, 4 * cfg.d
    names, shapes = ["embed"], [(cfg.vocab, d)]
    for l in range(cfg.layers):
        names += [f"q{l}", f"k{l}", f"v{l}", f"o{l}", f"in{l}", f"out{l}"]
        shapes += [(d, d)] * 4 + [(hid, d), (d, hid)]
    names.append("head")
    shapes.append((cfg.vocab, d))
    npdt = np.float32 if cfg.dtype == "f32" else np.float64
    # Scales large enough that attention is far from uniform and the GELU
    # leaves its linear range.
    w = {n: (torch.randn(*s, generator=gen, dtype=torch.float64) * 1.5)
         .to(torch.float32 if cfg.dtype == "f32" else torch.float64)
         .to(torch.float64) for n, s in zip(names, shapes)}
    tokens = torch.randint(cfg.vocab, (cfg.batch, cfg.seq), generator=gen)

    model = os.path.join(cfg.workdir, "model.mlir")
    with open(model, "w") as f:
        f.write(model_ir(cfg, names, shapes))
    inputs = [f"--input=@{os.path.join(cfg.workdir, 'tokens.npy')}"]
    np.save(os.path.join(cfg.workdir, "tokens.npy"), tokens.numpy().astype(np.int32))
    for n in names:
        path = os.path.join(cfg.workdir, n + ".npy")
        np.save(path, w[n].numpy().astype(npdt))
        inputs.append(f"--input=@{path}")
    out = os.path.join(cfg.workdir, "logits.npy")
    r = subprocess.run([cfg.lipt_run, model, "--function=model", *inputs,
                        f"--output=@{out}"], capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"lipt-run failed ({r.returncode}):\n{r.stderr}")
    got = torch.from_numpy(np.load(out)).to(torch.float64)
    want = forward(tokens, w, cfg)
    err = ((got - want).abs().max() / want.abs().max()).item()
    print(f"logits {tuple(got.shape)} max |want| {want.abs().max().item():.3g} "
          f"relative err {err:.3g} (tol {cfg.tol})")
    print("PASS" if err <= cfg.tol else "FAIL")


if __name__ == "__main__":
    main()
