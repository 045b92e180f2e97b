// The main job until the training driver exists: constrain one weight with
// every lipt method and print its largest singular value before and after.
//
//   lipt-opt examples/constrain-weights.mlir --lipt-cpu-pipeline \
//     | mlir-runner -e main -entry-point-result=void -shared-libs=...
//
// W (4 x 3) = H diag(3, 1.5, 0.5) V^T with H a scaled Hadamard matrix and V
// a rotation, so its singular values are exactly 3, 1.5 and 0.5. Expected
// sigma_1 afterwards (paper-notes.md):
//   soft cap, alpha 0.05   p2(p1(3)) = 1.8746  (1.5 -> 1.4492, 0.5 -> 0.4998)
//   hard cap 1 (msign)     1 (every sigma > 1 clipped)
//   hammer to 1            1.5 (the top one becomes 1; sigma_2 = 1.5 is now
//                              largest: the hammer's known weakness)
//   normalize to 1         1 (W / 3)
//   orthogonalize muon5    in [0.68, 1.135] (the schedule's range)
//   orthogonalize msign_precise  1

func.func private @printF64(f64)
func.func private @printNewline()

// Prints "<label>sigma_1 = <value>" from 50 power iterations.
func.func @print_sigma1(%w: tensor<4x3xf32>) {
  %v0 = arith.constant dense<[1.0, 0.5, 0.25]> : tensor<3xf32>
  %s, %u, %v = lipt.power_iteration %w, %v0 {iters = 50}
      : tensor<4x3xf32>, tensor<3xf32> -> tensor<f32>, tensor<4xf32>, tensor<3xf32>
  %x = tensor.extract %s[] : tensor<f32>
  %d = arith.extf %x : f32 to f64
  func.call @printF64(%d) : (f64) -> ()
  func.call @printNewline() : () -> ()
  return
}

func.func @main() {
  %w = arith.constant dense<[
    [1.17171707744465525e+00, 9.43854191808536802e-01, 7.81804550402470766e-01],
    [1.55589653133085415e+00, 3.82300641112400919e-01, -5.55006489689682136e-01],
    [9.20110313398180946e-01, 1.31162677907270475e+00, 5.55006489689682136e-01],
    [1.30428976728437984e+00, 7.50073228376568868e-01, -7.81804550402470766e-01]]>
    : tensor<4x3xf32>

  vector.print str "original          sigma_1 = "
  func.call @print_sigma1(%w) : (tensor<4x3xf32>) -> ()

  %soft = lipt.spectral_soft_cap %w {alpha = 0.05} : tensor<4x3xf32>
  vector.print str "soft cap (0.05)   sigma_1 = "
  func.call @print_sigma1(%soft) : (tensor<4x3xf32>) -> ()

  %hard = lipt.spectral_hard_cap %w {sigma_max = 1.0,
      method = #lipt.hard_cap_method<msign>} : tensor<4x3xf32>
  vector.print str "hard cap (1)      sigma_1 = "
  func.call @print_sigma1(%hard) : (tensor<4x3xf32>) -> ()

  %hammer = lipt.spectral_hammer %w {sigma_max = 1.0, iters = 50} : tensor<4x3xf32>
  vector.print str "hammer (1)        sigma_1 = "
  func.call @print_sigma1(%hammer) : (tensor<4x3xf32>) -> ()

  %norm = lipt.spectral_normalize %w {sigma_max = 1.0, iters = 50} : tensor<4x3xf32>
  vector.print str "normalize (1)     sigma_1 = "
  func.call @print_sigma1(%norm) : (tensor<4x3xf32>) -> ()

  %muon = lipt.orthogonalize %w {schedule = #lipt.schedule<"muon5">} : tensor<4x3xf32>
  vector.print str "msign (muon5)     sigma_1 = "
  func.call @print_sigma1(%muon) : (tensor<4x3xf32>) -> ()

  %exact = lipt.orthogonalize %w {schedule = #lipt.schedule<"msign_precise">} : tensor<4x3xf32>
  vector.print str "msign (precise)   sigma_1 = "
  func.call @print_sigma1(%exact) : (tensor<4x3xf32>) -> ()
  return
}
