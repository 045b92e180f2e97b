//===- TorchOps.cpp - torch.ops.lipt.* on lipt's compiled CPU code --------===//
//
// The PyTorch operator library (liblipt_torch.so, loaded with
// torch.ops.load_library). Every operator of lipt/Torch/OpSchemas.h is one
// boxed kernel: the schema's Tensor arguments become the lipt op's operands
// and its scalars, by name, the op's attributes (through the same portable
// mapping the custom-call importer uses). The op is built with OpBuilder,
// compiled by the CPU backend once per (op, attributes, shapes, dtype), and
// run on the tensors' own memory. Errors become Python RuntimeErrors naming
// the argument; nothing throws through MLIR frames.
//
//===----------------------------------------------------------------------===//

#include "lipt/Backend/Cpu/CpuBackend.h"
#include "lipt/Dialect/LiptOps.h"
#include "lipt/Dialect/LiptPortable.h"
#include "lipt/Optim/StepProgram.h"
#include "lipt/Runtime/HostTuning.h"
#include "lipt/Runtime/OptimizerStep.h"
#include "lipt/Torch/OpSchemas.h"
#include "lipt/Torch/TorchAdapter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <torch/library.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <variant>

namespace rt = lipt_runtime;
using namespace mlir;

namespace {

//===----------------------------------------------------------------------===//
// Compiling one kernel
//===----------------------------------------------------------------------===//

/// A scalar argument as the schema passed it; monostate for None.
using Scalar = std::variant<std::monostate, double, int64_t, bool, std::string>;

Attribute toAttr(Builder &b, const Scalar &s) {
  if (auto *d = std::get_if<double>(&s))
    return b.getF64FloatAttr(*d);
  if (auto *i = std::get_if<int64_t>(&s))
    return b.getI64IntegerAttr(*i);
  if (auto *v = std::get_if<bool>(&s))
    return b.getBoolAttr(*v);
  if (auto *str = std::get_if<std::string>(&s))
    return b.getStringAttr(*str);
  return {};
}

Type elementType(MLIRContext *ctx, rt::DType t) {
  switch (t) {
  case rt::DType::f64:
    return Float64Type::get(ctx);
  case rt::DType::f16:
    return Float16Type::get(ctx);
  case rt::DType::bf16:
    return BFloat16Type::get(ctx);
  case rt::DType::i32:
    return IntegerType::get(ctx, 32);
  case rt::DType::i64:
    return IntegerType::get(ctx, 64);
  case rt::DType::f32:
    break;
  }
  return Float32Type::get(ctx);
}

struct KernelRequest {
  std::string liptOp; // "spectral_soft_cap"
  std::vector<std::pair<std::string, Scalar>> attrs;
  std::vector<rt::TensorType> inputs;
  unsigned numResults; // each of the first input's type
  /// lipt.muon_step: the step as the optimizer program describes it (built
  /// by lipt/Optim/StepProgram.h; `attrs` then hold what it was read from,
  /// without lr, which is an operand).
  std::optional<rt::MuonStepConfig> muonStep;

  std::string key() const {
    std::string k = liptOp;
    for (const auto &[name, value] : attrs) {
      k += ";" + name + "=";
      std::visit(
          [&](const auto &v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>)
              k += "None";
            else if constexpr (std::is_same_v<T, std::string>)
              k += "'" + v + "'";
            else if constexpr (std::is_same_v<T, double>) {
              char buf[32];
              std::snprintf(buf, sizeof buf, "%.17g", v);
              k += buf;
            } else
              k += std::to_string(v);
          },
          value);
    }
    for (const rt::TensorType &t : inputs)
      k += ";" + t.str();
    return k;
  }
};

/// A compiled kernel; for lipt.muon_step also its step description, from
/// which each call's run-time operands (lr, a soft cap's strength) come.
struct Kernel {
  std::unique_ptr<rt::Executable> exe;
  std::optional<rt::MuonStepConfig> muonStep;
};

/// Compiled kernels by request key, and the context they were built in.
class KernelCache {
public:
  KernelCache() { ctx.loadAllAvailableDialects(); }

  /// The kernel for `req`, compiled on first use; an error message names
  /// what the op rejected.
  const Kernel *get(const KernelRequest &req, std::string &error) {
    std::lock_guard<std::mutex> lock(mutex);
    std::string key = req.key();
    auto it = kernels.find(key);
    if (it != kernels.end())
      return &it->second;
    Kernel kernel = compile(req, error);
    if (!kernel.exe)
      return nullptr;
    return &(kernels[key] = std::move(kernel));
  }

