// The stock Debian mlir-opt (linked to libMLIR.so) loads lipt as a plugin,
// parses lipt IR and runs lipt passes. A plugin that fails to load is only a
// warning with exit 0, so every RUN names a lipt pass, which would then be
// unknown and fail.
//
// RUN: %stock_mlir_opt --load-dialect-plugin=%lipt_plugin %s | FileCheck %s --check-prefix=PARSE
// RUN: %stock_mlir_opt --load-dialect-plugin=%lipt_plugin --pass-pipeline='builtin.module(lipt-lower-to-linalg)' %s | FileCheck %s --check-prefix=LOWER
// RUN: %stock_mlir_opt --load-dialect-plugin=%lipt_plugin --pass-pipeline='builtin.module(lower-spectral-cap)' %s | FileCheck %s --check-prefix=CAP
// RUN: %stock_mlir_opt --load-pass-plugin=%lipt_plugin --load-dialect-plugin=%lipt_plugin --pass-pipeline='builtin.module(lipt-lower-to-linalg)' %s | FileCheck %s --check-prefix=LOWER

// PARSE: lipt.spectral_soft_cap
// PARSE: lipt.orthogonalize
// LOWER-NOT: lipt.
// LOWER: linalg.generic
// CAP: linalg.generic
// CAP: lipt.orthogonalize
func.func @f(%w: tensor<16x8xf32>) -> (tensor<16x8xf32>, tensor<16x8xf32>) {
  %0 = lipt.spectral_soft_cap %w {alpha = 0.1} : tensor<16x8xf32>
  %1 = lipt.orthogonalize %w {schedule = #lipt.schedule<"muon5">} : tensor<16x8xf32>
  return %0, %1 : tensor<16x8xf32>, tensor<16x8xf32>
}
