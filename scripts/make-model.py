#!/usr/bin/env python3
"""Writes a Lipschitz-transformer model file for lipt-run.

    scripts/make-model.py --vocab 65 --d 256 --layers 3 --heads 4 \
        --seq-len 256 --batch 512 --steps 2000 --lr 0.1 \
        --constraint soft_cap --sigma-max 6 > model.mlir

The file is plain lipt IR: edit it freely (per-branch constraints,
layer_norm, softmax_scale, final_scale); this script only saves typing.
"""
import argparse


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--vocab", type=int, default=65)
    p.add_argument("--d", type=int, default=256)
    p.add_argument("--layers", type=int, default=3)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--hidden", type=int, help="MLP width (default 4 d)")
    p.add_argument("--seq-len", type=int, default=256)
    p.add_argument("--batch", type=int, default=512)
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--optimizer", choices=["muon", "adamw"], default="muon")
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--wd", type=float, default=0.0)
    p.add_argument("--beta", type=float, default=0.9)
    p.add_argument("--beta2", type=float, default=0.95)
    p.add_argument("--block-mass", type=float, default=16.0)
    p.add_argument("--embed-mass", type=float, default=1.0)
    p.add_argument("--schedule", default="linear")
    p.add_argument("--constraint", default="soft_cap",
                   choices=["none", "soft_cap", "hard_cap", "hammer", "normalize"])
    p.add_argument("--sigma-max", type=float, default=6.0)
    p.add_argument("--mlp-sigma-max", type=float,
                   help="the MLP weights' sigma_max (default: --sigma-max)")
    p.add_argument("--hard-cap-method", choices=["polynomial", "msign"],
                   default="polynomial",
                   help="hard_cap's map: the paper's polynomial (its cap is "
                        "certified) or the exact msign form")
    p.add_argument("--final-scale", type=float, default=1.0,
                   help="the head's logit multiplier (part of every bound)")
    p.add_argument("--softmax-scale", type=float, default=1.0,
                   help="attention scores' multiplier (part of L_att)")
    p.add_argument("--layer-norm", action="store_true",
                   help="pre-norm layer_norm in every branch and before the head")
    p.add_argument("--eval-interval", type=int, default=100)
    p.add_argument("--eval-batches", type=int, default=8)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--comment", default="", help="a header comment")
    a = p.parse_args()

    V, d, L, B, T = a.vocab, a.d, a.layers, a.batch, a.seq_len
    hid = a.hidden or 4 * d

    def ty(*s):
        return "tensor<" + "x".join(map(str, s)) + "xf32>"

    act = ty(B, T, d)
    smax = "" if a.softmax_scale == 1 else f", softmax_scale = {a.softmax_scale}"
    def constraint(sigma_max):
        if a.constraint == "none":
            return ""
        out = f", constraint = #lipt.constraint<{a.constraint}>, sigma_max = {float(sigma_max)}"
        if a.constraint == "hard_cap" and a.hard_cap_method != "polynomial":
            out += f", hard_cap_method = #lipt.hard_cap_method<{a.hard_cap_method}>"
        return out

    cons = constraint(a.sigma_max)
    mlp_cons = constraint(a.sigma_max if a.mlp_sigma_max is None else a.mlp_sigma_max)
    args = [f"%tokens: tensor<{B}x{T}xi32>", f"%embed: {ty(V, d)}"]
    for l in range(L):
        args += [f"%q{l}: {ty(d, d)}", f"%k{l}: {ty(d, d)}", f"%v{l}: {ty(d, d)}",
                 f"%o{l}: {ty(d, d)}", f"%in{l}: {ty(hid, d)}", f"%out{l}: {ty(d, hid)}"]
    args.append(f"%head: {ty(V, d)}")

    def branch(name, x, op):
        norm = ""
        src = "%in"
        if a.layer_norm:
            norm = f"      %n = lipt.layer_norm %in : {act}\n"
            src = "%n"
        return (f"    {name} = lipt.convex_residual {x} {{branches = {2 * L}}} : {act} {{\n"
                f"    ^bb0(%in: {act}):\n{norm}"
                f"      %f = {op.replace('SRC', src)}\n"
                f"      lipt.yield %f : {act}\n    }}")

    body = [f"    %x = lipt.embed %tokens, %embed : tensor<{B}x{T}xi32>, {ty(V, d)} -> {act}"]
    x = "%x"
    for l in range(L):
        body.append(branch(f"%a{l}", x,
                           f"lipt.attention SRC, %q{l}, %k{l}, %v{l}, %o{l} {{heads = {a.heads}{smax}{cons}}}\n"
                           f"          : {act}, {ty(d, d)} -> {act}"))
        body.append(branch(f"%m{l}", f"%a{l}",
                           f"lipt.mlp SRC, %in{l}, %out{l} {{{mlp_cons[2:]}}}\n"
                           f"          : {act}, {ty(hid, d)}, {ty(d, hid)} -> {act}"
                           if mlp_cons else
                           f"lipt.mlp SRC, %in{l}, %out{l}\n"
                           f"          : {act}, {ty(hid, d)}, {ty(d, hid)} -> {act}"))
        x = f"%m{l}"
    if a.layer_norm:
        body.append(f"    %xn = lipt.layer_norm {x} : {act}")
        x = "%xn"
    fscale = "" if a.final_scale == 1 else f" {{final_scale = {a.final_scale}}}"
    body.append(f"    %logits = lipt.head {x}, %head{fscale} : {act}, {ty(V, d)} -> {ty(B, T, V)}")
    body.append(f"    return %logits : {ty(B, T, V)}")

    train = (f'optimizer = "{a.optimizer}", lr = {a.lr}, schedule = "{a.schedule}", '
             f"beta = {a.beta}, beta2 = {a.beta2}, wd = {float(a.wd)},\n"
             f"    block_mass = {a.block_mass}, embed_mass = {a.embed_mass}, steps = {a.steps}, eval_interval = {a.eval_interval}, "
             f"eval_batches = {a.eval_batches}, seed = {a.seed}")
    header = "".join(f"// {line}\n" for line in a.comment.splitlines()) if a.comment else ""
    print(f"{header}module attributes {{lipt.train = {{{train}}}}} {{\n"
          f"  func.func @model({', '.join(args)}) -> {ty(B, T, V)} {{\n"
          + "\n".join(body) + "\n  }\n}")


if __name__ == "__main__":
    main()
