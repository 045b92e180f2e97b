//===- StepProgram.cpp - the optimizer step as one IR program -------------===//

#include "lipt/Optim/StepProgram.h"

#include "lipt/Dialect/LiptOps.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mlir::lipt;
using ::lipt_runtime::MuonStepConfig;

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

/// The constraint attributes shared by the step and the constraint alone.
LogicalResult addConstraintAttrs(Builder &b, Location loc,
                                 const MuonStepConfig &config,
                                 NamedAttrList &attrs) {
  std::optional<ConstraintKind> kind =
      symbolizeConstraintKind(config.constraint);
  if (!kind)
    return emitError(loc) << "unknown constraint '" << config.constraint << "'";
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

  auto weight = RankedTensorType::get({config.count, config.rows, config.cols},
                                      b.getF32Type());
  auto scalar = RankedTensorType::get({}, b.getF64Type());
  SmallVector<Type> inputs(3, weight);
  inputs.append(config.constraint == "soft_cap" ? 2 : 1, scalar);
  SmallVector<Type> results(2, weight);
  OpBuilder::InsertionGuard guard(b);
  auto fn = func::FuncOp::create(b, loc, config.name,
                                 b.getFunctionType(inputs, results));
  b.setInsertionPointToEnd(fn.addEntryBlock());
  auto step =
      MuonStepOp::create(b, loc, results, fn.getArguments(), attrs.getAttrs());
  func::ReturnOp::create(b, loc, step->getResults());
  return verified(fn);
}

FailureOr<func::FuncOp>
mlir::lipt::buildConstraintFunction(OpBuilder &b, Location loc, StringRef name,
                                    const MuonStepConfig &config) {
  auto weight = RankedTensorType::get({config.count, config.rows, config.cols},
                                      b.getF32Type());
  OpBuilder::InsertionGuard guard(b);
  auto fn =
      func::FuncOp::create(b, loc, name, b.getFunctionType(weight, weight));
  b.setInsertionPointToEnd(fn.addEntryBlock());
  Value w = fn.getArgument(0);
  FloatAttr sigmaMax = b.getF64FloatAttr(config.sigmaMax);
  auto norm = NormKindAttr::get(
      b.getContext(), config.rmsNorm ? NormKind::rms : NormKind::spectral);
  Value out;
  if (config.constraint == "hard_cap")
    out = SpectralHardCapOp::create(
        b, loc, weight, w, sigmaMax,
        HardCapMethodAttr::get(b.getContext(), config.polynomialHardCap
                                                   ? HardCapMethod::polynomial
                                                   : HardCapMethod::msign),
        ScheduleAttr(), norm);
  else if (config.constraint == "hammer")
    out = SpectralHammerOp::create(b, loc, weight, w, sigmaMax,
                                   b.getI64IntegerAttr(config.iters), norm);
  else if (config.constraint == "normalize")
    out = SpectralNormalizeOp::create(b, loc, weight, w, sigmaMax,
                                      b.getI64IntegerAttr(config.iters), norm);
  if (!out) {
    fn.erase();
    return emitError(loc) << "no constraint function for '" << config.constraint
                          << "' (a soft cap is part of a Muon step)";
  }
  func::ReturnOp::create(b, loc, out);
  return verified(fn);
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
