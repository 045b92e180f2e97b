// lipt-run --function: literals in, printed or .npy out; every bad input is
// a clear error and a non-zero exit.
// RUN: lipt-run %s --list-functions | FileCheck %s --check-prefix=LIST
// RUN: lipt-run %s --function=soft_cap --input='4x3xf32=[[1.17171707744465525, 0.943854191808536802, 0.781804550402470766], [1.55589653133085415, 0.382300641112400919, -0.555006489689682136], [0.920110313398180946, 1.31162677907270475, 0.555006489689682136], [1.30428976728437984, 0.750073228376568868, -0.781804550402470766]]' | FileCheck %s --check-prefix=CAP
// RUN: lipt-run %s --function=muon --input=2x3xbf16=1 --input='2x3xbf16=[1 2 3 4 5 6]' --input=2x3xbf16=0 | FileCheck %s --check-prefix=MUON
// RUN: rm -rf %t && mkdir -p %t && lipt-run %s --function=soft_cap --input=4x3xf32=0.5 --output=@%t/cap.npy
// RUN: %python -c "import numpy; a = numpy.load('%t/cap.npy'); print(a.dtype, a.shape)" | FileCheck %s --check-prefix=NPY
// RUN: not lipt-run %s --function=muon --input=2x3xbf16=1 --input=2x3xbf16=1 --input=2x3xbf16=0 --output=- --output=@%t/m.npy 2>&1 | FileCheck %s --check-prefix=NOBF16NPY
//
// Errors.
// RUN: not lipt-run %s --function=nope 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not lipt-run %s --function=soft_cap 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: not lipt-run %s --function=soft_cap --input=3x4xf32=0 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not lipt-run %s --function=soft_cap --input=4x3xf64=0 2>&1 | FileCheck %s --check-prefix=DTYPE
// RUN: not lipt-run %s --function=soft_cap --input=@%t/missing.npy 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: printf 'not a numpy file' > %t/bad.npy && not lipt-run %s --function=soft_cap --input=@%t/bad.npy 2>&1 | FileCheck %s --check-prefix=CORRUPT
// RUN: not lipt-run %s --function=soft_cap --input='4x3xf32=[1, 2, 3]' 2>&1 | FileCheck %s --check-prefix=VALUES
// RUN: not lipt-run %s --function=soft_cap --input='4x3xi16=0' 2>&1 | FileCheck %s --check-prefix=ELTYPE
// RUN: not lipt-run %s 2>&1 | FileCheck %s --check-prefix=NOFUNC
// RUN: not lipt-run %t/does-not-exist.mlir --function=f 2>&1 | FileCheck %s --check-prefix=NOFILE

// LIST: soft_cap(4x3xf32) -> (4x3xf32)
// LIST: muon(2x3xbf16, 2x3xbf16, 2x3xbf16) -> (2x3xbf16, 2x3xbf16)
// The singular values 3, 1.5, 0.5 become p2(p1(.)): the first row of
// U diag(1.8746, 1.4492, 0.4998) V^T.
// CAP: 4x3xf32={{\[\[}}0.71374{{[0-9]*}} 0.61671{{[0-9]*}} 0.75912{{[0-9]*}}]{{\[}}
// MUON: 2x3xbf16={{\[\[}}1.046875 0.9960938 0.9453125][0.953125 0.96875 0.9804688]]
// MUON-NEXT: 2x3xbf16={{\[\[}}0.1000977 0.2001953 0.3007812][0.4003906 0.5 0.6015625]]
// NPY: float32 (4, 3)
// NOBF16NPY: lipt-run: error: --output #1: {{.*}}m.npy: NumPy has no bfloat16 dtype
// UNKNOWN: lipt-run: error: no function 'nope' in {{.*}}lipt-run.mlir (functions: soft_cap, muon)
// COUNT: lipt-run: error: function soft_cap(4x3xf32) -> (4x3xf32) takes 1 inputs, got 0 --input
// SHAPE: lipt-run: error: --input #0 is 3x4xf32 but soft_cap expects 4x3xf32
// DTYPE: lipt-run: error: --input #0 is 4x3xf64 but soft_cap expects 4x3xf32
// MISSING: lipt-run: error: --input #0: {{.*}}missing.npy: cannot open file
// CORRUPT: lipt-run: error: --input #0: {{.*}}bad.npy: not a .npy file (bad magic)
// VALUES: lipt-run: error: --input #0: tensor literal for 4x3xf32 has 3 values, expected 12 (or 1 to splat)
// ELTYPE: lipt-run: error: --input #0: unknown element type 'i16' in '4x3xi16' (expected f32, f64, f16, bf16, i32 or i64)
// NOFUNC: lipt-run: error: {{.*}}lipt-run.mlir has no model to train (no function ends in lipt.head); pass --function=NAME
// NOFILE: lipt-run: error: {{.*}}does-not-exist.mlir: cannot open file (No such file or directory)

func.func @soft_cap(%w: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %0 = lipt.spectral_soft_cap %w {alpha = 0.05} : tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

func.func @muon(%w: tensor<2x3xbf16>, %g: tensor<2x3xbf16>, %m: tensor<2x3xbf16>)
    -> (tensor<2x3xbf16>, tensor<2x3xbf16>) {
  %0, %1 = lipt.muon_step %w, %g, %m {lr = 0.1} : tensor<2x3xbf16>
  return %0, %1 : tensor<2x3xbf16>, tensor<2x3xbf16>
}
