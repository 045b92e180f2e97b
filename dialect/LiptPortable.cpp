//===- LiptPortable.cpp - lipt ops as other hosts spell them --------------===//

#include "lipt/Dialect/LiptPortable.h"
#include "lipt/Dialect/LiptOps.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::lipt;

bool mlir::lipt::isCallableLiptOp(OperationName name) {
  std::optional<RegisteredOperationName> op = name.getRegisteredInfo();
  if (!op)
    return false;
  TypeID id = op->getTypeID();
  return llvm::is_contained(
      {TypeID::get<SpectralSoftCapOp>(), TypeID::get<SpectralHardCapOp>(),
       TypeID::get<OrthogonalizeOp>(), TypeID::get<PowerIterationOp>(),
       TypeID::get<SpectralHammerOp>(), TypeID::get<SpectralNormalizeOp>(),
       TypeID::get<SpectralWeightDecayOp>(), TypeID::get<RmsProjectOp>(),
       TypeID::get<OddPolynomialOp>(), TypeID::get<MuonStepOp>()},
      id);
}

SmallVector<StringRef> mlir::lipt::callableLiptOpNames(MLIRContext *ctx) {
  SmallVector<StringRef> names;
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    if (isCallableLiptOp(op))
      names.push_back(op.getStringRef().drop_front(strlen("lipt.")));
  llvm::sort(names);
  return names;
}

Attribute mlir::lipt::toPortableAttr(Attribute attr) {
  Builder b(attr.getContext());
  if (auto a = dyn_cast<NormKindAttr>(attr))
    return b.getStringAttr(stringifyNormKind(a.getValue()));
  if (auto a = dyn_cast<HardCapMethodAttr>(attr))
    return b.getStringAttr(stringifyHardCapMethod(a.getValue()));
  if (auto a = dyn_cast<ConstraintKindAttr>(attr))
    return b.getStringAttr(stringifyConstraintKind(a.getValue()));
  if (auto a = dyn_cast<ScheduleAttr>(attr)) {
    if (!a.getName().empty() &&
        ScheduleAttr::getNamed(attr.getContext(), a.getName()) == a)
      return b.getStringAttr(a.getName());
    std::string text;
    llvm::raw_string_ostream os(text);
    Attribute(a).print(os);
    return b.getStringAttr(text);
  }
  return attr;
}

