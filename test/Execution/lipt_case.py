#!/usr/bin/env python3
"""Writes a self-checking MLIR program for one lipt op on one input.

The input matrix has a controlled spectrum (W = U diag(sigma) V^T with random
orthogonal U, V). The expected output comes from an independent float64
implementation of shared/docs/paper-notes.md below (SVD + scalar maps; no
code shared with the compiler). The program runs the op, measures
    err = ||result - expected||_F / sigma_max(expected)
(which bounds every singular value's error relative to the largest), prints
it, and prints PASS when err <= --tol, FAIL otherwise.

Example:
  lipt_case.py soft_cap --shape 3x8x5 --dtype bf16 --attrs 'alpha = 0.1'

With --function-dir DIR it writes the same case as a function instead, for
lipt-compile and lipt-run --function on any device (check_case.py compares):
DIR/case.mlir (func.func @case(inputs...) -> results...), DIR/inI.npy,
DIR/expectedI.npy (float64) and DIR/case.json (tolerance and scale).
"""
import argparse
import sys

import numpy as np

# --------------------------------------------------------------------------
# Reference mathematics (float64), written from paper-notes.md
# --------------------------------------------------------------------------

SCHEDULES = {
    "muon5": ([(3.4445, -4.7750, 2.0315)] * 5, 1.0, (0.68, 1.135)),
    "paper6": ([(a / 1024, b / 1024, c / 1024) for a, b, c in [
        (3955, -8306, 5008), (3735, -6681, 3463), (3799, -6499, 3211),
        (4019, -6385, 2906), (2677, -3029, 1162), (2172, -1833, 682)]],
               1.0, (0.995, 1.0)),
    "nanogpt5": ([(4.0848, -6.8946, 2.9270), (3.9505, -6.3029, 2.6377),
                  (3.7418, -5.5913, 2.3037), (2.8769, -3.1427, 1.2046),
                  (2.8366, -3.0525, 1.2012)], 1.0, (0.977, 1.032)),
    "polar_express5": ([
        (8.156554524902461, -22.48329292557795, 15.878769915207462),
        (4.042929935166739, -2.808917465908714, 0.5000178451051316),
        (3.8916678022926607, -2.772484153217685, 0.5060648178503393),
        (3.285753657755655, -2.3681294933425376, 0.46449024233003106),
        (2.3465413258596377, -1.7097828382687081, 0.42323551169305323)],
        1.01, (0.858, 1.142)),
}
SCHEDULES["msign_precise"] = (SCHEDULES["polar_express5"][0] +
                              [(1.5, -0.5, 0.0)] * 4, 1.01,
                              (1 - 1e-6, 1 + 1e-6))

HARD_CAP_POLY = [(0.805032, 0.206361, -0.019763),
                 (0.649867, 0.162935, -0.011150),
                 (1.810259, -0.200265, 0.008251),
                 (1.004384, -0.183490, 0.014413)]


def poly_map(steps, s):
    for a, b, c in steps:
        s = a * s + b * s**3 + c * s**5
    return s


def coupling_alpha(k):
    """Smallest real root a >= 0 of -k^9 a^4 + 3k^7 a^3 - 3k^5 a^2 + (k-1),
    from the companion matrix as the reference does (paper-notes); then, as
    lipt does, raised so the interior peak of p2(p1(s)) on [0, k] is <= 1:
    s p2p1 peaks at a s^2 = 1/3 with value (62/81)/sqrt(3a)."""
    if k <= 1:
        return 0.0
    roots = np.roots([-k**9, 3 * k**7, -3 * k**5, 0.0, k - 1.0])
    real = [r.real for r in roots if abs(r.imag) < 1e-9 and r.real >= 0]
    root = min(real)
    if root * k * k <= 1.0 / 3.0:
        return root
    return max(root, (62.0 / 81.0)**2 / 3.0)


def schedule_gain(steps, scale):
    s = np.logspace(-8, 0, 200001) / scale
    return float(np.max(np.abs(poly_map(steps, s))))


