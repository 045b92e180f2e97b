//===- StepProgram.cpp - the optimizer step as one IR program -------------===//

#include "lipt/Optim/StepProgram.h"

#include "lipt/Dialect/LiptOps.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mlir::lipt;
using ::lipt_runtime::AdamwStepConfig;
using ::lipt_runtime::MuonStepConfig;
using ::lipt_runtime::RowStepConfig;

namespace {

/// `config.schedule` as an attribute: a printed #lipt.schedule or a name.
FailureOr<ScheduleAttr> scheduleOf(MLIRContext *ctx, Location loc,
                                   const MuonStepConfig &config) {
  StringRef text = config.schedule;
  if (!text.starts_with("#"))
    return ScheduleAttr::getNamed(ctx, text);
  if (auto s = dyn_cast_or_null<ScheduleAttr>(parseAttribute(text, ctx)))
    return s;
  return emitError(loc) << "'" << text << "' is not a #lipt.schedule";
}

/// The constraint attributes the steps share (MuonStepConfig and
/// AdamwStepConfig spell them alike).
template <typename Config>
LogicalResult addConstraintAttrs(Builder &b, Location loc, const Config &config,
                                 NamedAttrList &attrs) {
  std::optional<ConstraintKind> kind =
      symbolizeConstraintKind(::lipt_runtime::nameOf(config.constraint));
  if (!kind)
    return emitError(loc) << "unknown constraint #" << int(config.constraint);
  attrs.set("constraint", ConstraintKindAttr::get(b.getContext(), *kind));
  if (*kind == ConstraintKind::none)
    return success();
  attrs.set("sigma_max", b.getF64FloatAttr(config.sigmaMax));
  attrs.set("norm", NormKindAttr::get(b.getContext(),
                                      config.rmsNorm ? NormKind::rms
                                                     : NormKind::spectral));
  if (*kind == ConstraintKind::hard_cap)
    attrs.set(
        "hard_cap_method",
        HardCapMethodAttr::get(b.getContext(), config.polynomialHardCap
                                                   ? HardCapMethod::polynomial
                                                   : HardCapMethod::msign));
  if (*kind == ConstraintKind::hammer || *kind == ConstraintKind::normalize)
    attrs.set("iters", b.getI64IntegerAttr(config.iters));
  return success();
}

/// Verifies the function just built; erases it on failure.
FailureOr<func::FuncOp> verified(func::FuncOp fn) {
  if (succeeded(verify(fn)))
    return fn;
  fn.erase();
  return failure();
}

Type elementTypeOf(Builder &b, ::lipt_runtime::DType t) {
  switch (t) {
  case ::lipt_runtime::DType::f64:
    return b.getF64Type();
  case ::lipt_runtime::DType::f16:
    return b.getF16Type();
  case ::lipt_runtime::DType::bf16:
    return b.getBF16Type();
  case ::lipt_runtime::DType::i32:
    return b.getI32Type();
  case ::lipt_runtime::DType::i64:
    return b.getI64Type();
  case ::lipt_runtime::DType::f32:
    break;
  }
  return b.getF32Type();
}

/// func.func @name(weight, gradient, state..., scalars...) around one
/// step op of type OpT: `tensors` weight-typed inputs (the weight, the
/// gradient, the optimizer's state), `scalars` rank-0 f64 operands, and
/// the weight and state as results.
template <typename OpT>
FailureOr<func::FuncOp> stepFunction(OpBuilder &b, Location loc, StringRef name,
                                     ArrayRef<int64_t> shape, unsigned tensors,
                                     unsigned scalars, NamedAttrList &attrs,
                                     Type elementType = {}) {
  auto weight =
      RankedTensorType::get(shape, elementType ? elementType : b.getF32Type());
  SmallVector<Type> inputs(tensors, weight);
  inputs.append(scalars, RankedTensorType::get({}, b.getF64Type()));
  SmallVector<Type> results(tensors - 1, weight); // all but the gradient
  OpBuilder::InsertionGuard guard(b);
  auto fn =
      func::FuncOp::create(b, loc, name, b.getFunctionType(inputs, results));
  b.setInsertionPointToEnd(fn.addEntryBlock());
  auto step = OpT::create(b, loc, results, fn.getArguments(), attrs.getAttrs());
  func::ReturnOp::create(b, loc, step->getResults());
  return verified(fn);
}

} // namespace

FailureOr<func::FuncOp>
mlir::lipt::buildMuonStepFunction(OpBuilder &b, Location loc,
                                  const MuonStepConfig &config) {
  MLIRContext *ctx = b.getContext();
  FailureOr<ScheduleAttr> schedule = scheduleOf(ctx, loc, config);
  if (failed(schedule))
    return failure();
  NamedAttrList attrs;
  attrs.set("beta", b.getF64FloatAttr(config.beta));
  attrs.set("nesterov", b.getBoolAttr(config.nesterov));
  attrs.set("wd", b.getF64FloatAttr(config.wd));
  attrs.set("target_norm", b.getF64FloatAttr(config.targetNorm));
  attrs.set("schedule", *schedule);
  if (failed(addConstraintAttrs(b, loc, config, attrs)))
    return failure();
  return stepFunction<MuonStepOp>(
      b, loc, config.name, config.weightShape(), 3,
      config.constraint == ::lipt_runtime::ConstraintKind::soft_cap ? 2 : 1,
      attrs, elementTypeOf(b, config.dtype));
}

FailureOr<func::FuncOp>
mlir::lipt::buildAdamwStepFunction(OpBuilder &b, Location loc,
                                   const AdamwStepConfig &config) {
  NamedAttrList attrs;
  attrs.set("beta", b.getF64FloatAttr(config.beta));
  attrs.set("beta2", b.getF64FloatAttr(config.beta2));
  attrs.set("wd", b.getF64FloatAttr(config.wd));
  attrs.set("eps", b.getF64FloatAttr(config.eps));
  if (failed(addConstraintAttrs(b, loc, config, attrs)))
    return failure();
  return stepFunction<AdamwStepOp>(b, loc, config.name,
                                   {config.count, config.rows, config.cols}, 4,
                                   2, attrs);
}

FailureOr<func::FuncOp>
mlir::lipt::buildRowStepFunction(OpBuilder &b, Location loc,
                                 const RowStepConfig &config) {
  NamedAttrList attrs;
  attrs.set("beta", b.getF64FloatAttr(config.beta));
  attrs.set("wd", b.getF64FloatAttr(config.wd));
  attrs.set("target_norm", b.getF64FloatAttr(config.targetNorm));
  attrs.set("max_inflation", b.getF64FloatAttr(config.maxInflation));
  attrs.set("max_rms", b.getF64FloatAttr(config.maxRms));
  return stepFunction<RowNormalizedStepOp>(
      b, loc, config.name, {config.rows, config.cols}, 3, 1, attrs);
}

OwningOpRef<ModuleOp>
mlir::lipt::buildMuonStepProgram(MLIRContext *context,
                                 ArrayRef<MuonStepConfig> configs) {
  Location loc = NameLoc::get(StringAttr::get(context, "muon-step-program"));
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  OpBuilder b = OpBuilder::atBlockEnd(module->getBody());
  for (const MuonStepConfig &config : configs)
    if (failed(buildMuonStepFunction(b, loc, config)))
      return nullptr;
  return module;
}
