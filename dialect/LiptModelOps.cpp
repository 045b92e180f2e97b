//===- LiptModelOps.cpp - verifiers of the model ops and lipt.train -------===//

#include "lipt/Dialect/LiptOps.h"
#include "lipt/Train/ModelSpec.h"

#include "mlir/IR/BuiltinOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::lipt;

namespace {

RankedTensorType rankedType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// `what` must be a [fan_out, fan_in] matrix with element type `elt`.
LogicalResult verifyMatrix(Operation *op, Value v, StringRef what, Type elt) {
  RankedTensorType t = rankedType(v);
  if (t.getRank() != 2)
    return op->emitOpError() << what << " must be a matrix [fan_out, fan_in], "
                             << "got " << t;
  if (t.getElementType() != elt)
    return op->emitOpError() << what << " has element type "
                             << t.getElementType() << ", the input " << elt;
  return success();
}

/// The result must be the input's shape with the last dim replaced.
LogicalResult verifyLastDimMapped(Operation *op, RankedTensorType in,
                                  RankedTensorType out, int64_t lastDim) {
  SmallVector<int64_t> want(in.getShape());
  want.back() = lastDim;
  if (out.getShape() != ArrayRef<int64_t>(want) ||
      out.getElementType() != in.getElementType())
    return op->emitOpError() << "result must be "
                             << RankedTensorType::get(want, in.getElementType())
                             << ", got " << out;
  return success();
}

/// A weight constraint needs a bound and a bound needs a constraint; a
/// hard-cap method needs a hard cap.
LogicalResult verifyConstraint(Operation *op, ConstraintKind kind,
                               FloatAttr sigmaMax, HardCapMethodAttr method) {
  bool constrained = kind != ConstraintKind::none;
  if (constrained != bool(sigmaMax))
    return op->emitOpError()
           << (constrained ? "a constraint needs 'sigma_max'"
                           : "'sigma_max' needs a constraint");
  if (sigmaMax && !(sigmaMax.getValueAsDouble() > 0 &&
                    std::isfinite(sigmaMax.getValueAsDouble())))
    return op->emitOpError() << "attribute 'sigma_max' must be > 0";
  if (method && kind != ConstraintKind::hard_cap)
    return op->emitOpError()
           << "attribute 'hard_cap_method' needs constraint = hard_cap";
  return success();
}

} // namespace

LogicalResult EmbedOp::verify() {
  RankedTensorType table = rankedType(getTable()), out = getType();
  if (table.getRank() != 2)
    return emitOpError() << "table must be [vocab, d], got " << table;
  auto tokens = cast<ShapedType>(getTokens().getType());
  if (!tokens.hasRank())
    return emitOpError() << "tokens must be ranked";
  SmallVector<int64_t> want(tokens.getShape());
  want.push_back(table.getDimSize(1));
  if (out.getShape() != ArrayRef<int64_t>(want) ||
      out.getElementType() != table.getElementType())
    return emitOpError() << "result must be "
                         << RankedTensorType::get(want, table.getElementType())
                         << " (tokens shape, then d), got " << out;
  return success();
}

LogicalResult LinearOp::verify() {
  RankedTensorType in = rankedType(getInput());
  if (failed(verifyMatrix(*this, getWeight(), "weight", in.getElementType())))
    return failure();
  RankedTensorType w = rankedType(getWeight());
  if (in.getRank() < 1 || in.getShape().back() != w.getDimSize(1))
    return emitOpError() << "input's last dim must be the weight's fan_in "
                         << w.getDimSize(1) << ", got " << in;
  if (failed(verifyLastDimMapped(*this, in, getType(), w.getDimSize(0))))
    return failure();
  return verifyConstraint(*this, getConstraint(), getSigmaMaxAttr(),
                          getHardCapMethodAttr());
}

LogicalResult AttentionOp::verify() {
  RankedTensorType in = rankedType(getInput());
  if (in.getRank() != 3)
    return emitOpError() << "input must be [batch, seq, d], got " << in;
  int64_t d = in.getDimSize(2);
  for (auto [w, name] : {std::pair{getWq(), "wq"}, std::pair{getWk(), "wk"},
                         std::pair{getWv(), "wv"}, std::pair{getWo(), "wo"}}) {
    if (failed(verifyMatrix(*this, w, name, in.getElementType())))
      return failure();
    RankedTensorType t = rankedType(w);
    if (t.getDimSize(0) != d || t.getDimSize(1) != d)
      return emitOpError() << name << " must be [d, d] = [" << d << ", " << d
                           << "], got " << t;
  }
  int64_t heads = getHeadsAttr().getInt();
  if (heads < 1 || d % heads != 0)
    return emitOpError() << "heads (" << heads << ") must divide d (" << d
                         << ")";
  double s = getSoftmaxScaleAttr().getValueAsDouble();
  if (!(s > 0) || !std::isfinite(s))
    return emitOpError() << "attribute 'softmax_scale' must be > 0";
  if (getType() != in)
    return emitOpError() << "result must be " << in << ", got " << getType();
  return verifyConstraint(*this, getConstraint(), getSigmaMaxAttr(),
                          getHardCapMethodAttr());
}

LogicalResult MlpOp::verify() {
  RankedTensorType in = rankedType(getInput());
  Type elt = in.getElementType();
  if (failed(verifyMatrix(*this, getWIn(), "w_in", elt)) ||
      failed(verifyMatrix(*this, getWOut(), "w_out", elt)))
    return failure();
  int64_t d = in.getShape().back();
  RankedTensorType wIn = rankedType(getWIn()), wOut = rankedType(getWOut());
  if (wIn.getDimSize(1) != d || wOut.getDimSize(0) != d ||
      wOut.getDimSize(1) != wIn.getDimSize(0))
    return emitOpError() << "w_in must be [hidden, d] and w_out [d, hidden] "
                            "for d = "
                         << d << ", got " << wIn << " and " << wOut;
  if (getType() != in)
    return emitOpError() << "result must be " << in << ", got " << getType();
  return verifyConstraint(*this, getConstraint(), getSigmaMaxAttr(),
                          getHardCapMethodAttr());
}