def spectral_bound(shape, sigma_max, norm):
    m, n = shape[-2], shape[-1]
    return sigma_max * (np.sqrt(m / n) if norm == "rms" else 1.0)


def apply_spectral(w, fn):
    """U fn(S) V^T per matrix; fn gets the singular values (descending)."""
    u, s, vt = np.linalg.svd(w, full_matrices=False)
    return (u * fn(s)[..., None, :]) @ vt


def orthogonalize(g, name, eps=1e-7):
    steps, scale, _ = SCHEDULES[name]
    fro = np.sqrt((g**2).sum(axis=(-2, -1), keepdims=True))
    x = g / (scale * fro + eps)
    return apply_spectral(x, lambda s: poly_map(steps, s))


def top_triple(w, start):
    u, s, vt = np.linalg.svd(w, full_matrices=False)
    v1 = vt[..., 0, :]
    sign = np.sign((v1 * start).sum(-1))
    v1 = v1 * sign[..., None]
    u1 = u[..., :, 0] * sign[..., None]
    return s[..., 0], u1, v1


def soft_cap(w, alpha, bound):
    a = alpha / bound**2
    return apply_spectral(
        w, lambda s: (s - a * s**3) + a * (s - a * s**3)**3)


def constraint(kind, w, attrs, shape, gain_lr=None):
    bound = spectral_bound(shape, attrs.get("sigma_max", 1.0),
                           attrs.get("norm", "spectral"))
    if kind == "soft_cap":
        if "alpha" in attrs:
            return soft_cap(w, attrs["alpha"], bound if "sigma_max" in attrs
                            else 1.0)
        k = (1 - attrs.get("wd", 0.0)) + attrs["lr"] / attrs["sigma_max"]
        return soft_cap(w, coupling_alpha(k), bound)
    if kind == "hard_cap":
        if attrs.get("method", "msign") == "polynomial":
            # The lowering first divides by max(1, u / 3.5), u = (sum of
            # (s / bound)^8)^(1/8) >= s_1 / bound (LiptOps.td).
            def capped(s):
                m = s / bound
                u = ((m ** 8).sum(axis=-1, keepdims=True)) ** 0.125
                return bound * poly_map(HARD_CAP_POLY,
                                        m / np.maximum(1.0, u / 3.5))
            return apply_spectral(w, capped)
        return apply_spectral(w, lambda s: np.minimum(s, bound))
    if kind == "hammer":
        def f(s):
            s = s.copy()
            s[..., 0] = bound
            return s
        return apply_spectral(w, f)
    if kind == "normalize":
        return apply_spectral(
            w, lambda s: s / np.maximum(1.0, s[..., :1] / bound))
    if kind == "spectral_weight_decay":
        def f(s):
            s = s.copy()
            s[..., 0] *= 1 - attrs["rate"]
            return s
        return apply_spectral(w, f)
    raise ValueError(kind)


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------

def round_to(x, dtype):
    """Rounds float64 values to `dtype` (returned as float64)."""
    if dtype == "f64":
        return x
    if dtype == "f32":
        return x.astype(np.float32).astype(np.float64)
    if dtype == "f16":
        return x.astype(np.float16).astype(np.float64)
    if dtype == "bf16":  # round to nearest even on the float32 bits
        b = x.astype(np.float32).view(np.uint32).astype(np.uint64)
        b = (b + 0x7FFF + ((b >> 16) & 1)) & 0xFFFF0000
        return b.astype(np.uint32).view(np.float32).astype(np.float64)
    raise ValueError(dtype)


def random_orthogonal(rng, n):
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def matrix_with_spectrum(rng, shape, sigmas):
    *batch, m, n = shape
    k = min(m, n)
    out = np.empty(shape)
    for idx in np.ndindex(*batch):
        s = np.asarray(sigmas(rng, k), dtype=np.float64)
        u = random_orthogonal(rng, m)[:, :k]
        v = random_orthogonal(rng, n)[:, :k]
        out[idx] = (u * s) @ v.T
    return out


