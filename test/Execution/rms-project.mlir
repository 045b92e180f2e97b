// Embedding / unembedding rows (or columns) clipped to RMS norm <= max_rms.
// RUN: %lipt_case rms_project --shape 65x32 --range 0.1,20 --tol 1e-6 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case rms_project --shape 32x65 --range 0.1,20 --attrs 'axis = 0, max_rms = 0.5' --tol 1e-6 --seed 1 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case rms_project --shape 2x8x16 --dtype bf16 --range 0.1,20 --attrs 'axis = 1' --tol 1e-2 --generic --seed 2 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s

// CHECK: err:
// CHECK-NEXT: PASS