  size_t size() {
    std::lock_guard<std::mutex> lock(mutex);
    return kernels.size();
  }

private:
  Kernel compile(const KernelRequest &req, std::string &error) {
    std::string diagnostics;
    ScopedDiagnosticHandler collect(&ctx, [&](Diagnostic &d) {
      if (!diagnostics.empty())
        diagnostics += "; ";
      diagnostics += d.str();
      return success();
    });
    Location loc =
        NameLoc::get(StringAttr::get(&ctx, "torch.ops.lipt." + req.liptOp));
    OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
    OpBuilder b = OpBuilder::atBlockEnd(module->getBody());
    Kernel kernel;
    // lipt.muon_step: the optimizer program's own builder, as training uses.
    bool built =
        req.muonStep
            ? succeeded(lipt::buildMuonStepFunction(b, loc, *req.muonStep))
            : succeeded(buildPortableKernel(b, loc, req));
    if (!built) {
      error = diagnostics;
      return kernel;
    }
    kernel.muonStep = req.muonStep;
    FailureOr<std::unique_ptr<rt::Executable>> exe =
        lipt::compileForCpu(*module);
    if (failed(exe)) {
      error = "compilation failed: " + diagnostics;
      return kernel;
    }
    kernel.exe = std::move(*exe);
    return kernel;
  }

  /// func.func @kernel around the op `req` names, its scalars converted to
  /// the op's attributes through the portable mapping the importer uses.
  static LogicalResult buildPortableKernel(OpBuilder &b, Location loc,
                                           const KernelRequest &req) {
    MLIRContext *ctx = b.getContext();
    SmallVector<Type> argTypes;
    for (const rt::TensorType &t : req.inputs)
      argTypes.push_back(
          RankedTensorType::get(t.shape, elementType(ctx, t.dtype)));
    SmallVector<Type> resultTypes(req.numResults, argTypes.front());
    auto fn = func::FuncOp::create(b, loc, "kernel",
                                   b.getFunctionType(argTypes, resultTypes));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(fn.addEntryBlock());
    SmallVector<NamedAttribute> attrs;
    for (const auto &[name, value] : req.attrs)
      if (Attribute a = toAttr(b, value))
        attrs.push_back(b.getNamedAttr(name, a));
    FailureOr<Operation *> op = lipt::createLiptOpFromPortable(
        b, loc, "lipt." + req.liptOp, fn.getArguments(), resultTypes, attrs);
    if (failed(op))
      return failure();
    func::ReturnOp::create(b, loc, (*op)->getResults());
    return success();
  }

  static DialectRegistry registry() {
    DialectRegistry r;
    lipt::registerCpuExecutionDialects(r);
    return r;
  }

  std::mutex mutex;
  MLIRContext ctx{registry()};
  std::map<std::string, Kernel> kernels;
};

KernelCache &kernelCache() {
  static KernelCache *cache = new KernelCache; // lives until exit
  return *cache;
}

//===----------------------------------------------------------------------===//
// The boxed kernel
//===----------------------------------------------------------------------===//

const lipt_torch::OpSchema &schemaOf(const c10::OperatorHandle &op) {
  std::string name = op.schema().name(); // "lipt::spectral_soft_cap"
  const lipt_torch::OpSchema *schema = lipt_torch::findOpSchema(
      std::string_view(name).substr(name.find("::") + 2));
  TORCH_CHECK(schema, "lipt: no schema for ", name);
  return *schema;
}

rt::TensorView viewOrThrow(const torch::Tensor &t, const std::string &what) {
  rt::TensorView view;
  rt::Status status = lipt_torch::viewOf(t, what, view);
  TORCH_CHECK(status.ok, status.message);
  return view;
}

/// `t` checked as a weight, contiguous: rank >= 2 here; defined, CPU and a
/// float type by the adapter's own view check.
torch::Tensor checkedWeight(const torch::Tensor &t, const std::string &what) {
  TORCH_CHECK(t.defined(), what, " is undefined");
  TORCH_CHECK(t.dim() >= 2, what,
              " must be a matrix or a batch of matrices "
              "(rank >= 2), got rank ",
              t.dim());
  torch::Tensor contiguous = t.contiguous();
  viewOrThrow(contiguous, what);
  return contiguous;
}

/// The value of scalar argument `name` (a schema default when not passed).
template <typename T>
std::optional<T> argument(const KernelRequest &req, const char *name) {
  for (const auto &[key, value] : req.attrs)
    if (key == name)
      if (auto *v = std::get_if<T>(&value))
        return *v;
  return std::nullopt;
}