# --------------------------------------------------------------------------
# MLIR emission
# --------------------------------------------------------------------------

def fmt(v):
    """A float literal MLIR parses exactly (it needs digits before 'e')."""
    return f"{float(v):.17e}"


def tensor_type(shape, dtype):
    return "tensor<" + "".join(f"{d}x" for d in shape) + dtype + ">"


def literal(name, values, shape, dtype):
    return (f"  %{name} = arith.constant {dense_shaped(values, shape)} : "
            f"{tensor_type(shape, dtype)}\n")


def dense_shaped(values, shape):
    arr = np.asarray(values, dtype=np.float64).reshape(shape)

    def rec(a):
        if a.ndim == 0:
            return fmt(a)
        return "[" + ", ".join(rec(x) for x in a) + "]"
    return "dense<" + rec(arr) + ">"


ERROR_CHECK = """
  // err = ||result - expected||_F / sigma_max(expected), in f64.
  %zero = arith.constant 0.0 : f64
  %acc0 = tensor.empty() : tensor<f64>
  %acc = linalg.fill ins(%zero : f64) outs(%acc0 : tensor<f64>) -> tensor<f64>
{sums}
  %scale = arith.constant {scale} : f64
  %tol = arith.constant {tol} : f64
  %sq = tensor.extract %sum{last}[] : tensor<f64>
  %fro = math.sqrt %sq : f64
  %err = arith.divf %fro, %scale : f64
  vector.print str "err: "
  func.call @printF64(%err) : (f64) -> ()
  func.call @printNewline() : () -> ()
  %ok = arith.cmpf ole, %err, %tol : f64
  scf.if %ok {{ vector.print str "PASS\\n" }} else {{ vector.print str "FAIL\\n" }}
  return
}}
"""

SUM_TEMPLATE = """  %got{i}_64 = tensor.empty() : {t64}
  %got{i}_ext = linalg.generic {{indexing_maps = [{idmap}, {idmap}], iterator_types = [{par}]}}
      ins(%{name} : {t}) outs(%got{i}_64 : {t64}) {{
    ^bb0(%x_a: {dt}, %x_o: f64):
      %x_e = {ext}
      linalg.yield %x_e : f64
  }} -> {t64}
  %sum{i} = linalg.generic {{indexing_maps = [{idmap}, {idmap}, {redmap}], iterator_types = [{red}]}}
      ins(%got{i}_ext, %expected{i} : {t64}, {t64}) outs(%{prev} : tensor<f64>) {{
    ^bb0(%x_a: f64, %x_b: f64, %x_o: f64):
      %x_d = arith.subf %x_a, %x_b : f64
      %x_d2 = arith.mulf %x_d, %x_d : f64
      %x_s = arith.addf %x_o, %x_d2 : f64
      linalg.yield %x_s : f64
  }} -> tensor<f64>
"""


def emit_sum(i, name, shape, dtype, prev):
    r = len(shape)
    dims = ", ".join(f"d{j}" for j in range(r))
    idmap = f"affine_map<({dims}) -> ({dims})>"
    redmap = f"affine_map<({dims}) -> ()>"
    ext = "arith.extf %x_a : {} to f64".format(dtype) if dtype != "f64" \
        else "arith.addf %x_a, %zero : f64"
    return SUM_TEMPLATE.format(
        i=i, name=name, t=tensor_type(shape, dtype),
        t64=tensor_type(shape, "f64"), idmap=idmap, redmap=redmap,
        par=", ".join(['"parallel"'] * r), red=", ".join(['"reduction"'] * r),
        dt=dtype, ext=ext, prev=prev)


