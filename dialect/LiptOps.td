//===- LiptOps.td - lipt operations ------------------------*- tablegen -*-===//
//
// Op and attribute names are a contract other frameworks write against; they
// parse in MLIR's generic form too. Semantics: shared/docs/paper-notes.md.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_OPS_TD
#define LIPT_OPS_TD

include "LiptAttrs.td"
include "LiptInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// Weight-in, weight-out constraint ops share their format, and each says
// what it guarantees about its result's norm (Lipschitz.cpp).
class Lipt_WeightMapOp<string mnemonic, list<Trait> traits = []>
    : Lipt_Op<mnemonic, !listconcat(traits,
                                   [Pure, AllTypesMatch<["weight", "result"]>,
                                    DeclareOpInterfaceMethods<LipschitzOpInterface,
                                        ["getResultNormBound"]>])> {
  let results = (outs Lipt_Weight:$result);
  let assemblyFormat = "$weight attr-dict `:` type($weight)";
  let hasVerifier = 1;
}

def Lipt_SpectralSoftCapOp : Lipt_WeightMapOp<"spectral_soft_cap"> {
  let summary = "spectral soft cap: W <- W(I - a W^T W), then W(I + a W^T W)";
  let description = [{
    Maps every singular value s to p2(p1(s)) with p1(x) = x - a x^3 and
    p2(x) = x + a x^3 (paper-notes, "spectral soft cap").

    Two ways to give the strength:
    - `alpha` (>= 0): the strength on W itself, or on W / bound when
      `sigma_max` is also given (bound = sigma_max in the unit of `norm`).
    - `sigma_max`, `lr` and optionally `wd` (no `alpha`): alpha is the
      coupling root of Theorem 3.1 with k = (1 - wd) + lr / sigma_max, for a
      weight bounded by sigma_max before a step whose update had norm <= lr
      (same unit) and whose decoupled decay scaled it by (1 - wd). The root is
      computed once on the host (lipt/Runtime/SpectralMath.h). For
      k > 81/62 the root alone lets p2(p1(s)) peak above 1 inside (0, k);
      lipt then uses the strength that caps that peak at 1, and rejects
      k > ~2.6, where no strength can.

    ```mlir
    %0 = lipt.spectral_soft_cap %w {alpha = 0.05} : tensor<256x1024xf32>
    %1 = lipt.spectral_soft_cap %w {sigma_max = 6.0, lr = 0.1,
           norm = #lipt.norm<rms>} : tensor<4x64x64xbf16>
    ```
  }];
  let arguments = (ins Lipt_Weight:$weight,
                   OptionalAttr<F64Attr>:$alpha,
                   OptionalAttr<F64Attr>:$sigma_max,
                   OptionalAttr<F64Attr>:$lr,
                   OptionalAttr<F64Attr>:$wd,
                   DefaultValuedAttr<Lipt_NormAttr, "NormKind::spectral">:$norm);
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// alpha in units where the bound is 1 (or on W itself when no
    /// sigma_max is given).
    double getEffectiveAlpha();
  }];
}

def Lipt_SpectralHardCapOp : Lipt_WeightMapOp<"spectral_hard_cap"> {
  let summary = "spectral hard cap: every singular value s -> min(sigma_max, s)";
  let description = [{
    `method = msign` (the default): exact, hardcap(M) = 1/2 [Q + M -
    A msign(A)^T Q] with Q = msign(M), A = Q - M (Su; Leloy Kun), for any
    input. Its msign uses `schedule` (default
    `#lipt.schedule<"msign_precise">`).

    `method = polynomial`: the 4 fixed odd polynomial steps of paper-notes on
    M = W / sigma_max, kept for speed. The map is valid for singular values
    of M in [0, 3.5], where it lands in [0, 1.0109] (not exactly min(1, s):
    it overshoots by up to 1.1%); beyond ~3.67 it turns negative and then
    diverges. The lowering therefore first divides W by max(1, u / 3.5) with
    u >= sigma_1(M) a cheap upper bound (||(M^T M)^2||_F^(1/4)): inputs in
    range are untouched, others come out bounded by 1.0109 sigma_max.

    ```mlir
    %0 = lipt.spectral_hard_cap %w {sigma_max = 1.0,
           method = #lipt.hard_cap_method<msign>} : tensor<64x32xf32>
    ```
  }];
  let arguments = (ins Lipt_Weight:$weight,
                   F64Attr:$sigma_max,
                   DefaultValuedAttr<Lipt_HardCapMethodAttr,
                                     "HardCapMethod::msign">:$method,
                   OptionalAttr<Lipt_ScheduleAttr>:$schedule,
                   DefaultValuedAttr<Lipt_NormAttr, "NormKind::spectral">:$norm);
}

