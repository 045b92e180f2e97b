//===- LiptBase.td - lipt dialect definition ---------------*- tablegen -*-===//

#ifndef LIPT_BASE_TD
#define LIPT_BASE_TD

include "mlir/IR/OpBase.td"

def Lipt_Dialect : Dialect {
  let name = "lipt";
  let cppNamespace = "::mlir::lipt";
  let summary = "Weight constraints, Muon and blocks of Lipschitz transformers";
  let description = [{
    Operations of "Training Transformers with Enforced Lipschitz Constants"
    (Newhouse et al., arXiv 2507.13338). The mathematics is in
    `shared/docs/paper-notes.md`.

    Weights are ranked tensors of f64, f32, f16 or bf16. Rank 2 is a matrix
    `[fan_out, fan_in]`; higher ranks are batches of matrices over the leading
    dimensions. f16/bf16 weights are computed in f32 by the lowerings.
  }];
  let useDefaultAttributePrinterParser = 1;
  // `lipt.train` on a module: the training configuration (LiptModelOps.cpp).
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Defined next to the attribute storage classes (LiptAttrs.cpp).
    void registerAttributes();
  }];
}

class Lipt_Op<string mnemonic, list<Trait> traits = []>
    : Op<Lipt_Dialect, mnemonic, traits>;

/// A matrix [fan_out, fan_in] or a batch of them (rank >= 2 is verified by
/// each op, so the message can name the op).
def Lipt_Weight : RankedTensorOf<[F64, F32, F16, BF16]>;
/// A vector, or a batch of vectors.
// A per-step scalar operand (a learning rate, a strength): rank 0, f32 or
// f64 whatever the weight's type, so bf16 weights keep an exact lr.
def Lipt_StepScalar : 0DTensorOf<[F64, F32]>;
def Lipt_VectorTensor : RankedTensorOf<[F64, F32, F16, BF16]>;

#endif // LIPT_BASE_TD