LogicalResult LayerNormOp::verify() {
  double eps = getEpsAttr().getValueAsDouble();
  if (!(eps > 0) || !std::isfinite(eps))
    return emitOpError() << "attribute 'eps' must be > 0";
  return success();
}

LogicalResult HeadOp::verify() {
  RankedTensorType in = rankedType(getInput());
  if (failed(verifyMatrix(*this, getWeight(), "weight", in.getElementType())))
    return failure();
  RankedTensorType w = rankedType(getWeight());
  if (in.getShape().back() != w.getDimSize(1))
    return emitOpError() << "weight must be [vocab, d] with d = "
                         << in.getShape().back() << ", got " << w;
  if (!std::isfinite(getFinalScaleAttr().getValueAsDouble()))
    return emitOpError() << "attribute 'final_scale' must be finite";
  return verifyLastDimMapped(*this, in, getType(), w.getDimSize(0));
}

LogicalResult ConvexResidualOp::verify() {
  int64_t n = getBranchesAttr().getInt();
  if (n < 1)
    return emitOpError() << "attribute 'branches' must be >= 1, got " << n;
  Block &body = getBody().front();
  if (body.getNumArguments() != 1 ||
      body.getArgument(0).getType() != getInput().getType())
    return emitOpError() << "body must take one argument of type "
                         << getInput().getType();
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield || yield.getValue().getType() != getInput().getType())
    return emitOpError() << "body must end in lipt.yield of type "
                         << getInput().getType();
  // N is the number of residual branches of the model: all of them agree.
  Operation *scope = (*this)->getParentOp();
  if (!scope)
    return success();
  int64_t count = 0;
  bool disagree = false;
  scope->walk([&](ConvexResidualOp other) {
    ++count;
    // The other op may not be verified yet: its attribute can be missing
    // or of another type (its own verifier reports that).
    auto branches =
        other->getAttrOfType<IntegerAttr>(other.getBranchesAttrName());
    disagree |= branches && branches.getValue().getSignificantBits() <= 64 &&
                branches.getInt() != n;
  });
  if (disagree)
    return emitOpError() << "all convex_residual ops of a model must have the "
                            "same 'branches'";
  if (count != n)
    return emitOpError() << "'branches' is " << n << " but the model has "
                         << count << " convex_residual branches";
  return success();
}

//===----------------------------------------------------------------------===//
// lipt.train: the training configuration on a module
//===----------------------------------------------------------------------===//

LogicalResult LiptDialect::verifyOperationAttribute(Operation *op,
                                                    NamedAttribute attr) {
  // Declared by a third party's op: its Lipschitz constant (--lipt-certify).
  if (attr.getName() == "lipt.lipschitz") {
    auto k = dyn_cast<FloatAttr>(attr.getValue());
    if (!k || !std::isfinite(k.getValueAsDouble()) || k.getValueAsDouble() < 0)
      return op->emitError() << "'lipt.lipschitz' must be a finite float >= "
                                "0 (the op's Lipschitz constant)";
    return success();
  }
  // Written by --lipt-certify on a model function.
  if (attr.getName() == "lipt.certificate") {
    if (!isa<DictionaryAttr>(attr.getValue()))
      return op->emitError() << "'lipt.certificate' must be a dictionary";
    return success();
  }
  if (attr.getName() != "lipt.train")
    return op->emitError() << "unknown lipt attribute '" << attr.getName()
                           << "'";
  if (!isa<ModuleOp>(op))
    return op->emitError() << "'lipt.train' belongs on the module";
  auto dict = dyn_cast<DictionaryAttr>(attr.getValue());
  if (!dict)
    return op->emitError() << "'lipt.train' must be a dictionary";
  auto bad = [&](StringRef key, StringRef want) {
    return op->emitError() << "'lipt.train' field '" << key << "' must be "
                           << want;
  };
  // The fields and their rules: lipt_train::trainFields, the one table the
  // importer and a checkpoint's config also use.
  for (NamedAttribute entry : dict) {
    StringRef key = entry.getName();
    Attribute v = entry.getValue();
    const lipt_train::TrainField *field = nullptr;
    for (const lipt_train::TrainField &f : lipt_train::trainFields())
      if (key == f.key)
        field = &f;
    if (!field)
      return op->emitError()
             << "'lipt.train' has unknown field '" << key
             << "' (known: " << lipt_train::trainFieldKeys() << ")";
    bool ok = false;
    switch (field->kind) {
    case lipt_train::TrainField::Float:
      if (auto f = dyn_cast<FloatAttr>(v))
        ok = field->acceptsNumber(f.getValueAsDouble());
      break;
    case lipt_train::TrainField::Integer:
      if (auto i = dyn_cast<IntegerAttr>(v))
        ok = i.getValue().getSignificantBits() <= 64 &&
             field->acceptsNumber(double(i.getInt()));
      break;
    case lipt_train::TrainField::String:
      if (auto s = dyn_cast<StringAttr>(v))
        ok = field->acceptsString(s.getValue().str());
      break;
    case lipt_train::TrainField::Schedule:
      ok = isa<ScheduleAttr>(v);
      break;
    }
    if (!ok)
      return bad(key, field->rule);
  }
  return success();
}
