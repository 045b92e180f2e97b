// Power iteration and the constraints built on it. Spectra have a gap
// (sigma_2 / sigma_1 = 0.5), so 30 iterations converge to f32 precision.
// RUN: %lipt_case power_iteration --shape 16x10 --attrs 'iters = 30' --sigmas 3,1.5,1,0.5,0.2 --tol 1e-5 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case power_iteration --shape 2x10x16 --attrs 'iters = 30' --sigmas 3,1.5,1,0.5,0.2 --tol 1e-5 --seed 1 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case power_iteration --shape 2x3x10x6 --dtype bf16 --attrs 'iters = 30' --sigmas 3,1.5,1,0.5,0.2 --tol 2e-2 --seed 2 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
//
// Hammer sets sigma_1 to the bound; normalize divides by sigma_1 / bound;
// spectral weight decay shrinks sigma_1 by (1 - rate).
// RUN: %lipt_case hammer --shape 16x10 --attrs 'sigma_max = 1.0, iters = 30' --sigmas 3,1.5,1,0.5,0.2 --tol 1e-5 --seed 3 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case hammer --shape 2x10x16 --attrs 'sigma_max = 1.0, iters = 30, norm = rms' --sigmas 3,1.5,1,0.5,0.2 --tol 1e-5 --seed 4 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case normalize --shape 2x16x10 --attrs 'sigma_max = 1.0, iters = 30' --sigmas 3,1.5,1,0.5,0.2 --tol 1e-5 --seed 5 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case normalize --shape 10x16 --attrs 'sigma_max = 5.0, iters = 30' --sigmas 3,1.5,1,0.5,0.2 --tol 1e-5 --seed 6 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case spectral_weight_decay --shape 10x16 --attrs 'rate = 0.1, iters = 30' --sigmas 3,1.5,1,0.5,0.2 --tol 1e-5 --seed 7 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case spectral_weight_decay --shape 12x12 --dtype f64 --attrs 'rate = 0.3, iters = 60' --sigmas 3,1.5,1,0.5,0.2 --tol 1e-10 --seed 8 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s

// CHECK: err:
// CHECK-NEXT: PASS
