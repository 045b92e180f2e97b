// One Muon step with each constraint, against the notes' update rule in
// float64 (momentum, Nesterov, decoupled decay, orthogonalized update scaled
// by sqrt(fan_out / fan_in) and target_norm, then the constraint). Both
// outputs (weight and momentum) are checked.
// RUN: %lipt_case muon_step --shape 16x10 --attrs 'lr = 0.1, constraint = soft_cap, sigma_max = 1.0, norm = rms' --range 0.1,1.0 --tol 1e-5 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case muon_step --shape 2x10x16 --attrs 'lr = 0.02, wd = 0.1, target_norm = 4.0, nesterov = true, constraint = soft_cap, sigma_max = 1.0, norm = rms, schedule = polar_express5' --range 0.1,1.0 --tol 1e-4 --seed 1 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case muon_step --shape 2x10x16 --attrs 'lr = 0.05, wd = 0.1, nesterov = true, constraint = hard_cap, sigma_max = 1.0' --range 0.1,1.0 --tol 1e-5 --seed 2 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case muon_step --shape 12x12 --attrs 'lr = 0.05, constraint = hard_cap, hard_cap_method = msign, sigma_max = 0.5' --range 0.1,1.0 --tol 1e-4 --seed 3 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case muon_step --shape 12x6 --attrs 'lr = 0.05, beta = 0.95, constraint = normalize, sigma_max = 1.0, iters = 40' --sigmas 3,1.5,1,0.5,0.2 --tol 1e-4 --seed 4 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case muon_step --shape 8x8 --dtype f64 --attrs 'lr = 0.05, constraint = none, schedule = paper6' --tol 1e-10 --seed 5 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case muon_step --shape 3x8x8 --dtype bf16 --attrs 'lr = 0.05, constraint = soft_cap, sigma_max = 1.0' --range 0.1,1.0 --tol 3e-2 --seed 6 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// The same steps with lr (and the soft cap's strength) as run-time operands
// (step_scalars), as training runs them: one kernel for every lr.
// RUN: %lipt_case muon_step --lr-operand f32 --shape 16x10 --attrs 'lr = 0.1, constraint = soft_cap, sigma_max = 1.0, norm = rms' --range 0.1,1.0 --tol 1e-5 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case muon_step --lr-operand f64 --shape 2x10x16 --attrs 'lr = 0.02, wd = 0.1, target_norm = 4.0, nesterov = true, constraint = soft_cap, sigma_max = 1.0, norm = rms, schedule = polar_express5' --range 0.1,1.0 --tol 1e-4 --seed 1 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case muon_step --lr-operand f32 --shape 3x12x20 --attrs 'lr = 0.3, wd = 0.5, target_norm = 2.0, constraint = soft_cap, sigma_max = 2.0' --range 0.5,2.0 --tol 1e-4 --seed 7 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case muon_step --lr-operand f32 --shape 2x10x16 --attrs 'lr = 0.05, wd = 0.1, nesterov = true, constraint = hard_cap, sigma_max = 1.0' --range 0.1,1.0 --tol 1e-5 --seed 2 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case muon_step --lr-operand f64 --shape 8x8 --dtype f64 --attrs 'lr = 0.05, constraint = none, schedule = paper6' --tol 1e-10 --seed 5 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case muon_step --lr-operand f64 --shape 3x8x8 --dtype bf16 --attrs 'lr = 0.05, constraint = soft_cap, sigma_max = 1.0' --range 0.1,1.0 --tol 3e-2 --seed 6 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s

// CHECK: err:
// CHECK-NEXT: PASS
