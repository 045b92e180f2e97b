//===- ModelImport.cpp - read the model ops into a ModelSpec
//---------------===//

#include "lipt/ModelImport/ModelImport.h"

#include "lipt/Dialect/LiptOps.h"
#include "lipt/Optim/StepProgram.h"
#include "lipt/Runtime/SpectralMath.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::lipt;
using lipt_train::Constraint;
using lipt_train::ModelSpec;

namespace {

/// A model op's constraint attributes (constraint, sigma_max,
/// hard_cap_method).
template <typename ModelOp> Constraint constraintOf(ModelOp op) {
  Constraint c;
  // The runtime's enum numbers the kinds as the dialect's does
  // (test/Unit/DialectTest.cpp).
  c.kind = static_cast<lipt_train::ConstraintKind>(op.getConstraint());
  c.sigmaMax =
      op.getSigmaMaxAttr() ? op.getSigmaMaxAttr().getValueAsDouble() : 0;
  c.polynomialHardCap = trainsPolynomialHardCap(op);
  return c;
}

/// Walks the model function and checks it has the driver's shape.
class ModelReader {
public:
  ModelReader(func::FuncOp fn, ModelSpec &spec) : fn(fn), spec(spec) {}

  LogicalResult read() {
    Block &body = fn.getBody().front();
    auto it = body.begin();
    auto embed = dyn_cast<EmbedOp>(&*it);
    if (!embed)
      return it->emitError() << "the model must start with lipt.embed";
    if (embed.getTokens() != fn.getArgument(0))
      return embed.emitError() << "lipt.embed must read the tokens argument "
                                  "(the function's first)";
    if (failed(takeWeight(embed, embed.getTable())))
      return failure();
    auto table = cast<RankedTensorType>(embed.getTable().getType());
    spec.vocab = table.getDimSize(0);
    spec.d = table.getDimSize(1);
    if (!table.getElementType().isF32())
      return embed.emitError() << "the training driver trains f32 weights, "
                                  "got "
                               << table;
    Value x = embed.getResult();
    for (++it; it != body.end(); ++it) {
      Operation *op = &*it;
      if (auto res = dyn_cast<ConvexResidualOp>(op)) {
        if (res.getInput() != x)
          return res.emitError() << "each convex_residual must take the "
                                    "previous block's output";
        if (failed(readBranch(res)))
          return failure();
        x = res.getResult();
      } else if (auto norm = dyn_cast<LayerNormOp>(op)) {
        if (norm.getInput() != x || !isa<HeadOp>(norm->getNextNode()))
          return norm.emitError() << "a top-level layer_norm must sit "
                                     "directly before lipt.head";
        spec.headLayerNorm = true;
        spec.layerNormEps = norm.getEps().convertToDouble();
        x = norm.getResult();
      } else if (auto head = dyn_cast<HeadOp>(op)) {
        if (head.getInput() != x)
          return head.emitError() << "lipt.head must take the last block's "
                                     "output";
        if (failed(takeWeight(head, head.getWeight())))
          return failure();
        auto w = cast<RankedTensorType>(head.getWeight().getType());
        if (w.getDimSize(0) != spec.vocab)
          return head.emitError()
                 << "head.weight has " << w.getDimSize(0)
                 << " rows but the embedding's vocabulary is " << spec.vocab;
        spec.finalScale = head.getFinalScale().convertToDouble();
        auto ret = dyn_cast<func::ReturnOp>(head->getNextNode());
        if (!ret || ret.getNumOperands() != 1 ||
            ret.getOperand(0) != head.getResult())
          return head.emitError() << "the model must return lipt.head's "
                                     "logits and nothing else";
        break;
      } else {
        return op->emitError()
               << "the training driver builds models of lipt.embed, "
                  "lipt.convex_residual (around lipt.attention or lipt.mlp), "
                  "lipt.layer_norm and lipt.head; it cannot train '"
               << op->getName() << "'";
      }
    }
    if (spec.blocks.empty() || pendingAttention)
      return fn.emitError() << "the model needs at least one layer: a "
                               "convex_residual around lipt.attention, then "
                               "one around lipt.mlp";
    if (nextArg != fn.getNumArguments())
      return fn.emitError()
             << "argument #" << nextArg << " is not a weight of the model";
    return success();
  }

private:
  /// Weights must be the function's arguments, in checkpoint order.
  LogicalResult takeWeight(Operation *op, Value w) {
    auto arg = dyn_cast<BlockArgument>(w);
    if (!arg || arg.getOwner() != &fn.getBody().front() ||
        arg.getArgNumber() != nextArg)
      return op->emitError()
             << "weights must be the function's arguments in the order "
                "embed, per layer q k v o mlp-in mlp-out, head; expected "
                "argument #"
             << nextArg << " here";
    ++nextArg;
    return success();
  }

