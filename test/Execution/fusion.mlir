// Fused soft caps (lipt.odd_polynomial) give the same numbers as the two
// steps: both against the float64 reference U p2(p1(S)) V^T, on tall, wide,
// batched, bf16 and coupled cases; and the unfused pipeline (fuse=0).
// RUN: %lipt_case soft_cap --shape 48x12 --attrs 'alpha = 0.1' --tol 1e-5 | lipt-opt --lipt-fuse-polynomials | FileCheck %s --check-prefix=FUSED
// RUN: %lipt_case soft_cap --shape 48x12 --attrs 'alpha = 0.1' --tol 1e-5 | lipt-opt --lipt-fuse-polynomials | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case soft_cap --shape 12x48 --attrs 'alpha = 0.15' --range 0.1,2.4 --tol 1e-5 --seed 1 | lipt-opt --lipt-fuse-polynomials | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case soft_cap --shape 3x40x10 --attrs 'sigma_max = 2.0, lr = 0.5, norm = rms' --range 0.5,6 --tol 1e-5 --seed 2 | lipt-opt --lipt-fuse-polynomials | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case soft_cap --shape 2x8x24 --dtype bf16 --attrs 'alpha = 0.1' --tol 2e-2 --seed 3 | lipt-opt --lipt-fuse-polynomials | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case soft_cap --shape 30x7 --dtype f64 --attrs 'alpha = 0.1' --tol 1e-12 --seed 4 | lipt-opt --lipt-fuse-polynomials | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// The Muon step with and without fusion.
// RUN: %lipt_case muon_step --shape 2x24x8 --attrs 'lr = 0.1, target_norm = 4.0, constraint = soft_cap, sigma_max = 2.0, norm = rms' --range 0.1,1.0 --tol 1e-5 --seed 5 | lipt-opt --lipt-cpu-pipeline=fuse=1 | %run_cpu | FileCheck %s
// RUN: %lipt_case muon_step --shape 2x24x8 --attrs 'lr = 0.1, target_norm = 4.0, constraint = soft_cap, sigma_max = 2.0, norm = rms' --range 0.1,1.0 --tol 1e-5 --seed 5 | lipt-opt --lipt-cpu-pipeline=fuse=0 | %run_cpu | FileCheck %s

// FUSED: lipt.odd_polynomial
// CHECK: err:
// CHECK-NEXT: PASS
