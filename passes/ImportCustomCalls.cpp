//===- ImportCustomCalls.cpp - --lipt-import-custom-calls -----------------===//
//
// Other frameworks reach lipt through calls they already know how to emit:
// StableHLO/MHLO custom calls whose target is `lipt.<op>` (JAX's ffi_call,
// XLA's typed FFI) and torch-mlir's `torch.operator "torch.lipt.<op>"`. The
// calls are matched by op name, so neither StableHLO nor torch-mlir needs to
// be registered (generic form parses with --allow-unregistered-dialect).
// Every other op, target and attribute is left exactly as it was.
//
//===----------------------------------------------------------------------===//

#include "lipt/Dialect/LiptDialect.h"
#include "lipt/Dialect/LiptPortable.h"
#include "lipt/Passes/Passes.h"
#include "lipt/Torch/OpSchemas.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Regex.h"

namespace mlir::lipt {
#define GEN_PASS_DEF_LIPTIMPORTCUSTOMCALLSPASS
#include "lipt/Passes/Passes.h.inc"
} // namespace mlir::lipt

using namespace mlir;
using namespace mlir::lipt;

namespace {

/// An attribute of `op` from its properties (`<{...}>`, where generic-form
/// StableHLO keeps its inherent attributes) or its attribute dictionary.
Attribute lookupAttr(Operation *op, StringRef name) {
  if (auto props =
          dyn_cast_or_null<DictionaryAttr>(op->getPropertiesAsAttribute()))
    if (Attribute a = props.get(name))
      return a;
  return op->getAttr(name);
}

/// A minor-to-major layout is row-major when it reads rank-1, ..., 1, 0.
bool isRowMajor(Attribute layout, int64_t rank) {
  auto dense = dyn_cast<DenseIntElementsAttr>(layout);
  if (!dense || dense.getNumElements() != rank)
    return false;
  int64_t expected = rank - 1;
  for (const APInt &v : dense.getValues<APInt>())
    if (v.getSExtValue() != expected--)
      return false;
  return true;
}

LogicalResult checkLayouts(Operation *op, StringRef name, TypeRange types) {
  Attribute attr = lookupAttr(op, name);
  if (!attr)
    return success();
  auto layouts = dyn_cast<ArrayAttr>(attr);
  if (!layouts || layouts.size() != types.size())
    return op->emitError() << "'" << name << "' must list one layout per "
                           << (name == "operand_layouts" ? "operand" : "result")
                           << " (" << types.size() << ")";
  for (auto [i, layout, type] : llvm::enumerate(layouts, types)) {
    auto ranked = dyn_cast<RankedTensorType>(type);
    int64_t rank = ranked ? ranked.getRank() : -1;
    if (!isRowMajor(layout, rank))
      return op->emitError()
             << "lipt computes on row-major (dense, minor-to-major [rank-1, "
                "..., 0]) tensors; "
             << name << "[" << i << "] is " << layout;
  }
  return success();
}

/// The attribute dictionary of a StableHLO/MHLO custom call: `backend_config`
/// as a dictionary (typed FFI, api_version 4), else `mhlo.backend_config`
/// (what a JAX export writes, with `backend_config = ""`).
FailureOr<DictionaryAttr> hloCallConfig(Operation *op) {
  Attribute config = lookupAttr(op, "backend_config");
  if (auto dict = dyn_cast_or_null<DictionaryAttr>(config))
    return dict;
  if (auto str = dyn_cast_or_null<StringAttr>(config); str && !str.empty())
    return op->emitError()
           << "a string 'backend_config' is opaque bytes that lipt cannot "
              "read; pass the attributes as a dictionary (backend_config with "
              "api_version = 4, or mhlo.backend_config)";
  if (config && !isa<StringAttr>(config))
    return op->emitError() << "'backend_config' must be a dictionary, got "
                           << config;
  Attribute legacy = lookupAttr(op, "mhlo.backend_config");
  if (!legacy)
    return DictionaryAttr::get(op->getContext());
  if (auto dict = dyn_cast<DictionaryAttr>(legacy))
    return dict;
  return op->emitError() << "'mhlo.backend_config' must be a dictionary, got "
                         << legacy;
}

/// The custom call's own fields; any other attribute (another framework's
/// annotation, such as mhlo.frontend_attributes) travels to the lipt op.
bool isCustomCallField(StringRef name) {
  return llvm::is_contained(
      {"api_version", "backend_config", "call_target_name", "has_side_effect",
       "operand_layouts", "result_layouts", "output_operand_aliases",
       "called_computations", "mhlo.backend_config"},
      name);
}

/// stablehlo.custom_call / mhlo.custom_call @lipt.<op> -> lipt.<op>.
LogicalResult importHloCall(Operation *op) {
  auto target =
      dyn_cast_or_null<StringAttr>(lookupAttr(op, "call_target_name"));
  if (!target || !target.getValue().starts_with("lipt."))
    return success(); // another framework's call: not ours
  if (auto effect =
          dyn_cast_or_null<BoolAttr>(lookupAttr(op, "has_side_effect"));
      effect && effect.getValue())
    return op->emitError() << "'" << target.getValue()
                           << "' is pure; a call with has_side_effect = true "
                              "cannot become it";
  for (StringRef unsupported :
       {"output_operand_aliases", "called_computations"})
    if (auto list = dyn_cast_or_null<ArrayAttr>(lookupAttr(op, unsupported));
        list && !list.empty())
      return op->emitError()
             << "'" << unsupported << "' is not supported on a lipt call";
  if (failed(checkLayouts(op, "operand_layouts", op->getOperandTypes())) ||
      failed(checkLayouts(op, "result_layouts", op->getResultTypes())))
    return failure();
  FailureOr<DictionaryAttr> config = hloCallConfig(op);
  if (failed(config))
    return failure();
  OpBuilder b(op);
  FailureOr<Operation *> lipt = createLiptOpFromPortable(
      b, op->getLoc(), target.getValue(), op->getOperands(),
      op->getResultTypes(), config->getValue());
  if (failed(lipt))
    return failure();
  for (const NamedAttribute &attr : op->getDiscardableAttrs())
    if (!isCustomCallField(attr.getName()))
      (*lipt)->setDiscardableAttr(attr.getName(), attr.getValue());
  op->replaceAllUsesWith(*lipt);
  op->erase();
  return success();
}

//===----------------------------------------------------------------------===//
// torch.operator
//===----------------------------------------------------------------------===//

/// One argument of a TorchScript schema: "float? sigma_max=None".
struct SchemaArg {
  StringRef type, name, defaultValue; // defaultValue empty: required
  bool isTensor() const { return type.starts_with("Tensor"); }
};

/// A schema default as an attribute; null for None (the attribute is then
/// absent).
Attribute schemaDefault(Builder &b, const SchemaArg &arg) {
  StringRef v = arg.defaultValue;
  if (v == "None")
    return {};
  if (v.consume_front("\"") && v.consume_back("\""))
    return b.getStringAttr(v);
  if (v == "True" || v == "False")
    return b.getBoolAttr(v == "True");
  if (arg.type.starts_with("int")) {
    int64_t n = 0;
    (void)v.getAsInteger(10, n);
    return b.getI64IntegerAttr(n);
  }
  double d = 0;
  (void)llvm::to_float(v, d);
  return b.getF64FloatAttr(d);
}

/// The arguments of the PyTorch operator `name`'s schema, or none if lipt
/// has no such operator.
std::optional<SmallVector<SchemaArg>> schemaArgs(StringRef name) {
  const lipt_torch::OpSchema *schema =
      lipt_torch::findOpSchema(std::string_view(name.data(), name.size()));
  if (!schema)
    return std::nullopt;
  StringRef args = StringRef(schema->schema)
                       .drop_until([](char c) { return c == '('; })
                       .drop_front()
                       .take_until([](char c) { return c == ')'; });
  SmallVector<StringRef> parts;
  args.split(parts, ", ");
  SmallVector<SchemaArg> out;
  for (StringRef part : parts) {
    auto [type, rest] = part.split(' ');
    auto [name, defaultValue] = rest.split('=');
    out.push_back({type, name, defaultValue});
  }
  return out;
}

/// The builtin tensor type of a torch-mlir `!torch.vtensor<[4,8],f32>` (as
/// printed, so the torch dialect need not be registered), or of a builtin
/// tensor itself; null otherwise.
RankedTensorType builtinTensorType(Type type) {
  if (auto ranked = dyn_cast<RankedTensorType>(type))
    return ranked;
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  SmallVector<StringRef> m;
  llvm::Regex re("^!torch\\.vtensor<\\[([0-9,]*)\\],(f64|f32|f16|bf16)>$");
  if (!re.match(text, &m))
    return {};
  SmallVector<int64_t> shape;
  SmallVector<StringRef> dims;
  m[1].split(dims, ',', -1, /*KeepEmpty=*/false);
  for (StringRef d : dims)
    shape.push_back(std::stoll(d.str()));
  MLIRContext *ctx = type.getContext();
  Type element = llvm::StringSwitch<Type>(m[2])
                     .Case("f64", Float64Type::get(ctx))
                     .Case("f32", Float32Type::get(ctx))
                     .Case("f16", Float16Type::get(ctx))
                     .Default(BFloat16Type::get(ctx));
  return RankedTensorType::get(shape, element);
}

constexpr StringLiteral kToBuiltin = "torch_c.to_builtin_tensor";
constexpr StringLiteral kFromBuiltin = "torch_c.from_builtin_tensor";

/// torch-mlir's own bridge between its value tensors and builtin tensors,
/// created by name (torch_c need not be registered). A cast of a cast back
/// is folded, as torch-mlir's canonicalizer does, so a builtin tensor that
/// went through torch and back into a lipt call arrives as itself.
Value castTensor(OpBuilder &b, Location loc, StringRef opName, Value v,
                 Type to) {
  if (v.getType() == to)
    return v;
  Operation *def = v.getDefiningOp();
  if (def &&
      def->getName().getStringRef() ==
          (opName == kToBuiltin ? kFromBuiltin : kToBuiltin) &&
      def->getNumOperands() == 1 && def->getOperand(0).getType() == to)
    return def->getOperand(0);
  OperationState state(loc, opName);
  state.addOperands(v);
  state.addTypes(to);
  return b.create(state)->getResult(0);
}

/// Folds `cast(x)` users of a result that were casts back to x's type, and
/// erases casts left without users (ours, or the caller's into the call).
void foldCastUsers(Value result) {
  Operation *cast = result.getDefiningOp();
  if (!cast || cast->getName().getStringRef() != kFromBuiltin)
    return;
  for (Operation *user : llvm::make_early_inc_range(result.getUsers()))
    if (user->getName().getStringRef() == kToBuiltin &&
        user->getResult(0).getType() == cast->getOperand(0).getType()) {
      user->getResult(0).replaceAllUsesWith(cast->getOperand(0));
      user->erase();
    }
  if (cast->use_empty())
    cast->erase();
}

/// Erases a cast or torch.constant that fed only the imported call: both
/// are pure, and left behind they would stop code generation.
void eraseIfUnusedFeeder(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def || !def->use_empty())
    return;
  StringRef name = def->getName().getStringRef();
  if (name == kToBuiltin || name == kFromBuiltin ||
      name.starts_with("torch.constant."))
    def->erase();
}

