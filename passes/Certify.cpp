//===- Certify.cpp - --lipt-certify: a model's bound from its IR ----------===//
//
// Walks each model function (one holding lipt.embed) from the embedding to
// its result and composes the ops' LipschitzOpInterface steps three times:
//   (a) sound and (a) reference variant, from the weights' exact norms
//       (constants in the IR, or a checkpoint bound to the weight
//       arguments), and
//   (b) from the caps the constraint attributes promise (training enforces
//       them; the head's rows are Muon's, lipt.train optimizer = "muon").
// The numbers go on the function as `lipt.certificate` and, with json=PATH,
// into a JSON file with certificate.json's keys. A bound that does not
// exist is reported with the op that breaks it, never invented.
//
//===----------------------------------------------------------------------===//

#include "lipt/Dialect/LiptOps.h"
#include "lipt/Passes/Passes.h"
#include "lipt/Runtime/Json.h"
#include "lipt/Runtime/Safetensors.h"
#include "lipt/Runtime/SpectralMath.h"
#include "lipt/Train/CheckpointFile.h"

#include "mlir/IR/Matchers.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

namespace mlir::lipt {
#define GEN_PASS_DEF_LIPTCERTIFYPASS
#include "lipt/Passes/Passes.h.inc"
} // namespace mlir::lipt

using namespace mlir;
using namespace mlir::lipt;
namespace rt = ::lipt_runtime;

namespace {

/// "model.mlir:12:7" (or the location as MLIR prints it).
std::string where(Location loc) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto file = loc->findInstanceOf<FileLineColLoc>())
    os << file.getFilename().getValue() << ":" << file.getLine() << ":"
       << file.getColumn();
  else
    os << loc;
  return text;
}

/// "'lipt.attention' at model.mlir:12:7".
std::string describe(Operation *op) {
  return "'" + op->getName().getStringRef().str() + "' at " +
         where(op->getLoc());
}

/// The values whose exact norms are known: a checkpoint's tensors bound to
/// function arguments, and float constants.
class WeightValues {
public:
  /// Binds `file`'s tensors (in checkpoint order) to `fn`'s arguments
  /// 1..n, checking names, count and shapes against its config.
  LogicalResult bind(func::FuncOp fn, const rt::Safetensors &file,
                     const std::string &path) {
    lipt_train::ModelSpec spec;
    if (rt::Status s = lipt_train::checkpointConfig(file, path, spec); !s)
      return fn.emitError() << s.message;
    checkpointOptimizer = spec.optimizer;
    std::vector<lipt_train::WeightInfo> weights = lipt_train::weightsOf(spec);
    std::vector<rt::NamedTensor> tensors;
    if (rt::Status s = lipt_train::checkpointWeights(file, path, spec, tensors);
        !s)
      return fn.emitError() << s.message;
    if (fn.getNumArguments() != weights.size() + 1)
      return fn.emitError()
             << "@" << fn.getName() << " has " << fn.getNumArguments()
             << " arguments; the checkpoint " << path << " binds "
             << weights.size() << " weights after the tokens";
    for (size_t i = 0; i < weights.size(); ++i) {
      const lipt_train::WeightInfo &w = weights[i];
      const rt::HostTensor *t = &tensors[i].tensor;
      auto argType =
          dyn_cast<RankedTensorType>(fn.getArgument(i + 1).getType());
      std::vector<int64_t> want{w.rows, w.cols};
      if (!argType || argType.getShape() != ArrayRef<int64_t>(want) ||
          t->type.shape != want)
        return fn.emitError()
               << "argument #" << i + 1 << " of @" << fn.getName() << " is "
               << fn.getArgument(i + 1).getType() << " but the checkpoint's '"
               << w.name << "' is " << t->type.str();
      std::vector<double> v(size_t(t->type.numElements()));
      for (size_t k = 0; k < v.size(); ++k)
        v[k] = t->get(int64_t(k));
      known[fn.getArgument(i + 1)] = {w.name, std::move(v)};
    }
    return success();
  }

  /// The exact RMS->RMS norm of `weight`, if its value is known; `name`
  /// gets what the certificate calls it.
  std::optional<double> exactNorm(Value weight, std::string &name) {
    auto type = dyn_cast<RankedTensorType>(weight.getType());
    if (!type || type.getRank() != 2)
      return std::nullopt;
    auto it = known.find(weight);
    if (it == known.end()) {
      DenseElementsAttr dense;
      if (!matchPattern(weight, m_Constant(&dense)) ||
          !isa<FloatType>(dense.getElementType()))
        return std::nullopt;
      std::vector<double> v;
      for (const APFloat &f : dense.getValues<APFloat>())
        v.push_back(f.convertToDouble());
      it =
          known
              .insert({weight,
                       {"constant at " + where(weight.getLoc()), std::move(v)}})
              .first;
    }
    name = it->second.first;
    return rt::rmsToRmsNorm(it->second.second.data(), type.getDimSize(0),
                            type.getDimSize(1));
  }

