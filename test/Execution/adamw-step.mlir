// One AdamW step (lr and the step count as operands; bias corrections,
// decoupled decay, then the constraint) against the float64 rule of
// LiptOps.td; all three results (weight, both moments) are checked.
// RUN: %lipt_case adamw_step --shape 16x10 --attrs 'lr = 0.01, step = 1.0, beta2 = 0.95, wd = 0.1' --range 0.1,1.0 --tol 1e-5 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case adamw_step --shape 2x10x16 --attrs 'lr = 0.02, step = 7.0, beta = 0.8, beta2 = 0.95, constraint = hard_cap, sigma_max = 1.0, hard_cap_method = polynomial' --range 0.1,1.0 --tol 1e-4 --seed 1 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case adamw_step --lr-operand f32 --shape 12x6 --attrs 'lr = 0.05, step = 3.0, constraint = normalize, sigma_max = 1.0, iters = 40, norm = rms' --sigmas 3,1.5,1,0.5,0.2 --tol 1e-4 --seed 2 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case adamw_step --shape 8x8 --dtype f64 --attrs 'lr = 0.003, step = 100.0, beta2 = 0.99, eps = 1e-6, wd = 0.5' --tol 1e-10 --seed 3 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case adamw_step --shape 3x8x8 --dtype bf16 --attrs 'lr = 0.01, step = 2.0' --range 0.1,1.0 --tol 3e-2 --seed 4 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s

// CHECK: err:
// CHECK-NEXT: PASS
