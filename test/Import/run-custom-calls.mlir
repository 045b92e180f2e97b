// lipt calls as JAX (api_version 1 + mhlo.backend_config), typed FFI and
// torch-mlir (torch.operator) write them, run through `lipt-run --function`
// on .npy inputs (the CPU pipeline imports them) and compared with the
// independent float64 reference (test/Execution/lipt_case.py).
// RUN: rm -rf %t
// RUN: %python %S/../Tools/lipt_run_check.py lipt-run %t/a soft_cap --form jax --shape 3x64x16 --attrs 'alpha = 0.1' --tol 1e-5 | FileCheck %s
// RUN: %python %S/../Tools/lipt_run_check.py lipt-run %t/b soft_cap --form typed-ffi --shape 16x48 --attrs 'sigma_max = 6.0, lr = 1.0, norm = rms' --range 0.5,20 --tol 1e-5 --seed 1 | FileCheck %s
// RUN: %python %S/../Tools/lipt_run_check.py lipt-run %t/c hard_cap --form jax --shape 2x12x20 --dtype f64 --attrs 'sigma_max = 1.0, method = msign' --range 0.1,5 --tol 1e-8 --seed 2 | FileCheck %s
// RUN: %python %S/../Tools/lipt_run_check.py lipt-run %t/d orthogonalize --form typed-ffi --shape 24x10 --attrs 'schedule = polar_express5' --tol 1e-2 --seed 3 | FileCheck %s
// RUN: %python %S/../Tools/lipt_run_check.py lipt-run %t/e soft_cap --form torch --shape 2x24x16 --attrs 'alpha = 0.2' --tol 1e-5 --seed 4 | FileCheck %s
// RUN: %python %S/../Tools/lipt_run_check.py lipt-run %t/f hard_cap --form torch --shape 20x12 --attrs 'sigma_max = 1.0, method = msign' --range 0.1,5 --tol 1e-5 --seed 5 | FileCheck %s

// CHECK: err:
// CHECK-NEXT: PASS