/// The constant a scalar argument was given as, or null for None.
FailureOr<Attribute> torchConstant(Operation *call, Value v, StringRef name) {
  Operation *def = v.getDefiningOp();
  StringRef defName = def ? def->getName().getStringRef() : "";
  if (defName == "torch.constant.none")
    return Attribute();
  if (defName.starts_with("torch.constant."))
    if (Attribute value = lookupAttr(def, "value"))
      return value;
  return call->emitError() << "argument '" << name
                           << "' must be a torch.constant (lipt compiles its "
                              "attributes into the kernel)";
}

/// torch.operator "torch.lipt.<op>" (FX importer) or "lipt.<op>"
/// (TorchScript) -> lipt.<op> between torch_c casts.
LogicalResult importTorchOperator(Operation *op) {
  auto name = dyn_cast_or_null<StringAttr>(lookupAttr(op, "name"));
  if (!name)
    return success();
  StringRef opName = name.getValue();
  opName.consume_front("torch.");
  if (!opName.consume_front("lipt."))
    return success();
  std::optional<SmallVector<SchemaArg>> args = schemaArgs(opName);
  if (!args)
    return op->emitError() << "unknown lipt operator '" << name.getValue()
                           << "'";
  // torch-mlir passes every argument; other writers may leave trailing
  // defaults out, which then come from the schema.
  size_t required = llvm::count_if(
      *args, [](const SchemaArg &a) { return a.defaultValue.empty(); });
  if (op->getNumOperands() < required || op->getNumOperands() > args->size()) {
    InFlightDiagnostic diag = op->emitError()
                              << "'" << name.getValue() << "' takes ";
    if (required != args->size())
      diag << required << " to ";
    return diag << args->size() << " operands, got " << op->getNumOperands();
  }
  OpBuilder b(op);
  Location loc = op->getLoc();
  SmallVector<Value> operands;
  SmallVector<NamedAttribute> attrs;
  for (auto [arg, value] :
       llvm::zip_first(ArrayRef(*args).take_front(op->getNumOperands()),
                       op->getOperands())) {
    if (arg.isTensor()) {
      RankedTensorType type = builtinTensorType(value.getType());
      if (!type)
        return op->emitError() << "tensor argument '" << arg.name
                               << "' must be a statically shaped f64/f32/f16/"
                                  "bf16 !torch.vtensor, got "
                               << value.getType();
      operands.push_back(castTensor(b, loc, kToBuiltin, value, type));
      continue;
    }
    FailureOr<Attribute> constant = torchConstant(op, value, arg.name);
    if (failed(constant))
      return failure();
    if (*constant)
      attrs.push_back(b.getNamedAttr(arg.name, *constant));
  }
  for (const SchemaArg &arg : ArrayRef(*args).drop_front(op->getNumOperands()))
    if (Attribute value = schemaDefault(b, arg))
      attrs.push_back(b.getNamedAttr(arg.name, value));
  SmallVector<Type> resultTypes;
  for (Type t : op->getResultTypes()) {
    RankedTensorType type = builtinTensorType(t);
    if (!type)
      return op->emitError() << "results must be statically shaped tensors, "
                                "got "
                             << t;
    resultTypes.push_back(type);
  }
  FailureOr<Operation *> lipt = createLiptOpFromPortable(
      b, loc, ("lipt." + opName).str(), operands, resultTypes, attrs);
  if (failed(lipt))
    return failure();
  SmallVector<Value> casts;
  for (auto [oldResult, newResult] :
       llvm::zip(op->getResults(), (*lipt)->getResults())) {
    casts.push_back(
        castTensor(b, loc, kFromBuiltin, newResult, oldResult.getType()));
    oldResult.replaceAllUsesWith(casts.back());
  }
  SmallVector<Value> inputs(op->getOperands());
  op->erase();
  for (Value cast : casts)
    foldCastUsers(cast);
  for (Value input : inputs)
    eraseIfUnusedFeeder(input);
  return success();
}

struct LiptImportCustomCallsPass
    : mlir::lipt::impl::LiptImportCustomCallsPassBase<
          LiptImportCustomCallsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> calls;
    getOperation()->walk([&](Operation *op) {
      StringRef name = op->getName().getStringRef();
      if (name == "stablehlo.custom_call" || name == "mhlo.custom_call" ||
          name == "torch.operator")
        calls.push_back(op);
    });
    bool ok = true;
    for (Operation *op : calls)
      ok &= succeeded(op->getName().getStringRef() == "torch.operator"
                          ? importTorchOperator(op)
                          : importHloCall(op));
    if (!ok)
      signalPassFailure();
  }
};

} // namespace
