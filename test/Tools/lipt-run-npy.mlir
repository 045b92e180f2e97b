// Matrices written by NumPy, run through `lipt-run --function` on lowered
// lipt IR, read back and compared with the independent float64 reference.
// RUN: rm -rf %t && %python %S/lipt_run_check.py lipt-run %t/a soft_cap --shape 3x64x16 --attrs 'alpha = 0.1' --tol 1e-5 | FileCheck %s
// RUN: %python %S/lipt_run_check.py lipt-run %t/b soft_cap --shape 16x48 --attrs 'sigma_max = 6.0, lr = 1.0, norm = rms' --range 0.5,20 --tol 1e-5 --seed 1 | FileCheck %s
// RUN: %python %S/lipt_run_check.py lipt-run %t/c hard_cap --shape 2x12x20 --dtype f64 --attrs 'sigma_max = 1.0, method = msign' --range 0.1,5 --tol 1e-8 --seed 2 | FileCheck %s
// RUN: %python %S/lipt_run_check.py lipt-run %t/d orthogonalize --shape 24x10 --dtype f16 --attrs 'schedule = polar_express5' --tol 5e-3 --seed 3 | FileCheck %s

// CHECK: err:
// CHECK-NEXT: PASS