  /// The optimizer of the bound checkpoint's config.
  std::optional<lipt_train::OptimizerKind> checkpointOptimizer;

private:
  DenseMap<Value, std::pair<std::string, std::vector<double>>> known;
};

/// Composes the steps of a model function's ops, in one mode.
class Certifier : public LipschitzContext {
public:
  enum class Mode { exact, caps };
  Certifier(Mode mode, WeightValues &values) : mode(mode), values(values) {}

  /// The composed step from lipt.embed to `fn`'s first result.
  FailureOr<LipschitzStep> certify(func::FuncOp fn) {
    return walkBlock(fn.getBody().front(), std::nullopt);
  }

  FailureOr<double> weightNorm(Operation *user, Value weight,
                               const WeightCap &cap) override {
    // A constraint op in the IR guarantees its result's norm (or says why
    // it cannot).
    if (auto producer = weight.getDefiningOp<LipschitzOpInterface>()) {
      std::string why;
      FailureOr<double> bound = producer.getResultNormBound(why);
      if (succeeded(bound))
        return *bound;
      return breaks(user, "its weight comes from " +
                              describe(producer.getOperation()) + ", and " +
                              why);
    }
    if (mode == Mode::caps) {
      if (cap.bound)
        return *cap.bound;
      return breaks(user, cap.why);
    }
    std::string name;
    std::optional<double> norm = values.exactNorm(weight, name);
    if (!norm) {
      missingValue = true;
      return breaks(user, "a weight has no known value: it is neither a "
                          "constant nor bound by a checkpoint "
                          "(--lipt-certify=checkpoint=PATH)");
    }
    norms.emplace_back(name, *norm);
    return *norm;
  }

  FailureOr<LipschitzStep> regionStep(Region &region,
                                      double inputBound) override {
    if (!region.hasOneBlock() || region.front().getNumArguments() == 0)
      return breaks(region.getParentOp(), "its region is not one block "
                                          "taking the activation");
    return walkBlock(region.front(), LipschitzStep{1.0, inputBound});
  }

  /// (name, norm) of every weight whose exact norm was used, in order.
  std::vector<std::pair<std::string, double>> norms;
  /// The walk stopped at a weight whose value is unknown (not at an op
  /// without a bound).
  bool missingValue = false;

private:
  /// Walks `block` in order, tracking each activation's composed step;
  /// returns the terminator's first operand's.
  FailureOr<LipschitzStep> walkBlock(Block &block,
                                     std::optional<LipschitzStep> argument) {
    if (argument)
      states[block.getArgument(0)] = *argument;
    for (Operation &op : block) {
      if (op.hasTrait<OpTrait::IsTerminator>()) {
        auto it =
            op.getNumOperands() ? states.find(op.getOperand(0)) : states.end();
        if (it == states.end())
          return breaks(&op, "its result does not depend on the embedded "
                             "input");
        return it->second;
      }
      if (failed(visit(op)))
        return failure();
    }
    return breaks(block.getParentOp(), "its block has no terminator");
  }

  LogicalResult visit(Operation &op) {
    SmallVector<LipschitzStep> inputs;
    for (Value v : op.getOperands())
      if (auto it = states.find(v); it != states.end())
        inputs.push_back(it->second);
    auto iface = dyn_cast<LipschitzOpInterface>(op);
    bool source = isa<EmbedOp>(op);
    if (inputs.empty() && !source)
      return success(); // weights, constants, tokens: not on the path
    if (inputs.size() > 1)
      return breaks(&op, "it combines several activations; lipt certifies "
                         "chains of maps");
    LipschitzStep in = inputs.empty() ? LipschitzStep{} : inputs.front();
    FailureOr<LipschitzStep> step = stepOf(op, iface, in.outputBound);
    if (failed(step))
      return failure();
    for (Value r : op.getResults())
      states[r] = {in.lipschitz * step->lipschitz, step->outputBound};
    return success();
  }

  /// The op's step: its interface, or a declared `lipt.lipschitz = K`.
  FailureOr<LipschitzStep> stepOf(Operation &op, LipschitzOpInterface iface,
                                  double inputBound) {
    if (iface)
      return iface.getLipschitzStep(*this, inputBound);
    if (auto k = op.getAttrOfType<FloatAttr>("lipt.lipschitz")) {
      double v = k.getValueAsDouble();
      return LipschitzStep{v, v * inputBound};
    }
    return breaks(&op, "it does not declare a Lipschitz bound "
                       "(LipschitzOpInterface, or a 'lipt.lipschitz' "
                       "attribute)");
  }

  Mode mode;
  WeightValues &values;
  DenseMap<Value, LipschitzStep> states;
};