/// torch.ops.lipt.muon_step(_)'s arguments as the optimizer program's step
/// description for weights of `type`; lr leaves the attributes (it is an
/// operand, so a schedule reuses one kernel) and is returned.
double describeMuonStep(KernelRequest &req, const rt::TensorType &type) {
  std::optional<double> lr = argument<double>(req, "lr");
  TORCH_CHECK(lr, "torch.ops.lipt.muon_step: 'lr' must be a float");
  req.attrs.erase(std::find_if(req.attrs.begin(), req.attrs.end(),
                               [](const auto &a) { return a.first == "lr"; }));
  rt::MuonStepConfig c;
  c.name = "kernel";
  c.leadingDims.emplace(type.shape.begin(), type.shape.end() - 2);
  c.rows = type.shape[type.shape.size() - 2];
  c.cols = type.shape.back();
  c.dtype = type.dtype;
  c.beta = argument<double>(req, "beta").value_or(0.95);
  c.nesterov = argument<bool>(req, "nesterov").value_or(true);
  c.wd = argument<double>(req, "wd").value_or(0.0);
  c.targetNorm = argument<double>(req, "target_norm").value_or(1.0);
  c.schedule = argument<std::string>(req, "schedule").value_or("muon5");
  const rt::NamedSchedule *schedule = rt::findNamedSchedule(c.schedule);
  TORCH_CHECK(schedule, "torch.ops.lipt.muon_step: unknown schedule '",
              c.schedule, "'; known schedules: ", rt::namedScheduleList());
  c.scheduleSteps = schedule->steps;
  c.frobScale = schedule->frobScale;
  c.scheduleGain = rt::scheduleMaxGain(schedule->steps, schedule->frobScale);
  std::string constraint =
      argument<std::string>(req, "constraint").value_or("none");
  TORCH_CHECK(rt::parseName(constraint, c.constraint),
              "torch.ops.lipt.muon_step: 'constraint' is '", constraint,
              "'; expected ", rt::namesList<rt::ConstraintKind>());
  c.sigmaMax = argument<double>(req, "sigma_max").value_or(0.0);
  std::string norm = argument<std::string>(req, "norm").value_or("spectral");
  TORCH_CHECK(norm == "rms" || norm == "spectral",
              "torch.ops.lipt.muon_step: 'norm' is '", norm,
              "'; expected rms or spectral");
  c.rmsNorm = norm == "rms";
  c.polynomialHardCap = false; // the op's default: the exact msign form
  req.muonStep = c;
  return *lr;
}

/// Runs `req` on `inputs`, returning `req.numResults` new tensors shaped
/// like the first input. `lr`: muon_step's learning rate, passed with the
/// strength it implies as the step's run-time operands.
std::vector<torch::Tensor> run(const KernelRequest &req,
                               std::vector<torch::Tensor> inputs,
                               std::optional<double> lr = std::nullopt) {
  std::string error;
  const Kernel *kernel = kernelCache().get(req, error);
  TORCH_CHECK(kernel, "torch.ops.lipt.", req.liptOp, ": ", error);
  if (lr) {
    TORCH_CHECK(kernel->muonStep, "lipt: no step description");
    std::vector<double> scalars;
    rt::Status ok = kernel->muonStep->stepScalars(*lr, scalars);
    TORCH_CHECK(ok.ok, "torch.ops.lipt.", req.liptOp, ": ", ok.message);
    for (double v : scalars)
      inputs.push_back(torch::scalar_tensor(v, torch::kDouble));
  }
  std::vector<rt::TensorView> in, out;
  for (size_t i = 0; i < inputs.size(); ++i)
    in.push_back(viewOrThrow(inputs[i], "input " + std::to_string(i)));
  std::vector<torch::Tensor> results;
  for (unsigned i = 0; i < req.numResults; ++i) {
    results.push_back(torch::empty_like(inputs.front()));
    out.push_back(viewOrThrow(results.back(), "result"));
  }
  rt::Status status = kernel->exe->invoke("kernel", in, out);
  TORCH_CHECK(status.ok, "torch.ops.lipt.", req.liptOp, ": ", status.message);
  return results;
}

Scalar toScalar(const c10::IValue &v) {
  if (v.isNone())
    return std::monostate{};
  if (v.isDouble())
    return v.toDouble();
  if (v.isBool())
    return v.toBool();
  if (v.isInt())
    return v.toInt();
  if (v.isString())
    return v.toStringRef();
  TORCH_CHECK(false, "lipt: unsupported argument ", v.tagKind());
}

