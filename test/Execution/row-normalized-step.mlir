// The embedding/unembedding update (row-normalised momentum with the gain
// capped, decayed step, rows projected to RMS <= max_rms) against the
// float64 rule of LiptOps.td. Wide singular ranges put some rows above the
// bound, so the projection is exercised.
// RUN: %lipt_case row_normalized_step --shape 65x32 --attrs 'lr = 0.2' --range 0.5,8.0 --tol 1e-5 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case row_normalized_step --shape 2x20x16 --attrs 'lr = 0.05, wd = 0.1, target_norm = 2.0, beta = 0.95, max_inflation = 4.0, max_rms = 0.5' --range 0.1,3.0 --tol 1e-5 --seed 1 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case row_normalized_step --lr-operand f32 --shape 16x24 --dtype f64 --attrs 'lr = 0.125' --range 0.1,4.0 --tol 1e-10 --seed 2 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case row_normalized_step --shape 12x8 --dtype bf16 --attrs 'lr = 0.1' --range 0.5,4.0 --tol 3e-2 --seed 3 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s

// CHECK: err:
// CHECK-NEXT: PASS