def Lipt_OrthogonalizeOp : Lipt_Op<"orthogonalize",
    [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "approximate msign(G) = U V^T by an odd polynomial schedule";
  let description = [{
    X = G / (scale * ||G||_F + eps) per matrix, then each (a, b, c) step of
    `schedule`: X <- a X + (b A + c A^2) X with A = X X^T on the smaller Gram
    side. Output singular values lie in the schedule's documented range.

    ```mlir
    %o = lipt.orthogonalize %g {schedule = #lipt.schedule<"muon5">}
           : tensor<3x256x1024xf32>
    ```
  }];
  let arguments = (ins Lipt_Weight:$input,
                   Lipt_ScheduleAttr:$schedule,
                   DefaultValuedAttr<F64Attr, "1.0e-7">:$eps);
  let results = (outs Lipt_Weight:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Lipt_PowerIterationOp : Lipt_Op<"power_iteration", [Pure]> {
  let summary = "top singular triple (sigma_1, u_1, v_1) by power iteration";
  let description = [{
    From start vector v (normalised first), `iters` times
    v <- W^T W v / ||W^T W v||; then sigma = ||W v||, u = W v / sigma.
    For W of shape [..., m, n]: start and v are [..., n], u is [..., m],
    sigma is [...] (rank 0 for a single matrix).

    ```mlir
    %s, %u, %v = lipt.power_iteration %w, %v0 {iters = 16}
        : tensor<64x32xf32>, tensor<32xf32>
        -> tensor<f32>, tensor<64xf32>, tensor<32xf32>
    ```
  }];
  let arguments = (ins Lipt_Weight:$weight, Lipt_VectorTensor:$start,
                   DefaultValuedAttr<I64Attr, "16">:$iters);
  let results = (outs RankedTensorOf<[F64, F32, F16, BF16]>:$sigma,
                      Lipt_VectorTensor:$u, Lipt_VectorTensor:$v);
  let assemblyFormat = [{
    $weight `,` $start attr-dict `:` type($weight) `,` type($start)
    `->` type($sigma) `,` type($u) `,` type($v)
  }];
  let hasVerifier = 1;
}

// The three constraints built on power iteration. Their start vector is a
// fixed deterministic pseudo-random vector (see the lowering).
def Lipt_SpectralHammerOp : Lipt_WeightMapOp<"spectral_hammer"> {
  let summary = "spectral hammer: set the top singular value to sigma_max";
  let description = [{
    W <- W + (bound - sigma_1) u_1 v_1^T, with (sigma_1, u_1, v_1) from
    `iters` power iterations. No guarantee if several singular values grow.

    ```mlir
    %0 = lipt.spectral_hammer %w {sigma_max = 1.0, iters = 16} : tensor<8x8xf32>
    ```
  }];
  let arguments = (ins Lipt_Weight:$weight, F64Attr:$sigma_max,
                   DefaultValuedAttr<I64Attr, "16">:$iters,
                   DefaultValuedAttr<Lipt_NormAttr, "NormKind::spectral">:$norm);
}

def Lipt_SpectralNormalizeOp : Lipt_WeightMapOp<"spectral_normalize"> {
  let summary = "spectral normalize: W <- W / max(1, sigma_1 / sigma_max)";
  let description = [{
    sigma_1 from `iters` power iterations.

    ```mlir
    %0 = lipt.spectral_normalize %w {sigma_max = 1.0} : tensor<8x16xf32>
    ```
  }];
  let arguments = (ins Lipt_Weight:$weight, F64Attr:$sigma_max,
                   DefaultValuedAttr<I64Attr, "16">:$iters,
                   DefaultValuedAttr<Lipt_NormAttr, "NormKind::spectral">:$norm);
}

def Lipt_SpectralWeightDecayOp : Lipt_WeightMapOp<"spectral_weight_decay"> {
  let summary = "spectral weight decay: W <- W - rate * sigma_1 u_1 v_1^T";
  let description = [{
    Decays only the top singular direction: sigma_1 -> (1 - rate) sigma_1.

    ```mlir
    %0 = lipt.spectral_weight_decay %w {rate = 0.1, iters = 16} : tensor<8x8xf32>
    ```
  }];
  let arguments = (ins Lipt_Weight:$weight, F64Attr:$rate,
                   DefaultValuedAttr<I64Attr, "16">:$iters);
  let hasFolder = 1;
}

def Lipt_RmsProjectOp : Lipt_WeightMapOp<"rms_project"> {
  let summary = "scale each slice along `axis` to RMS norm <= max_rms";
  let description = [{
    For an embedding [vocab, d] (one token per row) use axis = 1 (the
    default, the last dimension): each row x becomes x / max(1, rms(x) /
    max_rms) with rms(x) = ||x||_2 / sqrt(len). For an unembedding stored
    [vocab, d] the same applies per vocabulary row.

    ```mlir
    %0 = lipt.rms_project %e {axis = 1} : tensor<65x256xf32>
    ```
  }];
  let arguments = (ins Lipt_Weight:$weight, OptionalAttr<I64Attr>:$axis,
                   DefaultValuedAttr<F64Attr, "1.0">:$max_rms);
  let extraClassDeclaration = [{
    /// `axis`, or the last dimension when absent.
    int64_t getReducedAxis();
  }];
}

def Lipt_OddPolynomialOp : Lipt_WeightMapOp<"odd_polynomial"> {
  let summary = "W <- W q(W^T W) with q(A) = sum_i coefficients[i] A^i";
  let description = [{
    Maps every singular value s to s q(s^2): the general odd polynomial
    iteration (paper-notes, "Norms and units"). Computed on the smaller Gram
    side. lipt-fuse-polynomials produces it, e.g. the soft cap's two steps
    as one: q(A) = 1 - 3a^2 A^2 + 3a^3 A^3 - a^4 A^4.

    ```mlir
    %0 = lipt.odd_polynomial %w {coefficients = array<f64: 1.0, 0.0, -0.03>}
           : tensor<1024x256xf32>
    ```
  }];
  let arguments = (ins Lipt_Weight:$weight, DenseF64ArrayAttr:$coefficients);
}

def Lipt_MuonStepOp : Lipt_Op<"muon_step",
    [Pure, AllTypesMatch<["weight", "grad", "momentum", "new_weight",
                          "new_momentum"]>]> {
  let summary = "one Muon step with decoupled weight decay and a constraint";
  let description = [{
    paper-notes, "Muon step with a constraint":
    ```
    m   <- beta m + (1 - beta) g
    u   <- nesterov ? beta m + (1 - beta) g : m
    d   <- orthogonalize(u, schedule) * sqrt(fan_out / fan_in) * target_norm
    W   <- (1 - wd * lr * target_norm) W - lr * d
    W   <- constraint(W)
    ```
    `constraint` = none | soft_cap | hard_cap | hammer | normalize, with bound
    `sigma_max` in the unit of `norm`. The soft cap's strength is the coupling
    of Theorem 3.1 for this step's lr and wd, with the update's norm bounded
    by lr times the schedule's maximal gain (muon5 is not an exact msign: its
    outputs reach 1.2). `schedule` defaults to
    muon5; `hard_cap_method` to msign (exact); `iters`
    is the power-iteration count of hammer/normalize.

    The learning rate is either the attribute `lr` (a fixed step) or the
    first of the `step_scalars` operands, rank-0 f32/f64 tensors that change
    per step without recompiling (a schedule). With an operand lr, a soft
    cap takes its strength as the second operand: alpha on W / bound, which
    the host computes from that lr with the one definition of the coupling
    (`lipt_runtime::muonSoftCapStrength`, lipt/Runtime/SpectralMath.h);
    other constraints take no second operand. The caller then also keeps
    wd * lr * target_norm < 1, which the verifier checks for an attribute lr.

    ```mlir
    %w1, %m1 = lipt.muon_step %w, %g, %m {lr = 0.1, beta = 0.9,
        constraint = #lipt.constraint<soft_cap>, sigma_max = 6.0,
        norm = #lipt.norm<rms>, target_norm = 16.0} : tensor<256x256xf32>
    %w2, %m2 = lipt.muon_step %w, %g, %m step_scalars(%lr, %alpha
        : tensor<f32>, tensor<f32>) {constraint = #lipt.constraint<soft_cap>,
        sigma_max = 6.0, norm = #lipt.norm<rms>} : tensor<4x128x128xf32>
    ```
  }];
  let arguments = (ins Lipt_Weight:$weight, Lipt_Weight:$grad,
                   Lipt_Weight:$momentum,
                   Variadic<Lipt_StepScalar>:$step_scalars,
                   OptionalAttr<F64Attr>:$lr,
                   DefaultValuedAttr<F64Attr, "0.9">:$beta,
                   DefaultValuedAttr<BoolAttr, "false">:$nesterov,
                   DefaultValuedAttr<F64Attr, "0.0">:$wd,
                   DefaultValuedAttr<F64Attr, "1.0">:$target_norm,
                   OptionalAttr<Lipt_ScheduleAttr>:$schedule,
                   DefaultValuedAttr<Lipt_ConstraintAttr,
                                     "ConstraintKind::none">:$constraint,
                   OptionalAttr<F64Attr>:$sigma_max,
                   DefaultValuedAttr<Lipt_NormAttr, "NormKind::spectral">:$norm,
                   OptionalAttr<Lipt_HardCapMethodAttr>:$hard_cap_method,
                   DefaultValuedAttr<I64Attr, "16">:$iters);
  let results = (outs Lipt_Weight:$new_weight, Lipt_Weight:$new_momentum);
  let assemblyFormat = [{
    $weight `,` $grad `,` $momentum
    (`step_scalars` `(` $step_scalars^ `:` type($step_scalars) `)`)?
    attr-dict `:` type($weight)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The learning rate operand (null when `lr` is an attribute).
    Value getLrOperand() {
      return getStepScalars().empty() ? Value() : getStepScalars()[0];
    }
    /// The soft cap's strength operand (null unless lr is an operand and
    /// the constraint is soft_cap).
    Value getSoftCapAlphaOperand() {
      return getStepScalars().size() < 2 ? Value() : getStepScalars()[1];
    }
    /// The step's fixed parameters for the shared coupling math.
    ::lipt_runtime::MuonStepShape getStepShape();
    /// `schedule`, or muon5.
    ScheduleAttr getEffectiveSchedule();
    /// The soft cap's coupling inputs for this step (attribute lr only), in
    /// the unit of `norm`: a bound on the update's norm and the decay.
    ::lipt_runtime::MuonCoupling getSoftCapCoupling();
  }];
}

def Lipt_AdamwStepOp : Lipt_Op<"adamw_step",
    [Pure, AllTypesMatch<["weight", "grad", "exp_avg", "exp_avg_sq",
                          "new_weight", "new_exp_avg", "new_exp_avg_sq"]>]> {
  let summary = "one AdamW step with decoupled weight decay and a constraint";
  let description = [{
    The baseline optimizer of paper-notes ("AdamW is the baseline
    optimiser"), with the step's values as operands so a schedule never
    recompiles: `lr` and `step` (t, counted from 1, for the bias
    corrections), rank-0 f32/f64 tensors.
    ```
    m <- beta m + (1 - beta) g
    v <- beta2 v + (1 - beta2) g^2
    W <- (1 - lr wd) W - (lr / (1 - beta^t)) m / (sqrt(v / (1 - beta2^t)) + eps)
    W <- constraint(W)
    ```
    `constraint` = none | hard_cap | hammer | normalize with bound
    `sigma_max` in the unit of `norm`; a soft cap's strength is coupled to
    Muon's update norm and is rejected here.

    ```mlir
    %w1, %m1, %v1 = lipt.adamw_step %w, %g, %m, %v, %lr, %t {beta2 = 0.95,
        constraint = #lipt.constraint<hard_cap>, sigma_max = 1.0}
        : tensor<4x64x64xf32>, tensor<f64>, tensor<f64>
    ```
  }];
  let arguments = (ins Lipt_Weight:$weight, Lipt_Weight:$grad,
                   Lipt_Weight:$exp_avg, Lipt_Weight:$exp_avg_sq,
                   Lipt_StepScalar:$lr, Lipt_StepScalar:$step,
                   DefaultValuedAttr<F64Attr, "0.9">:$beta,
                   DefaultValuedAttr<F64Attr, "0.999">:$beta2,
                   DefaultValuedAttr<F64Attr, "0.0">:$wd,
                   DefaultValuedAttr<F64Attr, "1.0e-8">:$eps,
                   DefaultValuedAttr<Lipt_ConstraintAttr,
                                     "ConstraintKind::none">:$constraint,
                   OptionalAttr<F64Attr>:$sigma_max,
                   DefaultValuedAttr<Lipt_NormAttr, "NormKind::spectral">:$norm,
                   OptionalAttr<Lipt_HardCapMethodAttr>:$hard_cap_method,
                   DefaultValuedAttr<I64Attr, "16">:$iters);
  let results = (outs Lipt_Weight:$new_weight, Lipt_Weight:$new_exp_avg,
                      Lipt_Weight:$new_exp_avg_sq);
  let assemblyFormat = [{
    $weight `,` $grad `,` $exp_avg `,` $exp_avg_sq `,` $lr `,` $step attr-dict
    `:` type($weight) `,` type($lr) `,` type($step)
  }];
  let hasVerifier = 1;
}

def Lipt_RowNormalizedStepOp : Lipt_Op<"row_normalized_step",
    [Pure, AllTypesMatch<["weight", "grad", "momentum", "new_weight",
                          "new_momentum"]>]> {
  let summary = "the embedding and unembedding update: row-normalised momentum";
  let description = [{
    paper-notes, "Muon step with a constraint": the embedding and the
    unembedding are not spectrally constrained; their update is the momentum
    with each token row RMS-normalised (the gain capped at `max_inflation`),
    and each row is then projected to RMS norm <= `max_rms`. For a weight
    [rows, d] (one token per row; batched over leading dims), with the
    learning rate a run-time operand (rank-0 f32/f64):
    ```
    m <- beta m + (1 - beta) g
    u <- m * min(1 / rms_row(m), max_inflation)
    W <- (1 - wd lr target_norm) W - lr target_norm u
    W <- W / max(1, rms_row(W) / max_rms)
    ```

    ```mlir
    %e1, %m1 = lipt.row_normalized_step %e, %g, %m, %lr {beta = 0.9}
        : tensor<65x128xf32>, tensor<f64>
    ```
  }];
  let arguments = (ins Lipt_Weight:$weight, Lipt_Weight:$grad,
                   Lipt_Weight:$momentum, Lipt_StepScalar:$lr,
                   DefaultValuedAttr<F64Attr, "0.9">:$beta,
                   DefaultValuedAttr<F64Attr, "0.0">:$wd,
                   DefaultValuedAttr<F64Attr, "1.0">:$target_norm,
                   DefaultValuedAttr<F64Attr, "16.0">:$max_inflation,
                   DefaultValuedAttr<F64Attr, "1.0">:$max_rms);
  let results = (outs Lipt_Weight:$new_weight, Lipt_Weight:$new_momentum);
  let assemblyFormat = [{
    $weight `,` $grad `,` $momentum `,` $lr attr-dict `:` type($weight) `,`
    type($lr)
  }];
  let hasVerifier = 1;
}

include "LiptModelOps.td"

#endif // LIPT_OPS_TD
