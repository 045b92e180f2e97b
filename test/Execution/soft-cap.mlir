// Soft cap, lowered with --lower-spectral-cap, compiled and run on CPU. The
// expected matrix is U p2(p1(S)) V^T from a float64 SVD (lipt_case.py); the
// check is ||result - expected||_F / sigma_max <= tol, which bounds every
// singular value's error relative to the largest.
//
// f32, 1e-5 relative: tall, wide, square, 1 x n, n x 1, batched rank 3 and 4.
// RUN: %lipt_case soft_cap --shape 64x16 --attrs 'alpha = 0.1' --tol 1e-5 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case soft_cap --shape 16x64 --attrs 'alpha = 0.1' --tol 1e-5 --seed 1 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case soft_cap --shape 32x32 --attrs 'alpha = 0.05' --range 0.1,2.5 --tol 1e-5 --seed 2 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case soft_cap --shape 1x40 --attrs 'alpha = 0.2' --tol 1e-5 --seed 3 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case soft_cap --shape 40x1 --attrs 'alpha = 0.2' --tol 1e-5 --seed 4 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case soft_cap --shape 4x24x12 --attrs 'alpha = 0.1' --tol 1e-5 --seed 5 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case soft_cap --shape 2x3x12x20 --attrs 'alpha = 0.1' --tol 1e-5 --seed 6 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
//
// Other element types: f64 to 1e-12; bf16 and f16 to their precision (the
// expected values are computed from the rounded input).
// RUN: %lipt_case soft_cap --shape 3x20x12 --dtype f64 --attrs 'alpha = 0.1' --tol 1e-12 --seed 7 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case soft_cap --shape 3x8x20 --dtype bf16 --attrs 'alpha = 0.1' --tol 2e-2 --seed 8 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case soft_cap --shape 20x8 --dtype f16 --attrs 'alpha = 0.1' --tol 3e-3 --seed 9 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
//
// Coupled strength (Theorem 3.1), in RMS->RMS units, and past k = 81/62
// where lipt raises the strength above the root.
// RUN: %lipt_case soft_cap --shape 2x24x8 --attrs 'sigma_max = 2.0, lr = 0.3, wd = 0.01, norm = rms' --range 0.5,6.0 --tol 1e-5 --seed 10 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case soft_cap --shape 12x18 --attrs 'sigma_max = 1.0, lr = 0.8' --range 0.2,1.8 --tol 1e-5 --seed 11 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
//
// IR in MLIR's generic form, as another framework would write it.
// RUN: %lipt_case soft_cap --shape 2x16x24 --attrs 'alpha = 0.1' --tol 1e-5 --generic --seed 12 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case soft_cap --shape 2x16x24 --dtype bf16 --attrs 'sigma_max = 3.0, lr = 0.5' --tol 2e-2 --generic --seed 13 | lipt-opt --lipt-lower-to-linalg | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s

// CHECK: err:
// CHECK-NEXT: PASS