namespace {

/// An integer attribute's value as int64_t, honouring its signedness; none
/// when it does not fit.
std::optional<int64_t> toInt64(IntegerAttr attr) {
  const APInt &v = attr.getValue();
  auto type = dyn_cast<IntegerType>(attr.getType());
  if (v.getBitWidth() == 1)
    return v.getBoolValue() ? 1 : 0; // i1 true is 1, not -1
  if (type && type.isUnsigned())
    return v.getActiveBits() <= 63 ? std::optional<int64_t>(v.getZExtValue())
                                   : std::nullopt;
  return v.isSignedIntN(64) ? std::optional<int64_t>(v.getSExtValue())
                            : std::nullopt;
}

/// A float attribute as the double its writer meant: a narrower float is
/// read as its shortest decimal spelling (JAX writes Python's 0.1 as an f32,
/// which means 0.1, not 0.100000001490116).
double toDouble(FloatAttr attr) {
  const APFloat &v = attr.getValue();
  if (&v.getSemantics() == &APFloat::IEEEdouble() || !v.isFinite())
    return attr.getValueAsDouble();
  // The fewest significant digits that read back as the same value.
  for (unsigned digits = 1; digits <= 17; ++digits) {
    SmallString<32> text;
    v.toString(text, digits, /*FormatMaxPadding=*/0);
    double d;
    if (llvm::to_float(text, d)) {
      APFloat back(d);
      bool lost;
      back.convert(v.getSemantics(), APFloat::rmNearestTiesToEven, &lost);
      if (back.bitwiseIsEqual(v))
        return d;
    }
  }
  return attr.getValueAsDouble();
}

/// The numbers of an array-like attribute (array<f32: ...>, [1.0, 2.0],
/// dense<...>), or none when it is not one.
std::optional<SmallVector<double>> toDoubles(Attribute attr) {
  SmallVector<double> out;
  auto scalar = [&](Attribute e) {
    if (auto f = dyn_cast<FloatAttr>(e))
      return out.push_back(toDouble(f)), true;
    if (auto i = dyn_cast<IntegerAttr>(e))
      if (std::optional<int64_t> n = toInt64(i))
        return out.push_back(double(*n)), true;
    return false;
  };
  if (auto a = dyn_cast<DenseF64ArrayAttr>(attr))
    return SmallVector<double>(a.asArrayRef());
  if (auto a = dyn_cast<DenseF32ArrayAttr>(attr))
    return SmallVector<double>(a.asArrayRef().begin(), a.asArrayRef().end());
  if (auto a = dyn_cast<ArrayAttr>(attr)) {
    for (Attribute e : a)
      if (!scalar(e))
        return std::nullopt;
    return out;
  }
  if (auto a = dyn_cast<DenseFPElementsAttr>(attr)) {
    for (const APFloat &f : a.getValues<APFloat>())
      out.push_back(f.convertToDouble());
    return out;
  }
  return std::nullopt;
}

/// Every lipt attribute `value` could stand for, most specific first. The
/// op's own constraints then pick the one that fits.
SmallVector<Attribute> candidates(Attribute value) {
  MLIRContext *ctx = value.getContext();
  Builder b(ctx);
  SmallVector<Attribute> out;
  // A 0-d array (a numpy scalar passed as an array) is its element.
  if (auto dense = dyn_cast<DenseElementsAttr>(value);
      dense && dense.getType().getRank() == 0)
    value = dense.getSplatValue<Attribute>();
  if (auto f = dyn_cast<FloatAttr>(value)) {
    out.push_back(b.getF64FloatAttr(toDouble(f)));
  } else if (auto i = dyn_cast<IntegerAttr>(value)) {
    if (std::optional<int64_t> n = toInt64(i)) {
      if (i.getValue().getBitWidth() == 1)
        out.push_back(b.getBoolAttr(*n != 0));
      out.push_back(b.getI64IntegerAttr(*n));
      out.push_back(b.getF64FloatAttr(double(*n)));
    }
  } else if (auto s = dyn_cast<StringAttr>(value)) {
    if (std::optional<NormKind> k = symbolizeNormKind(s.getValue()))
      out.push_back(NormKindAttr::get(ctx, *k));
    if (std::optional<HardCapMethod> k = symbolizeHardCapMethod(s.getValue()))
      out.push_back(HardCapMethodAttr::get(ctx, *k));
    if (std::optional<ConstraintKind> k = symbolizeConstraintKind(s.getValue()))
      out.push_back(ConstraintKindAttr::get(ctx, *k));
    if (ScheduleAttr named = ScheduleAttr::getNamed(ctx, s.getValue()))
      out.push_back(named);
    // Attribute text, e.g. an explicit "#lipt.schedule<[[...]]>"; a string
    // that does not parse is simply not a candidate.
    if (s.getValue().starts_with("#lipt.")) {
      ScopedDiagnosticHandler quiet(ctx,
                                    [](Diagnostic &) { return success(); });
      if (Attribute parsed = parseAttribute(s.getValue(), ctx))
        out.push_back(parsed);
    }
  } else if (std::optional<SmallVector<double>> list = toDoubles(value)) {
    out.push_back(DenseF64ArrayAttr::get(ctx, *list));
  }
  // As given: a lipt attribute written by a host that links lipt.
  out.push_back(value);
  return out;
}

/// True when `op` accepts `value` for its inherent attribute `name`.
bool accepts(RegisteredOperationName op, StringAttr name, Attribute value) {
  MLIRContext *ctx = value.getContext();
  ScopedDiagnosticHandler quiet(ctx, [](Diagnostic &) { return success(); });
  NamedAttrList list;
  list.set(name, value);
  return succeeded(op.verifyInherentAttrs(
      list, [&] { return emitError(UnknownLoc::get(ctx)); }));
}

} // namespace

FailureOr<Attribute> mlir::lipt::fromPortableAttr(RegisteredOperationName op,
                                                  StringRef name,
                                                  Attribute value,
                                                  Location loc) {
  ArrayRef<StringAttr> known = op.getAttributeNames();
  auto it = llvm::find_if(known, [&](StringAttr n) { return n == name; });
  if (it == known.end()) {
    std::string list;
    llvm::raw_string_ostream os(list);
    llvm::interleaveComma(known, os, [&](StringAttr n) { os << n.getValue(); });
    return emitError(loc) << "'" << op.getStringRef() << "' has no attribute '"
                          << name << "' (it takes: " << list << ")";
  }
  for (Attribute candidate : candidates(value))
    if (accepts(op, *it, candidate))
      return candidate;
  return emitError(loc) << "attribute '" << name << "' of '"
                        << op.getStringRef() << "' cannot be " << value;
}

FailureOr<Operation *> mlir::lipt::createLiptOpFromPortable(
    OpBuilder &b, Location loc, StringRef opName, ValueRange operands,
    TypeRange resultTypes, ArrayRef<NamedAttribute> attrs) {
  MLIRContext *ctx = b.getContext();
  std::optional<RegisteredOperationName> op =
      RegisteredOperationName::lookup(opName, ctx);
  if (!op || !isCallableLiptOp(*op)) {
    std::string list;
    llvm::raw_string_ostream os(list);
    llvm::interleaveComma(callableLiptOpNames(ctx), os);
    return emitError(loc) << "unknown lipt op '" << opName
                          << "' (callable ops: " << list << ")";
  }
  NamedAttrList converted;
  for (const NamedAttribute &attr : attrs) {
    FailureOr<Attribute> value =
        fromPortableAttr(*op, attr.getName(), attr.getValue(), loc);
    if (failed(value))
      return failure();
    converted.set(attr.getName(), *value);
  }
  // Operand and result counts and types are checked by the op's own
  // verifier, which needs no accessor to be in range.
  OperationState state(loc, *op);
  state.addOperands(operands);
  state.addTypes(resultTypes);
  state.propertiesAttr = converted.getDictionary(ctx);
  Operation *created = b.create(state);
  if (failed(verify(created, /*verifyRecursively=*/false))) {
    created->erase();
    return failure();
  }
  return created;
}
