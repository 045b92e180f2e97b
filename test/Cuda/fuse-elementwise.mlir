// --lipt-fuse-elementwise (part of lipt-cuda-pipeline): elementwise chains
// fuse, products and reductions keep their form. Its results are checked
// by running the fused IR through the CPU backend against the float64
// references (the CUDA pipeline fuses exactly so, before its own codegen).
// RUN: lipt-opt %s --lipt-decompose-muon-step --lipt-fuse-polynomials --lipt-lower-to-linalg --canonicalize --lipt-fuse-elementwise | FileCheck %s
// RUN: %lipt_case muon_step --lr-operand f64 --shape 2x10x16 --attrs 'lr = 0.02, wd = 0.1, target_norm = 4.0, nesterov = true, constraint = soft_cap, sigma_max = 1.0, norm = rms, schedule = polar_express5' --range 0.1,1.0 --tol 1e-4 --seed 1 | lipt-opt --lipt-decompose-muon-step --lipt-fuse-polynomials --lipt-lower-to-linalg --canonicalize --lipt-fuse-elementwise | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s --check-prefix=EXEC
// RUN: %lipt_case muon_step --shape 12x6 --attrs 'lr = 0.05, beta = 0.95, constraint = normalize, sigma_max = 1.0, iters = 12' --sigmas 3,1.5,1,0.5,0.2 --tol 1e-4 --seed 4 | lipt-opt --lipt-decompose-muon-step --lipt-fuse-polynomials --lipt-lower-to-linalg --canonicalize --lipt-fuse-elementwise | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s --check-prefix=EXEC
// RUN: %lipt_case adamw_step --shape 2x10x16 --attrs 'lr = 0.02, step = 7.0, beta = 0.8, beta2 = 0.95, constraint = hard_cap, sigma_max = 1.0, hard_cap_method = polynomial' --range 0.1,1.0 --tol 1e-4 --seed 1 | lipt-opt --lipt-lower-to-linalg --canonicalize --lipt-fuse-elementwise | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s --check-prefix=EXEC
// RUN: %lipt_case row_normalized_step --shape 2x20x16 --attrs 'lr = 0.05, wd = 0.1, target_norm = 2.0, beta = 0.95, max_inflation = 4.0, max_rms = 0.5' --range 0.1,3.0 --tol 1e-5 --seed 1 | lipt-opt --lipt-lower-to-linalg --canonicalize --lipt-fuse-elementwise | lipt-opt --lipt-cpu-pipeline | %run_cpu | FileCheck %s --check-prefix=EXEC
// EXEC: err:
// EXEC-NEXT: PASS

// The momentum update and the Frobenius normalization's scaling are one
// op each; the norm stays a reduction and the Gram products stay
// contractions (what --lipt-linalg-to-blas matches).
// CHECK-LABEL: func.func @step
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "reduction"]
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-NEXT: ^bb0
// CHECK-NEXT: math.sqrt
// CHECK: arith.divf
// CHECK: arith.mulf
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: arith.addf
// CHECK-NEXT: linalg.yield
func.func @step(%w: tensor<2x64x32xf32>, %g: tensor<2x64x32xf32>, %m: tensor<2x64x32xf32>, %lr: tensor<f64>, %a: tensor<f64>) -> (tensor<2x64x32xf32>, tensor<2x64x32xf32>) {
  %0:2 = lipt.muon_step %w, %g, %m step_scalars(%lr, %a : tensor<f64>, tensor<f64>) {constraint = #lipt.constraint<soft_cap>, sigma_max = 2.0, norm = #lipt.norm<rms>} : tensor<2x64x32xf32>
  return %0#0, %0#1 : tensor<2x64x32xf32>, tensor<2x64x32xf32>
}
