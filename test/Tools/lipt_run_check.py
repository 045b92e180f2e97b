#!/usr/bin/env python3
"""Runs a lipt op through `lipt-run --function` on .npy files and compares
the result with the independent float64 reference of lipt_case.py.

  lipt_run_check.py LIPT_RUN WORKDIR soft_cap --shape 3x64x16 --attrs '...'

Writes WORKDIR/module.mlir and WORKDIR/w.npy, runs lipt-run with
--output=@WORKDIR/out.npy, and prints the relative error and PASS/FAIL.
With --compile LIPT_COMPILE, the module is first compiled ahead of time to
WORKDIR/module.lipt.so, and LIPT_RUN runs that artifact instead.

--form says how the module calls the op, as other frameworks write it:
  lipt       the lipt op itself (default);
  typed-ffi  generic stablehlo.custom_call, api_version 4, attributes in the
             backend_config dictionary;
  jax        what a jax.ffi.ffi_call export writes: api_version 1,
             backend_config = "", attributes (f32/i64/strings) in
             mhlo.backend_config, row-major layouts;
  torch      torch-mlir's torch.operator "torch.lipt.<op>" on !torch.vtensor
             with torch.constant operands, between torch_c casts.
"""
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Execution"))
import lipt_case as ref  # noqa: E402


def portable(value, jax):
    """An attribute value as a host writes it: JAX's f32 floats, strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and not jax:
            return f"{int(value)} : i64"  # a Python int in a typed-FFI dict
        return f"{ref.fmt(value)} : {'f32' if jax else 'f64'}"
    return f'"{value}"'


def module_text(form, name, attrs, t, shape, dtype):
    if form == "lipt":
        return (f"func.func @step(%w: {t}) -> {t} {{\n"
                f"  %r = lipt.{name} %w {ref.mlir_attrs(attrs)} : {t}\n"
                f"  return %r : {t}\n}}\n")
    if form == "torch":
        vt = f"!torch.vtensor<[{','.join(map(str, shape))}],{dtype}>"
        lines = [f'  %v = "torch_c.from_builtin_tensor"(%w) : ({t}) -> {vt}']
        operands = ["%v"]
        kinds = {bool: ("bool", "torch.bool"), float: ("float", "torch.float"),
                 str: ("str", "torch.str")}
        for i, (k, v) in enumerate(attrs.items()):
            kind, ty = kinds[type(v)]
            value = (f'"{v}"' if isinstance(v, str) else
                     ("true" if v else "false") if isinstance(v, bool) else
                     f"{ref.fmt(v)} : f64")
            lines.append(f'  %c{i} = "torch.constant.{kind}"() '
                         f'<{{value = {value}}}> : () -> !{ty}')
            operands.append(f"%c{i}")
        types = ", ".join([vt] + [f"!torch.{kinds[type(v)][0]}"
                                  for v in attrs.values()])
        lines.append(f'  %o = "torch.operator"({", ".join(operands)}) '
                     f'<{{name = "torch.lipt.{name}"}}> : ({types}) -> {vt}')
        lines.append(f'  %r = "torch_c.to_builtin_tensor"(%o) : ({vt}) -> {t}')
        return (f"func.func @step(%w: {t}) -> {t} {{\n" + "\n".join(lines) +
                f"\n  return %r : {t}\n}}\n")
    jax = form == "jax"
    config = "{" + ", ".join(f"{k} = {portable(v, jax)}"
                             for k, v in attrs.items()) + "}"
    layout = (f"dense<[{', '.join(map(str, range(len(shape) - 1, -1, -1)))}]>"
              f" : tensor<{len(shape)}xindex>")
    if jax:
        call = (f'"stablehlo.custom_call"(%w) <{{api_version = 1 : i32, '
                f'backend_config = "", call_target_name = "lipt.{name}", '
                f'operand_layouts = [{layout}], result_layouts = [{layout}]}}> '
                f'{{mhlo.backend_config = {config}}}')
    else:
        call = (f'"stablehlo.custom_call"(%w) <{{api_version = 4 : i32, '
                f'backend_config = {config}, call_target_name = "lipt.{name}"'
                f'}}>')
    return (f"func.func public @step(%w: {t}) -> {t} {{\n"
            f"  %r = {call} : ({t}) -> {t}\n"
            f"  return %r : {t}\n}}\n")


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
    p.add_argument("--compile", metavar="LIPT_COMPILE")
    p.add_argument("--form", default="lipt",
                   choices=["lipt", "typed-ffi", "jax", "torch"])
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
        f.write(module_text(a.form, names[op], attrs, t, shape, a.dtype))
    np_dtype = {"f32": np.float32, "f64": np.float64, "f16": np.float16}
    np.save(os.path.join(workdir, "w.npy"), w.astype(np_dtype[a.dtype]))
    out = os.path.join(workdir, "out.npy")
    if a.compile:
        artifact = os.path.join(workdir, "module.lipt.so")
        subprocess.run([a.compile, module, "-o", artifact], check=True)
        module = artifact
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