def emit_program(inputs, op_text, results, scale, tol):
    """inputs: [(name, values, shape, dtype)]; results: [(name, expected,
    shape, dtype)] compared against `expected`."""
    out = ["func.func private @printF64(f64)",
           "func.func private @printNewline()",
           "func.func @main() {"]
    for name, values, shape, dtype in inputs:
        out.append(literal(name, values, shape, dtype).rstrip("\n"))
    out.append("  " + op_text)
    sums = []
    prev = "acc"
    for i, (name, expected, shape, dtype) in enumerate(results):
        out.append(literal(f"expected{i}", expected, shape, "f64").rstrip("\n"))
        sums.append(emit_sum(i, name, shape, dtype, prev))
        prev = f"sum{i}"
    out.append(ERROR_CHECK.format(sums="".join(sums), scale=fmt(scale),
                                  tol=fmt(tol), last=len(results) - 1))
    return "\n".join(out)


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------

def parse_attrs(text):
    """'alpha = 0.1, norm = rms, method = msign' -> dict (values as python)."""
    attrs = {}
    for item in filter(None, (p.strip() for p in text.split(","))):
        key, value = (s.strip() for s in item.split("="))
        try:
            attrs[key] = float(value)
        except ValueError:
            attrs[key] = value.lower() == "true" if value in ("true", "false") \
                else value
    return attrs


def mlir_attrs(attrs):
    enum = {"norm": "norm", "method": "hard_cap_method",
            "hard_cap_method": "hard_cap_method", "constraint": "constraint"}
    parts = []
    for k, v in attrs.items():
        if k in enum:
            parts.append(f"{k} = #lipt.{enum[k]}<{v}>")
        elif k == "schedule":
            parts.append(f'schedule = #lipt.schedule<"{v}">')
        elif k == "iters" or k == "axis":
            parts.append(f"{k} = {int(v)}")
        elif isinstance(v, bool):
            parts.append(f"{k} = {'true' if v else 'false'}")
        else:
            parts.append(f"{k} = {fmt(v)}")
    return "{" + ", ".join(parts) + "}"


def single_result_op(name, attrs, t, generic, w="w", r="r"):
    """%r = lipt.NAME %w {...} : T, or the same in generic form."""
    if generic:
        return (f'%{r} = "lipt.{name}"(%{w}) {mlir_attrs(attrs)} : ({t}) '
                f'-> {t}')
    return f"%{r} = lipt.{name} %{w} {mlir_attrs(attrs)} : {t}"


def spectrum(args):
    if args.sigmas:
        # Padded with the last value, never cycled: cycling would repeat the
        # top singular value and remove the gap power iteration needs.
        fixed = [float(s) for s in args.sigmas.split(",")]
        return lambda rng, k: (fixed + [fixed[-1]] * k)[:k]
    lo, hi = (float(s) for s in args.range.split(","))
    return lambda rng, k: np.sort(rng.uniform(lo, hi, k))[::-1]


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("op")
    p.add_argument("--shape", required=True, help="e.g. 3x8x5")
    p.add_argument("--dtype", default="f32")
    p.add_argument("--attrs", default="")
    p.add_argument("--sigmas", help="comma list of singular values, padded "
                   "with the last one")
    p.add_argument("--range", default="0.1,2.0",
                   help="singular values uniform in [lo, hi] (default)")
    p.add_argument("--tol", type=float, default=1e-5)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--lr-operand", choices=["f32", "f64"],
                   help="muon_step: pass lr (and a soft cap's strength, from "
                   "this file's own coupling root) as step_scalars operands "
                   "of this type instead of the lr attribute")
    p.add_argument("--generic", action="store_true",
                   help="write the lipt op in MLIR's generic form")
    p.add_argument("--copies", type=int, default=1,
                   help="K independent ops on K inputs (one program)")
    p.add_argument("--function-dir", help="write the case as a function, "
                   "its inputs and expected results here (see above)")
    args = p.parse_args()

    rng = np.random.default_rng(args.seed)
    inputs, op_texts, results, scale = [], [], [], 0.0
    for copy in range(args.copies):
        tag = "" if args.copies == 1 else str(copy)
        i, o, r, e = build_case(args, rng, tag)
        inputs += i
        op_texts.append(o)
        results += r
        m, n = e.shape[-2], e.shape[-1]
        scale = max(scale, np.max(np.linalg.svd(
            np.asarray(e).reshape([-1, m, n]), compute_uv=False)))
    if args.function_dir:
        write_function_case(args.function_dir, inputs, op_texts, results,
                            scale, args.tol)
        return
    print(emit_program(inputs, "\n  ".join(op_texts), results, scale,
                       args.tol))


