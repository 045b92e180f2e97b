// Orthogonalize: each named schedule's scalar map applied to the singular
// values of G / (scale ||G||_F + eps). lipt_case.py also asserts that the
// expected singular values lie in the schedule's documented range.
// RUN: %lipt_case orthogonalize --shape 16x40 --attrs 'schedule = muon5' --tol 1e-5 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case orthogonalize --shape 40x16 --attrs 'schedule = paper6' --tol 1e-5 --seed 1 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case orthogonalize --shape 3x12x12 --attrs 'schedule = nanogpt5' --tol 1e-5 --seed 2 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case orthogonalize --shape 2x10x24 --attrs 'schedule = polar_express5' --tol 1e-4 --seed 3 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case orthogonalize --shape 24x10 --attrs 'schedule = msign_precise' --tol 1e-4 --seed 4 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case orthogonalize --shape 1x30 --attrs 'schedule = muon5' --tol 1e-5 --seed 5 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case orthogonalize --shape 2x2x9x6 --dtype f64 --attrs 'schedule = polar_express5' --tol 1e-12 --seed 6 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s
// RUN: %lipt_case orthogonalize --shape 3x8x12 --dtype bf16 --attrs 'schedule = muon5' --tol 3e-2 --generic --seed 7 | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s

// CHECK: err:
// CHECK-NEXT: PASS
