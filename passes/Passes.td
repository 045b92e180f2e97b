//===- Passes.td - lipt passes -----------------------------*- tablegen -*-===//

#ifndef LIPT_PASSES_TD
#define LIPT_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowerSpectralCapPass : Pass<"lower-spectral-cap"> {
  let summary = "Lower lipt.spectral_soft_cap and lipt.spectral_hard_cap to linalg";
  let description = [{
    The user-facing entry point (`lipt-opt --lower-spectral-cap`). Lowers only
    the two caps; other lipt ops are left alone.

    ```mlir
    %0 = lipt.spectral_soft_cap %w {alpha = 0.1} : tensor<64x16xf32>
    // becomes, on the small (16x16) Gram side:
    //   A = W^T W; P = -0.1 A; W1 = W + W P; (same with +0.1 on W1)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def LiptLowerToLinalgPass : Pass<"lipt-lower-to-linalg"> {
  let summary = "Lower every lipt op (constraints, orthogonalization, "
                "optimizer steps, the model's forward pass) to "
                "linalg/tensor/arith/math";
  let description = [{
    Every constraint op is computed on batched [B, m, n] tensors in f32 (f64
    stays f64; f16/bf16 are extended and truncated back), with matrix
    products on the smaller Gram side. The optimizer steps are first
    decomposed into lipt.orthogonalize, elementwise updates and the
    constraint op, which are then lowered. The model ops lower to their
    inference forward pass: activations become one token matrix [1, N, d]
    whose weight products are batched contractions (BLAS on the CPU),
    attention runs per (batch, head) with the score tensor written once and
    overwritten once in place, and lipt.embed checks every token id (one
    outside [0, vocab) embeds as NaN, never read outside the table). Shapes
    must be static.

    ```mlir
    %o = lipt.orthogonalize %g {schedule = #lipt.schedule<"muon5">} : tensor<8x32xf32>
    // becomes: X = G / (||G||_F + 1e-7); 5 x { A = X X^T; B = bA + cA^2; X = aX + B X }
    %y = lipt.mlp %x, %win, %wout : ...
    // becomes: H = X W_in^T; G = gelu(H) / 1.1289; Y = G W_out^T
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def LiptDecomposeMuonStepPass : Pass<"lipt-decompose-muon-step"> {
  let summary = "Decompose the optimizer steps into lipt ops and elementwise updates";
  let description = [{
    Exposes the steps' orthogonalization and constraint to lipt-level
    passes (fusion) before lowering: lipt.muon_step, lipt.adamw_step and
    lipt.row_normalized_step (whose row projection becomes lipt.rms_project).

    ```mlir
    %w1, %m1 = lipt.muon_step %w, %g, %m {lr = 0.1, constraint = #lipt.constraint<soft_cap>, ...}
    // becomes: m' = beta m + (1 - beta) g; o = lipt.orthogonalize m';
    //          w' = (1 - wd lr tn) w - lr c tn o; lipt.spectral_soft_cap w' {...}
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def LiptFusePolynomialsPass : Pass<"lipt-fuse-polynomials"> {
  let summary = "Fuse a soft cap's two polynomial steps into one";
  let description = [{
    p2(p1(W)) = W (I - aA)(I + aA') with A' = A (I - aA)^2 is one polynomial
    in the same Gram matrix A = W^T W: W q(A), q(A) = 1 - 3a^2 A^2 + 3a^3 A^3
    - a^4 A^4 (the quartic of Theorem 3.1). It costs one Gram matrix, A^2 and
    one n x n product (3 n^2 m + 3 n^3 flops with n <= m the matrix sides)
    instead of two Gram matrices and two products (6 n^2 m), so it is applied
    to non-square weights only, where it is cheaper.

    ```mlir
    %0 = lipt.spectral_soft_cap %w {alpha = 0.1} : tensor<1024x256xf32>
    // becomes
    %0 = lipt.odd_polynomial %w {coefficients = array<f64: 1.0, 0.0, -0.03, 0.003, -1.0e-4>}
    ```
  }];
}

def LiptBatchSameShapePass : Pass<"lipt-batch-same-shape"> {
  let summary = "Stack independent same-shape lipt ops into one batched op";
  let description = [{
    A model's step has one lipt op per weight; weights of one shape (the 12
    256x256 matrices of the paper's Shakespeare model) are stacked along a
    new leading dimension and handled by one op, i.e. one set of calls: the
    runtime then spreads the batch over threads. Ops are grouped when they
    have the same name, attributes and operand types, and every operand is
    available where the first of them stands.

    ```mlir
    %a = lipt.spectral_soft_cap %w0 {alpha = 0.1} : tensor<256x256xf32>
    %b = lipt.spectral_soft_cap %w1 {alpha = 0.1} : tensor<256x256xf32>
    // becomes
    %s = tensor.concat dim(0) %w0', %w1' : ... -> tensor<2x256x256xf32>
    %c = lipt.spectral_soft_cap %s {alpha = 0.1} : tensor<2x256x256xf32>
    %a = tensor.extract_slice %c[0, 0, 0] [1, 256, 256] [1, 1, 1]
    %b = tensor.extract_slice %c[1, 0, 0] [1, 256, 256] [1, 1, 1]
    ```
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def LiptCertifyPass : Pass<"lipt-certify", "::mlir::ModuleOp"> {
  let summary = "Certify a model function's Lipschitz bound from its IR";
  let description = [{
    Walks every function holding `lipt.embed` from the embedding to its
    result and composes the LipschitzOpInterface steps of its ops
    (paper-notes, "Certified Lipschitz bound"; the formulas are the host
    certificate's, lipt/Runtime/Certify.h):

    - `bound_a_sound` and `bound_a_reference_variant` from the weights'
      exact RMS->RMS norms (float64): weights that are constants, or the
      weight arguments a checkpoint binds (`checkpoint=PATH`: its config's
      weights, in checkpoint order, after the tokens argument);
    - `bound_b_caps` from the bounds the constraint attributes promise (the
      head's from Muon's row projection, when the module or checkpoint
      trains with Muon), or that a constraint op producing a weight
      guarantees.

    Each bound is attached to the function as `lipt.certificate`; a bound
    that does not exist is `null` with `<key>_reason` naming the op that
    breaks it (a layer_norm, an unconstrained weight, an op of another
    dialect that declares no bound). `json=PATH` (or `-` for stdout) writes
    the certificate with the keys of lipt-run --certify's certificate.json.

    ```mlir
    func.func @model(...) attributes {lipt.certificate = {
        bound_a_sound = 825.3 : f64, bound_a_reference_variant = 725.1 : f64,
        bound_b_caps = 13903.0 : f64}}
    ```
  }];
  let options = [
    Option<"checkpoint", "checkpoint", "std::string", /*default=*/"\"\"",
           "A lipt checkpoint (model.safetensors) whose weights bind the "
           "model function's weight arguments">,
    Option<"json", "json", "std::string", /*default=*/"\"\"",
           "Write the certificate as JSON here ('-': stdout)">,
  ];
}

def LiptLinalgToBlasPass : Pass<"lipt-linalg-to-blas", "::mlir::ModuleOp"> {
  let summary = "Call BLAS for batched matrix products on buffers";
  let description = [{
    Runs after bufferization. A linalg.generic that computes
    C[b] += op(A[b]) op(B[b]) on f32/f64 memrefs (the contraction the lipt
    lowerings emit, transposes included) becomes a call to the runtime shim
    `lipt_rt_gemm_<type>` (lipt/Runtime/BlasShims.h), which runs OpenBLAS per
    matrix. A zero linalg.fill of C right before the product is folded into
    the call (beta = 0), saving a pass over C.

    ```mlir
    linalg.fill ins(%zero) outs(%c : memref<1x16x16xf32>)
    linalg.generic {maps = [(b,i,j,k) -> (b,k,i), (b,k,j), (b,i,j)], ...}
        ins(%a, %a) outs(%c)
    // becomes
    func.call @lipt_rt_gemm_f32(%a', %a', %c', %true, %false, %false)
    ```

    With `bf16` (cublas only), an f32 product reads its operands as bf16,
    rounded to nearest even, and `lipt_cuda_gemm_bf16` multiplies them on
    tensor cores, accumulating and writing C in f32 (the paper runs its
    orthogonalization this way). An operand that one elementwise generic
    fills for this product alone is written in bf16 by that generic;
    otherwise an elementwise generic rounds it into a new buffer, which
    later products reuse while nothing writes the source. A Gram product
    rounds its one operand once. Products are rewritten in program order.
    f64 products are left in f64.
  }];
  let options = [
    Option<"library", "library", "std::string", /*default=*/"\"blas\"",
           "Which shims to call: blas (lipt_rt_*, OpenBLAS on the host) or "
           "cublas (lipt_cuda_*, cuBLAS on the device, runtime/cuda)">,
    Option<"bf16", "bf16", "bool", /*default=*/"false",
           "cublas only: f32 products take bf16 copies of their operands "
           "(tensor cores, f32 accumulation)">,
  ];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect"];
}

def LiptFuseElementwisePass : Pass<"lipt-fuse-elementwise"> {
  let summary = "Fuse chains of elementwise linalg ops (one GPU kernel each)";
  let description = [{
    Runs on tensors, after --lipt-lower-to-linalg. An all-parallel
    linalg.generic whose result has one use, by another all-parallel
    generic, is fused into it: the momentum update, the Nesterov mix and a
    scaled difference become one loop nest (one kernel on a GPU) instead
    of three. Contractions and reductions are neither fused nor fused into,
    so matrix products keep the form --lipt-linalg-to-blas calls cuBLAS or
    BLAS for. Part of lipt-cuda-pipeline.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect"];
}

def LiptMergeGpuModulesPass : Pass<"lipt-merge-gpu-modules", "::mlir::ModuleOp"> {
  let summary = "Put every outlined kernel into one gpu.module";
  let description = [{
    gpu-kernel-outlining gives each kernel a gpu.module of its own, so a
    step with a 12-iteration power iteration becomes a hundred modules:
    a hundred NVVM compilations, ptxas and fatbinary runs, and module
    loads. This pass moves every kernel into one `gpu.module
    @lipt_kernels` (each renamed after the module it came from, which is
    unique) and points every gpu.launch_func at it. Runs after outlining,
    before the NVVM target is attached.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def LiptLinalgToGpuPass : Pass<"lipt-linalg-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Run bufferized linalg ops as GPU kernels launched from the host";
  let description = [{
    Runs after bufferization and --lipt-linalg-to-blas{library=cublas}.
    Every buffer a host function allocates becomes a device buffer
    (gpu.alloc/gpu.dealloc), memref.copy a copy kernel, and every linalg op
    one gpu.launch: all-parallel ops with one thread per point (the space
    linearized, innermost dimension fastest, blocks of 256); reductions
    that combine into their output with addf, mulf or a max/min with one
    block per output element, the block's threads folding strided slices
    and combining them with gpu.all_reduce. Rank-0 function arguments stay
    on the host (the step scalars, passed to kernels by value); any other
    host access to a buffer is an error.

    ```mlir
    linalg.generic {iterator_types = ["parallel", "reduction", "reduction"]}
        ins(%w, %w : memref<4x64x32xf32>, ...) outs(%n : memref<4xf32>)
    // becomes 4 blocks x 256 threads:
    gpu.launch blocks(%b, ...) in (4, 1, 1) threads(%t, ...) in (256, 1, 1) {
      %part = scf.for %r = %t to %c2048 step %c256 iter_args(%s = 0.0) ...
      %sum = gpu.all_reduce add %part uniform {} : (f32) -> f32
      ... thread 0 stores %n[%b] + %sum
    }
    ```
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::affine::AffineDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

def LiptImportCustomCallsPass : Pass<"lipt-import-custom-calls"> {
  let summary = "Turn stablehlo/mhlo custom calls and torch.operator calls "
                "to lipt.<op> into lipt ops";
  let description = [{
    Matched by op name, so neither StableHLO nor torch-mlir must be
    registered: generic-form IR parses with --allow-unregistered-dialect.
    Both custom-call conventions are read: typed FFI (api_version = 4,
    attributes in the `backend_config` dictionary) and a JAX export
    (api_version = 1, `backend_config = ""`, attributes in
    `mhlo.backend_config`). Attribute values may be floats or integers of
    any width, booleans, and strings for enums and named schedules.
    torch.operator "torch.lipt.<op>" (FX importer) or "lipt.<op>"
    (TorchScript) maps its operands by the op's PyTorch schema
    (lipt/Torch/OpSchemas.h) and is bridged with torch_c casts. Calls to
    other targets, and every other op, are left exactly as they were.

    ```mlir
    %0 = "stablehlo.custom_call"(%w) <{api_version = 4 : i32,
        backend_config = {alpha = 1.0e-01 : f32},
        call_target_name = "lipt.spectral_soft_cap"}>
        : (tensor<16x8xf32>) -> tensor<16x8xf32>
    // becomes
    %0 = lipt.spectral_soft_cap %w {alpha = 0.1} : tensor<16x8xf32>
    ```
  }];
  let dependentDialects = ["::mlir::lipt::LiptDialect"];
}

def LiptExportCustomCallsPass : Pass<"lipt-export-custom-calls"> {
  let summary = "Turn lipt ops into generic-form stablehlo.custom_call "
                "(typed FFI)";
  let description = [{
    The reverse of --lipt-import-custom-calls, for handing a lipt graph back
    to an XLA-style host. Enums and named schedules become strings; import
    after export is the identity.

    ```mlir
    %0 = lipt.orthogonalize %g {schedule = #lipt.schedule<"muon5">} : tensor<8x32xf32>
    // becomes
    %0 = "stablehlo.custom_call"(%g) <{api_version = 4 : i32,
        backend_config = {schedule = "muon5"},
        call_target_name = "lipt.orthogonalize", has_side_effect = false}>
        : (tensor<8x32xf32>) -> tensor<8x32xf32>
    ```
  }];
}

#endif // LIPT_PASSES_TD