NPY_TYPES = {"f32": np.float32, "f64": np.float64, "f16": np.float16}


def write_function_case(folder, inputs, op_texts, results, scale, tol):
    """The case as func.func @case plus .npy files (see the module doc)."""
    import json
    import os
    os.makedirs(folder, exist_ok=True)
    args, types = [], []
    for i, (name, values, shape, dtype) in enumerate(inputs):
        if dtype not in NPY_TYPES:
            sys.exit(f"lipt_case.py: --function-dir takes f32/f64/f16 "
                     f"inputs (.npy has no {dtype})")
        np.save(os.path.join(folder, f"in{i}.npy"),
                np.asarray(values, dtype=NPY_TYPES[dtype]).reshape(shape))
        args.append(f"%{name}: {tensor_type(shape, dtype)}")
    for i, (name, expected, shape, dtype) in enumerate(results):
        np.save(os.path.join(folder, f"expected{i}.npy"),
                np.asarray(expected, dtype=np.float64).reshape(shape))
        types.append(tensor_type(shape, dtype))
    names = ", ".join("%" + r[0] for r in results)
    body = "\n  ".join(op_texts)
    with open(os.path.join(folder, "case.mlir"), "w") as f:
        f.write(f"func.func @case({', '.join(args)}) -> "
                f"({', '.join(types)}) {{\n  {body}\n"
                f"  return {names} : {', '.join(types)}\n}}\n")
    with open(os.path.join(folder, "case.json"), "w") as f:
        json.dump({"inputs": len(inputs), "results": len(results),
                   "scale": float(scale), "tol": tol}, f)