  LogicalResult readBranch(ConvexResidualOp res) {
    Block &body = res.getBody().front();
    Value in = body.getArgument(0);
    bool norm = false;
    Operation *op = &body.front();
    if (auto ln = dyn_cast<LayerNormOp>(op)) {
      if (ln.getInput() != in)
        return ln.emitError() << "layer_norm must read the branch input";
      norm = true;
      spec.layerNormEps = ln.getEps().convertToDouble();
      in = ln.getResult();
      op = op->getNextNode();
    }
    auto yield = dyn_cast<YieldOp>(op->getNextNode());
    if (!yield || yield.getValue() != op->getResult(0))
      return op->emitError() << "a branch is one lipt.attention or lipt.mlp "
                                "(optionally after a layer_norm), yielded";
    if (auto attn = dyn_cast<AttentionOp>(op)) {
      if (pendingAttention)
        return attn.emitError() << "each attention branch must be followed "
                                   "by an MLP branch";
      if (attn.getInput() != in)
        return attn.emitError() << "attention must read the branch input";
      for (Value w : {attn.getWq(), attn.getWk(), attn.getWv(), attn.getWo()})
        if (failed(takeWeight(attn, w)))
          return failure();
      int64_t heads = attn.getHeads();
      bool rope = attn.getRope(), causal = attn.getCausal();
      double scale = attn.getSoftmaxScale().convertToDouble();
      if (!spec.blocks.empty() &&
          (heads != spec.heads || rope != spec.rope || causal != spec.causal ||
           scale != spec.softmaxScale))
        return attn.emitError() << "every attention of the model must have "
                                   "the same heads, rope, causal and "
                                   "softmax_scale";
      spec.heads = heads;
      spec.rope = rope;
      spec.causal = causal;
      spec.softmaxScale = scale;
      pending.attn = constraintOf(attn);
      pending.attnLayerNorm = norm;
      pendingAttention = true;
      return success();
    }
    if (auto mlp = dyn_cast<MlpOp>(op)) {
      if (!pendingAttention)
        return mlp.emitError() << "each MLP branch must follow an attention "
                                  "branch";
      if (mlp.getInput() != in)
        return mlp.emitError() << "the MLP must read the branch input";
      for (Value w : {mlp.getWIn(), mlp.getWOut()})
        if (failed(takeWeight(mlp, w)))
          return failure();
      int64_t hidden =
          cast<RankedTensorType>(mlp.getWIn().getType()).getDimSize(0);
      if (!spec.blocks.empty() && hidden != spec.hidden)
        return mlp.emitError() << "every MLP must have the same hidden width";
      spec.hidden = hidden;
      pending.mlp = constraintOf(mlp);
      pending.mlpLayerNorm = norm;
      spec.blocks.push_back(pending);
      pending = {};
      pendingAttention = false;
      return success();
    }
    return op->emitError() << "a branch is one lipt.attention or lipt.mlp";
  }

  func::FuncOp fn;
  ModelSpec &spec;
  unsigned nextArg = 1;
  lipt_train::BlockSpec pending;
  bool pendingAttention = false;
};

/// Copies lipt.train's fields (verified by the dialect) into the spec.
/// The `lipt.train` fields the importer stores (lipt_train::trainFields;
/// the verifier has checked their values).
void readTrainConfig(DictionaryAttr dict, ModelSpec &spec) {
  for (const lipt_train::TrainField &f : lipt_train::trainFields()) {
    if (auto a = dict.getAs<FloatAttr>(f.key); a && f.real)
      spec.*f.real = a.getValueAsDouble();
    if (auto a = dict.getAs<IntegerAttr>(f.key); a && f.integer)
      spec.*f.integer = a.getInt();
    if (auto a = dict.getAs<StringAttr>(f.key); a && f.text)
      spec.*f.text = a.getValue().str();
    if (auto a = dict.getAs<StringAttr>(f.key); a && f.setChoice)
      f.setChoice(spec, a.getValue()); // a choice the verifier accepted
  }
}

} // namespace

