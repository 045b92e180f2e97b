// The same programs through the loop-only code generation (no BLAS): both
// paths must agree with the float64 reference.
// RUN: %lipt_case soft_cap --shape 2x24x12 --attrs 'alpha = 0.1' --tol 1e-5 | lipt-opt --lipt-cpu-pipeline=blas=0 | %run_cpu | FileCheck %s
// RUN: %lipt_case hard_cap --shape 12x20 --attrs 'sigma_max = 1.0, method = msign' --range 0.1,3.0 --tol 1e-4 --seed 1 | lipt-opt --lipt-cpu-pipeline=blas=0 | %run_cpu | FileCheck %s
// RUN: %lipt_case muon_step --shape 2x10x16 --dtype f64 --attrs 'lr = 0.05, constraint = soft_cap, sigma_max = 1.0' --range 0.1,1.0 --tol 1e-10 --seed 2 | lipt-opt --lipt-cpu-pipeline=blas=0 | %run_cpu | FileCheck %s
// The BLAS pipeline really calls BLAS.
// RUN: %lipt_case soft_cap --shape 8x4 --attrs 'alpha = 0.1' | lipt-opt --lipt-cpu-pipeline | FileCheck %s --check-prefix=BLAS
// RUN: %lipt_case soft_cap --shape 8x4 --attrs 'alpha = 0.1' | lipt-opt --lipt-cpu-pipeline=blas=0 | FileCheck %s --check-prefix=LOOPS

// CHECK: err:
// CHECK-NEXT: PASS
// BLAS: llvm.call @_mlir_ciface_lipt_rt_gemm_f32
// LOOPS-NOT: lipt_rt_gemm
