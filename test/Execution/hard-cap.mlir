// Hard cap: sigma -> min(sigma_max, sigma).
//
// Polynomial: only valid on bounded inputs (sigma < ~3 sigma_max); compared
// with the notes' scalar map.
// RUN: %lipt_case hard_cap --shape 3x16x8 --attrs 'sigma_max = 1.0' --range 0.1,2.9 --tol 1e-5 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case hard_cap --shape 16x24 --attrs 'sigma_max = 1.0, norm = rms' --range 0.1,2.0 --tol 1e-5 --seed 1 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case hard_cap --shape 2x2x10x6 --dtype bf16 --attrs 'sigma_max = 2.0' --range 0.5,5.0 --tol 2e-2 --seed 2 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
//
// Exact (msign): any input, compared with min(sigma_max, sigma) itself.
// RUN: %lipt_case hard_cap --shape 3x16x8 --attrs 'sigma_max = 2.0, method = msign' --range 0.05,20 --tol 1e-4 --seed 3 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case hard_cap --shape 9x14 --dtype f64 --attrs 'sigma_max = 1.0, method = msign' --range 0.1,30 --tol 1e-8 --seed 4 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case hard_cap --shape 16x16 --attrs 'sigma_max = 1.0, method = msign' --sigmas 5,3,2,1.5,0.9,0.5,0.3,0.1 --tol 1e-4 --seed 5 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case hard_cap --shape 1x12 --attrs 'sigma_max = 1.0, method = msign' --sigmas 4 --tol 1e-4 --seed 6 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// Next to the threshold, where the notes warn it is ill-conditioned.
// RUN: %lipt_case hard_cap --shape 12x8 --attrs 'sigma_max = 1.0, method = msign' --range 0.95,1.05 --tol 1e-4 --seed 7 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case hard_cap --shape 8x5 --attrs 'sigma_max = 1.0, method = msign' --sigmas 1.0,0.999,1.001,0.5,2 --tol 1e-4 --seed 8 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case hard_cap --shape 2x8x12 --dtype bf16 --attrs 'sigma_max = 1.0, method = msign' --range 0.1,3.0 --tol 2e-2 --generic --seed 9 | lipt-opt --lower-spectral-cap | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s

// CHECK: err:
// CHECK-NEXT: PASS
