// lipt-compile writes an artifact (include/lipt-c/Artifact.h); lipt-run runs
// it without compiling anything, and the results match the independent
// float64 reference (test/Execution/lipt_case.py). The modules are written
// by lipt_run_check.py: lipt ops, JAX and typed-FFI custom calls, torch ops.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/lipt_run_check.py lipt-run %t/a soft_cap --compile lipt-compile --shape 3x64x16 --attrs 'alpha = 0.1' --tol 1e-5 | FileCheck %s --check-prefix=REF
// RUN: %python %S/lipt_run_check.py lipt-run %t/b hard_cap --compile lipt-compile --form jax --shape 2x12x20 --dtype f64 --attrs 'sigma_max = 1.0, method = msign' --range 0.1,5 --tol 1e-8 --seed 2 | FileCheck %s --check-prefix=REF
// RUN: %python %S/lipt_run_check.py lipt-run %t/c orthogonalize --compile lipt-compile --form typed-ffi --shape 24x10 --attrs 'schedule = polar_express5' --tol 1e-2 --seed 3 | FileCheck %s --check-prefix=REF
// RUN: %python %S/lipt_run_check.py lipt-run %t/d soft_cap --compile lipt-compile --form torch --shape 2x24x16 --attrs 'alpha = 0.2' --tol 1e-5 --seed 4 | FileCheck %s --check-prefix=REF
// RUN: %python %S/lipt_run_check.py lipt-run %t/e hard_cap --compile lipt-compile --shape 16x48 --dtype f16 --attrs 'sigma_max = 1.0, method = msign' --range 0.1,5 --tol 2e-2 --seed 5 | FileCheck %s --check-prefix=REF
// REF: err:
// REF-NEXT: PASS

// This file's own functions: the artifact lists them as the JIT does and
// gives the same numbers.
// RUN: lipt-compile %s -o %t/self.lipt.so --target-cpu=host
// RUN: lipt-run %t/self.lipt.so --list-functions | FileCheck %s --check-prefix=LIST
// RUN: lipt-run %t/self.lipt.so --function=cap --input='2x3xf32=[[3 0 0][0 1 0]]' > %t/aot.txt
// RUN: lipt-run %s --function=cap --input='2x3xf32=[[3 0 0][0 1 0]]' > %t/jit.txt
// RUN: diff %t/aot.txt %t/jit.txt
// LIST: cap(2x3xf32) -> (2x3xf32)
// LIST-NEXT: twice(4xbf16) -> (4xbf16, 4xbf16)
// RUN: lipt-run %t/self.lipt.so --function=twice --input='4xbf16=[1 2 3 0.1]' | FileCheck %s --check-prefix=BF16
// BF16: 4xbf16=[1 2 3 0.1000977]
// BF16-NEXT: 4xbf16=[2 4 6 0.2001953]

// Bad use is a clear error and no output file.
// RUN: not lipt-compile %s -o %t/x.so --target=tpu 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: lipt-compile: error: --target=tpu is not a backend of this build (cpu, cuda)
// RUN: not lipt-compile %s -o %t/x.so --target-cpu=no-such-cpu 2>&1 | FileCheck %s --check-prefix=CPU
// CPU: error: {{.*}}no-such-cpu
// RUN: not lipt-compile %s -o %t/no-such-dir/x.so 2>&1 | FileCheck %s --check-prefix=WRITE
// WRITE: error: {{.*}}no-such-dir
// RUN: not lipt-compile %t/missing.mlir -o %t/x.so 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: lipt-compile: error: {{.*}}missing.mlir: cannot open file
// RUN: test ! -e %t/x.so
// RUN: not lipt-compile %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=DEVICE
// RUN: not lipt-compile %s -o %t 2>&1 | FileCheck %s --check-prefix=DEVICE
// DEVICE: error: {{.*}}: exists and is not a regular file
// RUN: test -c /dev/null
// RUN: not lipt-run %t/self.lipt.so 2>&1 | FileCheck %s --check-prefix=TRAIN
// TRAIN: lipt-run: error: {{.*}}self.lipt.so is an artifact of functions; pass --function=NAME or --list-functions
// RUN: not lipt-run %t/self.lipt.so --function=nope 2>&1 | FileCheck %s --check-prefix=NOPE
// NOPE: lipt-run: error: no function 'nope' in {{.*}}self.lipt.so (functions: cap, twice)
// A shared library that is not an artifact.
// RUN: not lipt-run %lipt_build_dir/lib/liblipt_blas_shims.so --list-functions 2>&1 | FileCheck %s --check-prefix=FOREIGN
// FOREIGN: lipt-run: error: {{.*}}liblipt_blas_shims.so: not a lipt artifact (no lipt_artifact_manifest)
// RUN: lipt-compile --help | FileCheck %s --check-prefix=HELP
// HELP: Compiling (lipt-compile)
// HELP: --target-cpu
// HELP-NOT: --mlir-
// HELP-NOT: --print-after

func.func @cap(%w: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = lipt.spectral_hard_cap %w {sigma_max = 2.0} : tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

func.func @twice(%x: tensor<4xbf16>) -> (tensor<4xbf16>, tensor<4xbf16>) {
  %e = tensor.empty() : tensor<4xbf16>
  %y = linalg.add ins(%x, %x : tensor<4xbf16>, tensor<4xbf16>)
                  outs(%e : tensor<4xbf16>) -> tensor<4xbf16>
  return %x, %y : tensor<4xbf16>, tensor<4xbf16>
}