def build_case(args, rng, tag):
    """One op on fresh inputs; SSA names end in `tag`. Returns (inputs,
    op text, results, the matrix whose sigma_max scales the error)."""
    shape = [int(d) for d in args.shape.split("x")]
    dt = args.dtype
    t = tensor_type(shape, dt)
    attrs = parse_attrs(args.attrs)
    w = round_to(matrix_with_spectrum(rng, shape, spectrum(args)), dt)
    m, n = shape[-2], shape[-1]
    batch = shape[:-2]
    W, R = "w" + tag, "r" + tag
    inputs = [(W, w, shape, dt)]
    op = args.op

    if op in ("soft_cap", "hard_cap", "hammer", "normalize",
              "spectral_weight_decay"):
        name = {"soft_cap": "spectral_soft_cap",
                "hard_cap": "spectral_hard_cap",
                "hammer": "spectral_hammer",
                "normalize": "spectral_normalize",
                "spectral_weight_decay": "spectral_weight_decay"}[op]
        expected = constraint(op, w, attrs, shape)
        op_text = single_result_op(name, attrs, t, args.generic, W, R)
        return inputs, op_text, [(R, expected, shape, dt)], expected
    if op == "orthogonalize":
        expected = orthogonalize(w, attrs["schedule"])
        lo, hi = SCHEDULES[attrs["schedule"]][2]
        sv = np.linalg.svd(expected, compute_uv=False)
        fro = np.sqrt((w**2).sum(axis=(-2, -1)))
        rel = np.linalg.svd(w, compute_uv=False) / fro[..., None]
        inside = rel >= 0.01
        assert np.all((sv[inside] >= lo) & (sv[inside] <= hi)), \
            f"schedule leaves its documented range [{lo}, {hi}]: {sv}"
        op_text = single_result_op("orthogonalize", attrs, t, args.generic,
                                   W, R)
        return inputs, op_text, [(R, expected, shape, dt)], expected
    if op == "power_iteration":
        V0, S, U, V = "v0" + tag, "s" + tag, "u" + tag, "v" + tag
        start = round_to(rng.standard_normal(batch + [n]), dt)
        inputs.append((V0, start, batch + [n], dt))
        sigma, u, v = top_triple(w, start)
        ts, tu, tv = (tensor_type(batch, dt), tensor_type(batch + [m], dt),
                      tensor_type(batch + [n], dt))
        op_text = (f"%{S}, %{U}, %{V} = lipt.power_iteration %{W}, %{V0} "
                   f"{mlir_attrs(attrs)} : {t}, {tv} -> {ts}, {tu}, {tv}")
        return inputs, op_text, [(S, sigma, batch, dt),
                                 (U, u, batch + [m], dt),
                                 (V, v, batch + [n], dt)], w
    if op == "rms_project":
        axis = int(attrs.get("axis", len(shape) - 1))
        max_rms = attrs.get("max_rms", 1.0)
        rms = np.sqrt((w**2).mean(axis=axis, keepdims=True))
        expected = w / np.maximum(1.0, rms / max_rms)
        op_text = single_result_op("rms_project", attrs, t, args.generic,
                                   W, R)
        return inputs, op_text, [(R, expected, shape, dt)], expected
    if op == "muon_step":
        G, M, RM = "g" + tag, "m" + tag, "rm" + tag
        g = round_to(rng.standard_normal(shape), dt)
        mom = round_to(rng.standard_normal(shape) * 0.1, dt)
        inputs += [(G, g, shape, dt), (M, mom, shape, dt)]
        lr, beta = attrs["lr"], attrs.get("beta", 0.9)
        wd, tn = attrs.get("wd", 0.0), attrs.get("target_norm", 1.0)
        new_m = beta * mom + (1 - beta) * g
        d = beta * new_m + (1 - beta) * g if attrs.get("nesterov") else new_m
        sched = attrs.get("schedule", "muon5")
        c = np.sqrt(m / n)
        stepped = (1 - wd * lr * tn) * w - lr * c * tn * orthogonalize(d, sched)
        kind = attrs.get("constraint", "none")
        if kind == "soft_cap":
            steps, scale, _ = SCHEDULES[sched]
            unit = lr * tn if attrs.get("norm") == "rms" else lr * c * tn
            cattrs = dict(sigma_max=attrs["sigma_max"],
                          norm=attrs.get("norm", "spectral"),
                          lr=unit * schedule_gain(steps, scale),
                          wd=wd * lr * tn)
            new_w = constraint("soft_cap", stepped, cattrs, shape)
        elif kind == "none":
            new_w = stepped
        else:
            cattrs = dict(attrs)
            if "hard_cap_method" in attrs:
                cattrs["method"] = attrs["hard_cap_method"]
            new_w = constraint(kind, stepped, cattrs, shape)
        scalars = ""
        if args.lr_operand:
            # The same step with lr as a run-time operand; a soft cap then
            # takes its strength on W / bound as a second operand.
            st = args.lr_operand
            values = [lr]
            if kind == "soft_cap":
                k = (1 - cattrs["wd"]) + cattrs["lr"] / cattrs["sigma_max"]
                values.append(coupling_alpha(k))
            names = [f"lr{tag}", f"alpha{tag}"][:len(values)]
            for name, v in zip(names, values):
                inputs.append((name, np.array(v), [], st))
            scalars = "step_scalars({} : {}) ".format(
                ", ".join("%" + n for n in names),
                ", ".join([f"tensor<{st}>"] * len(names)))
            attrs = {k: v for k, v in attrs.items() if k != "lr"}
        op_text = (f"%{R}, %{RM} = lipt.muon_step %{W}, %{G}, %{M} "
                   f"{scalars}{mlir_attrs(attrs)} : {t}")
        return inputs, op_text, [(R, new_w, shape, dt),
                                 (RM, new_m, shape, dt)], new_w
    if op in ("adamw_step", "row_normalized_step"):
        return step_case(args, rng, tag, op, attrs, w, shape, dt, t)
    sys.exit(f"lipt_case.py: unknown op '{op}'")


