//===- LiptModelOps.td - blocks of the Lipschitz transformer -*- tablegen -*-===//
//
// The model the training driver builds (paper-notes, "The Lipschitz
// transformer"): activations are [batch, seq, d] tensors, weights
// [fan_out, fan_in]. Constraints and bounds are in RMS->RMS units.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_MODEL_OPS_TD
#define LIPT_MODEL_OPS_TD

include "LiptAttrs.td"
include "LiptInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/RegionKindInterface.td"

def Lipt_Activations : RankedTensorOf<[F64, F32, F16, BF16]>;

// Every model op states its part of the certified bound (Lipschitz.cpp).
defvar LipschitzStepOp =
    DeclareOpInterfaceMethods<LipschitzOpInterface, ["getLipschitzStep"]>;

def Lipt_EmbedOp : Lipt_Op<"embed", [Pure, LipschitzStepOp]> {
  let summary = "token embedding: rows of the [vocab, d] table";
  let description = [{
    Each token column has RMS norm <= 1 (lipt.rms_project keeps it so).

    ```mlir
    %x = lipt.embed %tokens, %table : tensor<8x256xi32>, tensor<65x256xf32> -> tensor<8x256x256xf32>
    ```
  }];
  let arguments = (ins TensorOf<[I32, I64]>:$tokens, Lipt_Weight:$table);
  let results = (outs Lipt_Activations:$result);
  let assemblyFormat = [{
    $tokens `,` $table attr-dict `:` type($tokens) `,` type($table) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Lipt_LinearOp : Lipt_Op<"linear", [Pure, LipschitzStepOp]> {
  let summary = "x W^T with a weight constrained to RMS->RMS norm <= sigma_max";
  let description = [{
    `constraint` (none | soft_cap | hard_cap | hammer | normalize) and
    `sigma_max` (RMS->RMS) say how the optimizer step keeps W bounded.
    A hard cap takes `hard_cap_method`: `polynomial` (absent: the paper's
    fast map, whose 1.0109 overshoot is bounded, so the cap is certified)
    or `msign` (the exact form; its sign is a polynomial approximation, so
    no cap is certified and only the trained weights' exact norms bound
    the model).

    ```mlir
    %y = lipt.linear %x, %w {constraint = #lipt.constraint<soft_cap>, sigma_max = 6.0}
        : tensor<8x256x256xf32>, tensor<1024x256xf32> -> tensor<8x256x1024xf32>
    ```
  }];
  let arguments = (ins Lipt_Activations:$input, Lipt_Weight:$weight,
                   DefaultValuedAttr<Lipt_ConstraintAttr,
                                     "ConstraintKind::none">:$constraint,
                   OptionalAttr<F64Attr>:$sigma_max,
                   OptionalAttr<Lipt_HardCapMethodAttr>:$hard_cap_method);
  let results = (outs Lipt_Activations:$result);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` type($input) `,` type($weight) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Lipt_AttentionOp : Lipt_Op<"attention",
    [Pure, AllTypesMatch<["wq", "wk", "wv", "wo"]>, LipschitzStepOp]> {
  let summary = "1/d attention with RoPE, a causal mask and the 1/3 output factor";
  let description = [{
    q, k, v = W_q x, W_k x, W_v x split into `heads`; RoPE on q and k when
    `rope`; scores = softmax(q k^T * softmax_scale / d_head) (1/d, not
    1/sqrt(d)); out = W_o (1/3) scores v. Weights are [d, d].
    `constraint`, `sigma_max` (RMS->RMS) and `hard_cap_method` apply to each
    of the four weights, as on lipt.linear.

    ```mlir
    %y = lipt.attention %x, %wq, %wk, %wv, %wo {heads = 4, causal = true, rope = true}
        : tensor<8x256x256xf32>, tensor<256x256xf32> -> tensor<8x256x256xf32>
    ```
  }];
  let arguments = (ins Lipt_Activations:$input, Lipt_Weight:$wq,
                   Lipt_Weight:$wk, Lipt_Weight:$wv, Lipt_Weight:$wo,
                   I64Attr:$heads,
                   DefaultValuedAttr<BoolAttr, "true">:$causal,
                   DefaultValuedAttr<BoolAttr, "true">:$rope,
                   DefaultValuedAttr<F64Attr, "1.0">:$softmax_scale,
                   DefaultValuedAttr<Lipt_ConstraintAttr,
                                     "ConstraintKind::none">:$constraint,
                   OptionalAttr<F64Attr>:$sigma_max,
                   OptionalAttr<Lipt_HardCapMethodAttr>:$hard_cap_method);
  let results = (outs Lipt_Activations:$result);
  let assemblyFormat = [{
    $input `,` $wq `,` $wk `,` $wv `,` $wo attr-dict `:` type($input) `,`
    type($wq) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Lipt_MlpOp : Lipt_Op<"mlp", [Pure, LipschitzStepOp]> {
  let summary = "W_out gelu(W_in x) / 1.1289 (1.1289: GELU's largest slope)";
  let description = [{
    `constraint`, `sigma_max` (RMS->RMS) and `hard_cap_method` apply to
    both weights, as on lipt.linear.

    ```mlir
    %y = lipt.mlp %x, %win, %wout : tensor<8x256x256xf32>, tensor<1024x256xf32>,
        tensor<256x1024xf32> -> tensor<8x256x256xf32>
    ```
  }];
  let arguments = (ins Lipt_Activations:$input, Lipt_Weight:$w_in,
                   Lipt_Weight:$w_out,
                   DefaultValuedAttr<Lipt_ConstraintAttr,
                                     "ConstraintKind::none">:$constraint,
                   OptionalAttr<F64Attr>:$sigma_max,
                   OptionalAttr<Lipt_HardCapMethodAttr>:$hard_cap_method);
  let results = (outs Lipt_Activations:$result);
  let assemblyFormat = [{
    $input `,` $w_in `,` $w_out attr-dict `:` type($input) `,` type($w_in) `,`
    type($w_out) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Lipt_LayerNormOp : Lipt_Op<"layer_norm",
    [Pure, AllTypesMatch<["input", "result"]>, LipschitzStepOp]> {
  let summary = "parameter-free LayerNorm over the last dim (baselines only)";
  let description = [{
    (x - mean) / sqrt(var + eps) over the last dimension, without a learned
    scale or shift. For the paper's AdamW + LayerNorm baseline: a model
    containing it has no certified Lipschitz bound (its constant grows as
    1/sqrt(eps)), and the driver says so.

    ```mlir
    %n = lipt.layer_norm %x : tensor<8x256x256xf32>
    ```
  }];
  let arguments = (ins Lipt_Activations:$input,
                   DefaultValuedAttr<F64Attr, "1.0e-5">:$eps);
  let results = (outs Lipt_Activations:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Lipt_ConvexResidualOp : Lipt_Op<"convex_residual",
    [SingleBlock, AllTypesMatch<["input", "result"]>, LipschitzStepOp]> {
  let summary = "(1 - 1/N) x + (1/N) f(x), f given by the region";
  let description = [{
    One of the N = 2 * layers residual branches of the model; every
    convex_residual of a function must carry the same N, equal to their
    count.

    ```mlir
    %y = lipt.convex_residual %x {branches = 6} : tensor<8x256x256xf32> {
    ^bb0(%in: tensor<8x256x256xf32>):
      %f = lipt.mlp %in, %win, %wout : ...
      lipt.yield %f : tensor<8x256x256xf32>
    }
    ```
  }];
  let arguments = (ins Lipt_Activations:$input, I64Attr:$branches);
  let results = (outs Lipt_Activations:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) $body
  }];
  let hasVerifier = 1;
}

def Lipt_YieldOp : Lipt_Op<"yield", [Pure, Terminator,
                                     HasParent<"ConvexResidualOp">]> {
  let summary = "the branch value f(x) of a convex_residual";
  let arguments = (ins Lipt_Activations:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

def Lipt_HeadOp : Lipt_Op<"head", [Pure, LipschitzStepOp]> {
  let summary = "logits = final_scale * x W^T, W [vocab, d] (unembedding rows RMS <= 1)";
  let arguments = (ins Lipt_Activations:$input, Lipt_Weight:$weight,
                   DefaultValuedAttr<F64Attr, "1.0">:$final_scale);
  let results = (outs Lipt_Activations:$result);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` type($input) `,` type($weight) `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // LIPT_MODEL_OPS_TD
