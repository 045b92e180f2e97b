// K independent same-shape ops, batched into one by lipt-cpu-pipeline (and
// not, with batch=0): every result against its own float64 reference.
// RUN: %lipt_case soft_cap --copies 3 --shape 12x30 --attrs 'alpha = 0.1' --tol 1e-5 | lipt-opt --lipt-batch-same-shape | FileCheck %s --check-prefix=BATCHED
// RUN: %lipt_case soft_cap --copies 3 --shape 12x30 --attrs 'alpha = 0.1' --tol 1e-5 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case soft_cap --copies 3 --shape 12x30 --attrs 'alpha = 0.1' --tol 1e-5 | lipt-opt --lipt-cpu-pipeline=batch=0 | %run_cpu | FileCheck %s
// RUN: %lipt_case muon_step --copies 4 --shape 16x16 --attrs 'lr = 0.1, target_norm = 4.0, constraint = soft_cap, sigma_max = 2.0, norm = rms' --range 0.1,1.0 --tol 1e-5 --seed 1 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case hard_cap --copies 2 --shape 2x10x6 --dtype bf16 --attrs 'sigma_max = 1.0, method = msign' --range 0.1,3 --tol 2e-2 --seed 2 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s

// BATCHED: lipt.spectral_soft_cap %{{.*}} : tensor<3x12x30xf32>
// CHECK: err:
// CHECK-NEXT: PASS
