// lipt-cuda-pipeline on a Muon + soft cap step with run-time scalars (the
// training step's shape): every product is a cuBLAS call, everything else
// kernels in gpu.binary ops, nothing of lipt left; then the host interface
// MLIR 22's translation calls, which runtime/cuda/CudaRuntime.cpp defines
// (these signatures drift between LLVM versions).
// REQUIRES: ptxas
// RUN: lipt-opt %s --lipt-cuda-pipeline=format=isa | FileCheck %s
// RUN: lipt-opt %s --lipt-cuda-pipeline | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=HOST
// RUN: lipt-opt %s --lipt-cuda-pipeline="format=isa chip=sm_80 features=+ptx80" | FileCheck %s --check-prefix=SM80
// bf16-products: every product reads bf16 copies made by kernels (PTX's
// round-to-nearest-even conversion) and runs on cuBLAS's bf16 gemm; the
// artifact's PTX assembles and its CUDA symbols are the runtime's.
// RUN: lipt-opt %s --lipt-cuda-pipeline="format=isa bf16-products=true" | FileCheck %s --check-prefix=BF16
// RUN: rm -rf %t.ptx && lipt-compile %s --target=cuda --bf16-products --emit=ptx -o %t.ptx
// RUN: %python %S/ptx_check.py %ptxas %t.ptx sm_90 | FileCheck %s --check-prefix=PTXAS
// RUN: lipt-compile %s --target=cuda --bf16-products -o %t.bf16.lipt.so
// RUN: lipt-run %t.bf16.lipt.so --list-functions --device=cuda | FileCheck %s --check-prefix=LIST
// RUN: not lipt-compile %s --target=cpu --bf16-products -o %t.cpu.lipt.so 2>&1 | FileCheck %s --check-prefix=CPU

// CHECK-NOT: lipt.
// CHECK: llvm.func @step(
// CHECK: llvm.call @lipt_cuda_gemm_f32(
// CHECK-NOT: llvm.call @lipt_rt_
// CHECK: gpu.launch_func
// CHECK: gpu.binary @lipt_kernels {{.*}}chip = "sm_90", features = "+ptx80"{{.*}}.entry step_kernel(
// CHECK-SAME: shfl.sync.bfly
// CHECK-NOT: gpu.binary
// SM80: chip = "sm_80"
// SM80-SAME: .target sm_80
// BF16: llvm.func @step(
// BF16-NOT: @lipt_cuda_gemm_f32(
// BF16: llvm.call @lipt_cuda_gemm_bf16(
// BF16-NOT: @lipt_cuda_gemm_f32(
// BF16: gpu.binary @lipt_kernels
// BF16-SAME: cvt.rn.bf16.f32
// PTXAS: kernels in 1 files assembled for sm_90
// LIST: step
// CPU: lipt-compile: error: --bf16-products chooses how a GPU multiplies; --target=cpu has no such choice
// An architecture lipt does not compile for, or --gpu for a CPU, is the
// command line's error: reported before the module is read, no file written.
// RUN: not lipt-compile %s --target=cuda --gpu=sm_70 -o %t.sm70.lipt.so 2>&1 | FileCheck %s --check-prefix=ARCH
// RUN: not lipt-compile %s --gpu=sm_90 -o %t.sm70.lipt.so 2>&1 | FileCheck %s --check-prefix=GPUCPU
// RUN: test ! -e %t.sm70.lipt.so
// ARCH: lipt-compile: error: --gpu=sm_70 is not an architecture lipt compiles for (sm_75 to sm_90a, sm_100, sm_101, sm_103, sm_120, sm_121)
// GPUCPU: lipt-compile: error: --gpu chooses a GPU architecture; --target=cpu compiles for a CPU (--target-cpu)

// HOST-DAG: declare void @_mlir_ciface_lipt_cuda_gemm_f32(ptr, ptr, ptr, i1, i1, i1)
// HOST-DAG: declare ptr @mgpuStreamCreate()
// HOST-DAG: declare void @mgpuStreamDestroy(ptr)
// HOST-DAG: declare void @mgpuStreamSynchronize(ptr)
// HOST-DAG: declare ptr @mgpuMemAlloc(i64, ptr, i8)
// HOST-DAG: declare void @mgpuMemFree(ptr, ptr)
// HOST-DAG: declare ptr @mgpuModuleLoad(ptr, i64)
// HOST-DAG: declare void @mgpuModuleUnload(ptr)
// HOST-DAG: declare ptr @mgpuModuleGetFunction(ptr, ptr)
// HOST-DAG: declare void @mgpuLaunchKernel(ptr, i64, i64, i64, i64, i64, i64, i32, ptr, ptr, ptr, i64)
// HOST-DAG: @llvm.global_ctors = appending global

func.func @step(%w: tensor<4x64x32xf32>, %g: tensor<4x64x32xf32>, %m: tensor<4x64x32xf32>, %lr: tensor<f64>, %a: tensor<f64>) -> (tensor<4x64x32xf32>, tensor<4x64x32xf32>) {
  %0:2 = lipt.muon_step %w, %g, %m step_scalars(%lr, %a : tensor<f64>, tensor<f64>) {constraint = #lipt.constraint<soft_cap>, sigma_max = 2.0, norm = #lipt.norm<rms>, nesterov = true} : tensor<4x64x32xf32>
  return %0#0, %0#1 : tensor<4x64x32xf32>, tensor<4x64x32xf32>
}
