//===- LiptAttrs.cpp - lipt attributes ------------------------------------===//
//
// The schedule attribute accepts a name from the host-side registry
// (lipt/Runtime/SpectralMath.h) or explicit steps, and prints a known name
// back as the name.
//
//===----------------------------------------------------------------------===//

#include "lipt/Dialect/LiptDialect.h"

#include "mlir/IR/Builders.h"
// The generated attribute parser dispatches with TypeSwitch.
#include "llvm/ADT/TypeSwitch.h"
#include <cmath>

using namespace mlir;
using namespace mlir::lipt;

#define GET_ATTRDEF_CLASSES
#include "lipt/Dialect/LiptAttrs.cpp.inc"

void LiptDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "lipt/Dialect/LiptAttrs.cpp.inc"
      >();
}

namespace {
SmallVector<double>
flatten(const std::vector<::lipt_runtime::PolyStep> &steps) {
  SmallVector<double> flat;
  for (const ::lipt_runtime::PolyStep &s : steps)
    flat.append({s.a, s.b, s.c});
  return flat;
}
} // namespace

ScheduleAttr ScheduleAttr::getNamed(MLIRContext *ctx, StringRef name) {
  const ::lipt_runtime::NamedSchedule *known =
      ::lipt_runtime::findNamedSchedule(
          std::string_view(name.data(), name.size()));
  if (!known)
    return {};
  return get(ctx, name, DenseF64ArrayAttr::get(ctx, flatten(known->steps)),
             llvm::APFloat(known->frobScale));
}

std::vector<::lipt_runtime::PolyStep> ScheduleAttr::getSteps() const {
  std::vector<::lipt_runtime::PolyStep> steps;
  ArrayRef<double> c = getCoefficients().asArrayRef();
  for (size_t i = 0; i + 2 < c.size(); i += 3)
    steps.push_back({c[i], c[i + 1], c[i + 2]});
  return steps;
}

LogicalResult ScheduleAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                   StringRef name,
                                   DenseF64ArrayAttr coefficientsAttr,
                                   llvm::APFloat scaleValue) {
  ArrayRef<double> coefficients = coefficientsAttr.asArrayRef();
  double scale = scaleValue.convertToDouble();
  if (coefficients.empty())
    return emitError() << "schedule must have at least one (a, b, c) step";
  if (coefficients.size() % 3 != 0)
    return emitError() << "schedule steps are (a, b, c) triples, got "
                       << coefficients.size() << " coefficients";
  for (double c : coefficients)
    if (!std::isfinite(c))
      return emitError() << "schedule coefficients must be finite";
  if (!(scale > 0.0) || !std::isfinite(scale))
    return emitError() << "schedule scale must be a finite value > 0, got "
                       << scale;
  return success();
}

// #lipt.schedule<"name"> | #lipt.schedule<[[a, b, c], ...] (, scale = s)?>
Attribute ScheduleAttr::parse(AsmParser &parser, Type) {
  MLIRContext *ctx = parser.getContext();
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess())
    return {};
  std::string name;
  if (succeeded(parser.parseOptionalString(&name))) {
    if (parser.parseGreater())
      return {};
    if (ScheduleAttr named = getNamed(ctx, name))
      return named;
    parser.emitError(loc) << "unknown schedule \"" << name
                          << "\"; known schedules: "
                          << ::lipt_runtime::namedScheduleList();
    return {};
  }
  SmallVector<double> coefficients;
  auto parseStep = [&]() -> ParseResult {
    SMLoc stepLoc = parser.getCurrentLocation();
    size_t before = coefficients.size();
    if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square,
                                       [&]() -> ParseResult {
                                         double v;
                                         if (parser.parseFloat(v))
                                           return failure();
                                         coefficients.push_back(v);
                                         return success();
                                       }))
      return failure();
    if (coefficients.size() - before != 3)
      return parser.emitError(stepLoc)
             << "each schedule step is [a, b, c], got "
             << coefficients.size() - before << " values";
    return success();
  };
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, parseStep))
    return {};
  double scale = 1.0;
  if (succeeded(parser.parseOptionalComma())) {
    if (parser.parseKeyword("scale") || parser.parseEqual() ||
        parser.parseFloat(scale))
      return {};
  }
  if (parser.parseGreater())
    return {};
  return getChecked([&] { return parser.emitError(loc); }, ctx, "",
                    DenseF64ArrayAttr::get(ctx, coefficients),
                    llvm::APFloat(scale));
}

void ScheduleAttr::print(AsmPrinter &printer) const {
  printer << "<";
  if (!getName().empty() && getNamed(getContext(), getName()) == *this) {
    printer << "\"" << getName() << "\">";
    return;
  }
  printer << "[";
  ArrayRef<double> c = getCoefficients().asArrayRef();
  for (size_t i = 0; i < c.size(); i += 3) {
    if (i)
      printer << ", ";
    printer << "[";
    for (size_t j = 0; j < 3; ++j) {
      if (j)
        printer << ", ";
      // Print with full precision so the coefficients round-trip exactly.
      printer.printFloat(llvm::APFloat(c[i + j]));
    }
    printer << "]";
  }
  printer << "]";
  if (getFrobeniusScale() != 1.0) {
    printer << ", scale = ";
    printer.printFloat(getScale());
  }
  printer << ">";
}
