//===- ModelFunction.cpp - a ModelSpec as a model function ----------------===//

#include "lipt/ModelImport/ModelFunction.h"

#include "lipt/Dialect/LiptOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace mlir::lipt;
using lipt_train::ModelSpec;

namespace {

/// Builds the ops of one model function in order; the weights are the
/// function's arguments 1..n, consumed in checkpoint order.
class ModelBuilder {
public:
  ModelBuilder(OpBuilder &b, const ModelSpec &spec, Block &entry,
               RankedTensorType activations)
      : b(b), spec(spec), entry(entry), act(activations),
        loc(b.getUnknownLoc()) {}

  Value nextWeight() { return entry.getArgument(next++); }

  Value maybeNorm(Value x, bool norm) {
    if (!norm)
      return x;
    return LayerNormOp::create(b, loc, act, x,
                               b.getF64FloatAttr(spec.layerNormEps));
  }

  /// A convex residual whose branch `branch` builds from its input.
  Value residual(Value x, function_ref<Value(Value)> branch) {
    auto op =
        ConvexResidualOp::create(b, loc, act, x, uint64_t(spec.branches()));
    Block *body = b.createBlock(&op.getBody(), {}, {act}, {loc});
    Value f = branch(body->getArgument(0));
    YieldOp::create(b, loc, f);
    b.setInsertionPointAfter(op);
    return op.getResult();
  }

  static ConstraintKind kindOf(const lipt_train::Constraint &c) {
    return static_cast<ConstraintKind>(c.kind);
  }
  FloatAttr sigmaOf(const lipt_train::Constraint &c) {
    return c.enforced() ? b.getF64FloatAttr(c.sigmaMax) : FloatAttr();
  }
  /// Only msign is spelled: absent means the polynomial.
  HardCapMethodAttr methodOf(const lipt_train::Constraint &c) {
    return c.kind == lipt_train::ConstraintKind::hard_cap &&
                   !c.polynomialHardCap
               ? HardCapMethodAttr::get(b.getContext(), HardCapMethod::msign)
               : HardCapMethodAttr();
  }

  Value block(Value x, const lipt_train::BlockSpec &blk) {
    Value q = nextWeight(), k = nextWeight(), v = nextWeight(),
          o = nextWeight(), in = nextWeight(), out = nextWeight();
    x = residual(x, [&](Value h) -> Value {
      return AttentionOp::create(b, loc, act, maybeNorm(h, blk.attnLayerNorm),
                                 q, k, v, o, uint64_t(spec.heads), spec.causal,
                                 spec.rope, APFloat(spec.softmaxScale),
                                 kindOf(blk.attn), sigmaOf(blk.attn),
                                 methodOf(blk.attn));
    });
    return residual(x, [&](Value h) -> Value {
      return MlpOp::create(b, loc, act, maybeNorm(h, blk.mlpLayerNorm), in, out,
                           kindOf(blk.mlp), sigmaOf(blk.mlp),
                           methodOf(blk.mlp));
    });
  }

private:
  OpBuilder &b;
  const ModelSpec &spec;
  Block &entry;
  RankedTensorType act;
  Location loc;
  unsigned next = 1;
};

} // namespace

OwningOpRef<ModuleOp> mlir::lipt::buildModelFunction(const ModelSpec &spec,
                                                     int64_t batch,
                                                     MLIRContext *context) {
  context->loadDialect<LiptDialect, func::FuncDialect>();
  OpBuilder b(context);
  Location loc = b.getUnknownLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  Type f32 = b.getF32Type();
  auto tokens = RankedTensorType::get({batch, spec.seqLen}, b.getI32Type());
  auto act = RankedTensorType::get({batch, spec.seqLen, spec.d}, f32);
  auto logits = RankedTensorType::get({batch, spec.seqLen, spec.vocab}, f32);
  SmallVector<Type> args{tokens};
  for (const lipt_train::WeightInfo &w : lipt_train::weightsOf(spec))
    args.push_back(RankedTensorType::get({w.rows, w.cols}, f32));

  b.setInsertionPointToEnd(module->getBody());
  auto fn =
      func::FuncOp::create(b, loc, "model", b.getFunctionType(args, {logits}));
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToEnd(entry);
  ModelBuilder mb(b, spec, *entry, act);
  Value x =
      EmbedOp::create(b, loc, act, entry->getArgument(0), mb.nextWeight());
  for (const lipt_train::BlockSpec &blk : spec.blocks)
    x = mb.block(x, blk);
  x = mb.maybeNorm(x, spec.headLayerNorm);
  Value out = HeadOp::create(b, loc, logits, x, mb.nextWeight(),
                             APFloat(spec.finalScale));
  func::ReturnOp::create(b, loc, out);
  return module;
}