/// Every lipt operator: functional ones return new tensors; the in-place
/// list form (muon_step_) stacks same-shape weights into one batched call
/// and writes the results back.
void runBoxed(const c10::OperatorHandle &op, torch::jit::Stack *stack) {
  const lipt_torch::OpSchema &schema = schemaOf(op);
  const auto &args = op.schema().arguments();
  std::vector<c10::IValue> values(stack->end() - args.size(), stack->end());
  torch::jit::drop(*stack, args.size());

  KernelRequest req{schema.liptOp, {}, {}, 0};
  std::vector<torch::Tensor> inputs;
  std::vector<std::vector<torch::Tensor>> lists;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &name = args[i].name();
    if (values[i].isTensor()) {
      inputs.push_back(checkedWeight(values[i].toTensor(), "'" + name + "'"));
    } else if (values[i].isTensorList()) {
      lists.push_back(values[i].toTensorVector());
    } else {
      req.attrs.emplace_back(name, toScalar(values[i]));
    }
  }
  const auto &returns = op.schema().returns();
  if (lists.empty()) {
    req.numResults = returns.size();
    for (const torch::Tensor &t : inputs)
      req.inputs.push_back(viewOrThrow(t, "input").type);
    for (const torch::Tensor &t : inputs)
      TORCH_CHECK(t.sizes() == inputs.front().sizes() &&
                      t.scalar_type() == inputs.front().scalar_type(),
                  "torch.ops.lipt.", schema.liptOp,
                  ": every tensor must have the weight's shape and dtype");
    std::optional<double> lr;
    if (schema.liptOp == std::string_view("muon_step"))
      lr = describeMuonStep(req, req.inputs.front());
    for (torch::Tensor &r : run(req, inputs, lr))
      stack->emplace_back(std::move(r));
    return;
  }
  // In place over lists of same-shape weights.
  size_t count = lists.front().size();
  TORCH_CHECK(count > 0, "torch.ops.lipt.muon_step_: empty weight list");
  const torch::Tensor &first = lists.front().front();
  for (size_t l = 0; l < lists.size(); ++l) {
    TORCH_CHECK(lists[l].size() == count, "'", args[l].name(), "' has ",
                lists[l].size(), " tensors, '", args[0].name(), "' has ",
                count);
    for (size_t i = 0; i < count; ++i) {
      std::string what = "'" + args[l].name() + "'[" + std::to_string(i) + "]";
      checkedWeight(lists[l][i], what);
      TORCH_CHECK(lists[l][i].sizes() == first.sizes() &&
                      lists[l][i].scalar_type() == first.scalar_type(),
                  what, " has shape ", lists[l][i].sizes(), " and dtype ",
                  c10::toString(lists[l][i].scalar_type()),
                  "; one call takes weights of one shape and dtype (",
                  first.sizes(), ", ", c10::toString(first.scalar_type()), ")");
    }
  }
  std::vector<torch::Tensor> stacked;
  for (const auto &list : lists)
    stacked.push_back(torch::stack(list));
  for (const torch::Tensor &t : stacked)
    req.inputs.push_back(viewOrThrow(t, "input").type);
  req.numResults = 2; // (weight', momentum')
  double lr = describeMuonStep(req, req.inputs.front());
  std::vector<torch::Tensor> results = run(req, stacked, lr);
  for (size_t i = 0; i < count; ++i) {
    lists[0][i].copy_(results[0][i]); // weight
    lists[2][i].copy_(results[1][i]); // momentum
  }
}

/// The Python process imported torch (and so loaded OpenBLAS and OpenMP)
/// before lipt could tune them: say what that costs and how to fix it.
void warnAboutHostSettings() {
  if (std::getenv("LIPT_NO_HOST_TUNING"))
    return;
  std::vector<rt::EnvSetting> missing = rt::missingHostSettings();
  if (missing.empty())
    return;
  std::fprintf(stderr, "lipt: warning: BLAS/OpenMP settings not in effect "
                       "(set them before `import torch`, or `import lipt` "
                       "first, which does):\n");
  for (const rt::EnvSetting &s : missing)
    std::fprintf(stderr, "  %s=%s: %s\n", s.name.c_str(), s.value.c_str(),
                 s.reason.c_str());
}

} // namespace

/// For tests and the Python package: how many kernels were compiled.
extern "C" size_t lipt_torch_compiled_kernels() { return kernelCache().size(); }

TORCH_LIBRARY(lipt, m) {
  for (const lipt_torch::OpSchema &s : lipt_torch::kOpSchemas)
    m.def(s.schema);
}

TORCH_LIBRARY_IMPL(lipt, CPU, m) {
  warnAboutHostSettings();
  for (const lipt_torch::OpSchema &s : lipt_torch::kOpSchemas) {
    std::string name(s.name());
    m.impl(name.c_str(),
           torch::CppFunction::makeFromBoxedFunction<&runBoxed>());
  }
}