def scalar_operands(names_values, st, tag):
    """Rank-0 operands (name, value) of type `st`: inputs and the SSA list."""
    inputs = [(n + tag, np.array(v), [], st) for n, v in names_values]
    return inputs, ", ".join("%" + n + tag for n, _ in names_values)


def step_case(args, rng, tag, op, attrs, w, shape, dt, t):
    """lipt.adamw_step and lipt.row_normalized_step: lr (and AdamW's step
    count) are operands of type --lr-operand (f64 by default)."""
    W, G, M, R, RM = ("w" + tag, "g" + tag, "m" + tag, "r" + tag,
                      "rm" + tag)
    st = args.lr_operand or "f64"
    g = round_to(rng.standard_normal(shape), dt)
    mom = round_to(rng.standard_normal(shape) * 0.1, dt)
    inputs = [(W, w, shape, dt), (G, g, shape, dt), (M, mom, shape, dt)]
    lr, beta = attrs.pop("lr"), attrs.get("beta", 0.9)
    wd = attrs.get("wd", 0.0)
    new_m = beta * mom + (1 - beta) * g
    if op == "adamw_step":
        V, RV = "v" + tag, "rv" + tag
        v = round_to(np.abs(rng.standard_normal(shape)) * 0.5, dt)
        inputs.append((V, v, shape, dt))
        step = attrs.pop("step")
        beta2, eps = attrs.get("beta2", 0.999), attrs.get("eps", 1e-8)
        new_v = beta2 * v + (1 - beta2) * g * g
        c1, c2 = 1 - beta**step, 1 - beta2**step
        stepped = (1 - lr * wd) * w - (lr / c1) * new_m / (
            np.sqrt(new_v / c2) + eps)
        kind = attrs.get("constraint", "none")
        cattrs = dict(attrs)
        if "hard_cap_method" in attrs:
            cattrs["method"] = attrs["hard_cap_method"]
        new_w = stepped if kind == "none" else constraint(
            kind, stepped, cattrs, shape)
        scalars, names = scalar_operands([("lr", lr), ("t", step)], st, tag)
        op_text = (f"%{R}, %{RM}, %{RV} = lipt.adamw_step %{W}, %{G}, %{M}, "
                   f"%{V}, {names} {mlir_attrs(attrs)} : {t}, tensor<{st}>, "
                   f"tensor<{st}>")
        return (inputs + scalars, op_text,
                [(R, new_w, shape, dt), (RM, new_m, shape, dt),
                 (RV, new_v, shape, dt)], new_w)
    tn = attrs.get("target_norm", 1.0)
    max_gain, max_rms = attrs.get("max_inflation", 16.0), attrs.get("max_rms", 1.0)
    rms = np.sqrt(np.mean(new_m**2, axis=-1, keepdims=True))
    u = new_m * np.minimum(1.0 / rms, max_gain)
    stepped = (1 - wd * lr * tn) * w - lr * tn * u
    row = np.sqrt(np.mean(stepped**2, axis=-1, keepdims=True))
    new_w = stepped / np.maximum(1.0, row / max_rms)
    scalars, names = scalar_operands([("lr", lr)], st, tag)
    op_text = (f"%{R}, %{RM} = lipt.row_normalized_step %{W}, %{G}, %{M}, "
               f"{names} {mlir_attrs(attrs)} : {t}, tensor<{st}>")
    return (inputs + scalars, op_text,
            [(R, new_w, shape, dt), (RM, new_m, shape, dt)], new_w)


if __name__ == "__main__":
    main()