/// The head's row bound training enforces: Muon projects the unembedding's
/// rows to RMS <= 1. The optimizer is the module's (lipt.train, "muon" by
/// default), else the checkpoint's config's.
std::optional<double>
trainedRowRms(ModuleOp module,
              std::optional<lipt_train::OptimizerKind> fromCheckpoint) {
  std::optional<lipt_train::OptimizerKind> optimizer = fromCheckpoint;
  if (auto train = module->getAttrOfType<DictionaryAttr>("lipt.train")) {
    auto name = train.getAs<StringAttr>("optimizer");
    optimizer = !name || name.getValue() == "muon"
                    ? lipt_train::OptimizerKind::muon
                    : lipt_train::OptimizerKind::adamw;
  }
  if (optimizer != lipt_train::OptimizerKind::muon)
    return std::nullopt;
  return 1.0;
}

struct LiptCertifyPass
    : mlir::lipt::impl::LiptCertifyPassBase<LiptCertifyPass> {
  using LiptCertifyPassBase::LiptCertifyPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    rt::Safetensors checkpointFile;
    if (!checkpoint.empty()) {
      if (rt::Status s = rt::readSafetensors(checkpoint, checkpointFile); !s) {
        module.emitError() << s.message;
        return signalPassFailure();
      }
      if (!checkpointFile.checksumVerified) {
        module.emitError() << checkpoint << ": metadata '" << rt::kChecksumKey
                           << "' is missing; lipt certifies no checkpoint "
                              "without it";
        return signalPassFailure();
      }
    }
    rt::JsonValue all = rt::JsonValue::makeObject();
    int models = 0;
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (fn.isExternal() || fn.getOps<EmbedOp>().empty())
        continue;
      WeightValues values;
      if (!checkpoint.empty() &&
          failed(values.bind(fn, checkpointFile, checkpoint)))
        return signalPassFailure();
      all.set(fn.getName().str(), certifyFunction(fn, values));
      ++models;
    }
    if (models == 0) {
      module.emitError() << "--lipt-certify found no model function (one "
                            "holding lipt.embed)";
      return signalPassFailure();
    }
    if (!json.empty() &&
        failed(writeJson(models == 1 ? all.object.front().second : all)))
      return signalPassFailure();
  }

  /// The certificate of one model function, as JSON and as the function's
  /// `lipt.certificate` attribute.
  rt::JsonValue certifyFunction(func::FuncOp fn, WeightValues &values) {
    rt::JsonValue out = rt::JsonValue::makeObject();
    out.set("norm", "RMS->RMS w.r.t. the embedded input; a sequence's norm is "
                    "its largest per-token RMS norm");
    out.set("source", "lipt-certify (static)");
    Builder b(fn.getContext());
    SmallVector<NamedAttribute> attrs;
    auto record = [&](StringRef key, FailureOr<LipschitzStep> step,
                      const Certifier &c) {
      if (succeeded(step)) {
        out.set(key.str(), step->lipschitz);
        attrs.push_back(
            b.getNamedAttr(key, b.getF64FloatAttr(step->lipschitz)));
        return;
      }
      out.set(key.str(), rt::JsonValue());
      std::string why = describe(c.breakingOp) + " breaks it: " + c.reason;
      out.set((key + "_reason").str(), why);
      attrs.push_back(
          b.getNamedAttr((key + "_reason").str(), b.getStringAttr(why)));
    };
    Certifier sound(Certifier::Mode::exact, values);
    FailureOr<LipschitzStep> a = sound.certify(fn);
    // A model with no bound at all (layer_norm, a foreign op): say so as the
    // host certificate does.
    bool applicable = succeeded(a) || sound.missingValue;
    out.set("applicable", applicable);
    if (!applicable)
      out.set("reason", describe(sound.breakingOp) + ": " + sound.reason);
    rt::JsonValue weightNorms = rt::JsonValue::makeObject();
    for (auto &[name, norm] : sound.norms)
      weightNorms.set(name, norm);
    out.set("weight_norms", std::move(weightNorms));
    record("bound_a_sound", a, sound);
    Certifier reference(Certifier::Mode::exact, values);
    reference.variant = rt::BoundVariant::reference;
    record("bound_a_reference_variant", reference.certify(fn), reference);
    Certifier caps(Certifier::Mode::caps, values);
    caps.trainedRowRms = trainedRowRms(fn->getParentOfType<ModuleOp>(),
                                       values.checkpointOptimizer);
    record("bound_b_caps", caps.certify(fn), caps);
    fn->setAttr("lipt.certificate", b.getDictionaryAttr(attrs));
    return out;
  }

  LogicalResult writeJson(const rt::JsonValue &value) {
    std::string text = rt::writeJson(value, 2) + "\n";
    if (json == "-") {
      llvm::outs() << text;
      llvm::outs().flush();
      return success();
    }
    std::error_code ec;
    llvm::raw_fd_ostream os(json, ec, llvm::sys::fs::OF_Text);
    if (ec)
      return getOperation().emitError()
             << json << ": cannot write the certificate (" << ec.message()
             << ")";
    os << text;
    return success();
  }
};

} // namespace