FailureOr<ModelSpec> mlir::lipt::importModel(ModuleOp module) {
  SmallVector<func::FuncOp> models;
  module.walk([&](func::FuncOp fn) {
    if (!fn.isExternal() && !fn.getOps<HeadOp>().empty())
      models.push_back(fn);
  });
  if (models.size() != 1)
    return module.emitError()
           << "the training driver needs exactly one function ending in "
              "lipt.head (the model), found "
           << models.size();
  func::FuncOp fn = models.front();

  ModelSpec spec;
  auto dict = module->getAttrOfType<DictionaryAttr>("lipt.train");
  if (!dict)
    return module.emitError() << "the module has no 'lipt.train' attribute "
                                 "(the training configuration)";
  readTrainConfig(dict, spec);
  ScheduleAttr schedule = dict.getAs<ScheduleAttr>("orthogonalize");
  if (!schedule)
    schedule = ScheduleAttr::getNamed(module.getContext(), "muon5");
  std::string printed;
  llvm::raw_string_ostream os(printed);
  os << Attribute(schedule);
  spec.orthogonalize = printed;
  spec.orthogonalizeSteps = schedule.getSteps();
  spec.orthogonalizeFrobScale = schedule.getFrobeniusScale();
  spec.orthogonalizeGain = ::lipt_runtime::scheduleMaxGain(
      schedule.getSteps(), schedule.getFrobeniusScale());

  if (fn.getNumArguments() < 1)
    return fn.emitError() << "the model takes the tokens first";
  auto tokens = dyn_cast<RankedTensorType>(fn.getArgument(0).getType());
  if (!tokens || tokens.getRank() != 2 ||
      !tokens.getElementType().isSignlessInteger() || !tokens.hasStaticShape())
    return fn.emitError() << "the model's first argument must be the tokens, "
                             "tensor<batch x seq_len x i32|i64>";
  spec.batch = tokens.getDimSize(0);
  spec.seqLen = tokens.getDimSize(1);
  for (auto [key, value] :
       {std::pair{"batch", spec.batch}, {"seq_len", spec.seqLen}})
    if (auto a = dict.getAs<IntegerAttr>(key); a && a.getInt() != value)
      return fn.emitError()
             << "'lipt.train' says " << key << " = " << a.getInt()
             << " but the tokens argument is " << tokens;

  if (failed(ModelReader(fn, spec).read()))
    return failure();

  // Checks that need the whole model.
  bool anySoftCap = false;
  for (const lipt_train::BlockSpec &b : spec.blocks)
    anySoftCap |= b.attn.kind == lipt_train::ConstraintKind::soft_cap ||
                  b.mlp.kind == lipt_train::ConstraintKind::soft_cap;
  bool muon = spec.optimizer == lipt_train::OptimizerKind::muon;
  if (anySoftCap && !muon)
    return fn.emitError() << "soft_cap's strength is coupled to Muon's update "
                             "norm (Theorem 3.1); with optimizer '"
                          << ::lipt_runtime::nameOf(spec.optimizer)
                          << "' use hard_cap, normalize or hammer";
  // The peak learning rate is the largest any schedule reaches.
  std::vector<lipt_train::WeightGroup> groups =
      lipt_train::blockWeightGroups(spec);
  for (size_t g = 0; g < groups.size() && muon; ++g) {
    std::vector<double> scalars;
    ::lipt_runtime::Status ok = lipt_train::muonStepConfig(spec, groups[g], g)
                                    .stepScalars(spec.lr, scalars);
    if (!ok)
      return fn.emitError() << "at lr " << spec.lr << " and block_mass "
                            << spec.blockMass << ", " << ok.message;
  }
  return spec;
}

bool mlir::lipt::hasModel(ModuleOp module) {
  return module.walk([](HeadOp) { return WalkResult::interrupt(); })
      .wasInterrupted();
}

OwningOpRef<ModuleOp>
mlir::lipt::buildOptimizerKernels(const lipt_train::ModelSpec &spec,
                                  MLIRContext *context) {
  Location loc = NameLoc::get(StringAttr::get(context, "optimizer-kernels"));
  OwningOpRef<ModuleOp> kernels = ModuleOp::create(loc);
  OpBuilder b = OpBuilder::atBlockEnd(kernels->getBody());
  std::vector<lipt_train::WeightGroup> groups =
      lipt_train::blockWeightGroups(spec);
  bool muon = spec.optimizer == lipt_train::OptimizerKind::muon;
  for (size_t g = 0; g < groups.size(); ++g)
    if (failed(
            muon
                ? buildMuonStepFunction(
                      b, loc, lipt_train::muonStepConfig(spec, groups[g], g))
                : buildAdamwStepFunction(
                      b, loc, lipt_train::adamwStepConfig(spec, groups[g], g))))
      return nullptr;
  for (bool head : {false, true})
    if (failed(muon ? buildRowStepFunction(
                          b, loc, lipt_train::rowStepConfig(spec, head))
                    : buildAdamwStepFunction(
                          b, loc, lipt_train::adamwRowConfig(spec, head))))
      return nullptr;
  return kernels;
}
