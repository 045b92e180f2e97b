//===- LiptAttrs.td - lipt attributes and enums ------------*- tablegen -*-===//

#ifndef LIPT_ATTRS_TD
#define LIPT_ATTRS_TD

include "LiptBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Lipt_NormKind : I32EnumAttr<"NormKind", "unit of a norm bound", [
    I32EnumAttrCase<"spectral", 0>,
    // RMS->RMS operator norm: sqrt(fan_in / fan_out) * sigma_1 (paper-notes).
    I32EnumAttrCase<"rms", 1>]> {
  let cppNamespace = "::mlir::lipt";
  let genSpecializedAttr = 0;
}
def Lipt_NormAttr : EnumAttr<Lipt_Dialect, Lipt_NormKind, "norm"> {
  let assemblyFormat = "`<` $value `>`";
}

def Lipt_HardCapMethod : I32EnumAttr<"HardCapMethod", "hard cap algorithm", [
    I32EnumAttrCase<"polynomial", 0>,
    I32EnumAttrCase<"msign", 1>]> {
  let cppNamespace = "::mlir::lipt";
  let genSpecializedAttr = 0;
}
def Lipt_HardCapMethodAttr
    : EnumAttr<Lipt_Dialect, Lipt_HardCapMethod, "hard_cap_method"> {
  let assemblyFormat = "`<` $value `>`";
}

def Lipt_ConstraintKind : I32EnumAttr<"ConstraintKind",
    "weight constraint applied after an optimizer step", [
    I32EnumAttrCase<"none", 0>,
    I32EnumAttrCase<"soft_cap", 1>,
    I32EnumAttrCase<"hard_cap", 2>,
    I32EnumAttrCase<"hammer", 3>,
    I32EnumAttrCase<"normalize", 4>]> {
  let cppNamespace = "::mlir::lipt";
  let genSpecializedAttr = 0;
}
def Lipt_ConstraintAttr
    : EnumAttr<Lipt_Dialect, Lipt_ConstraintKind, "constraint"> {
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// Schedule
//===----------------------------------------------------------------------===//

def Lipt_ScheduleAttr : AttrDef<Lipt_Dialect, "Schedule"> {
  let mnemonic = "schedule";
  let summary = "steps (a, b, c) of an odd polynomial (Newton-Schulz) iteration";
  let description = [{
    Each step maps X <- a X + (b A + c A^2) X with A = X X^T (on the smaller
    Gram side), after X = G / (scale * ||G||_F + eps). Coefficients are data:
    a new schedule needs no code change.

    ```mlir
    #lipt.schedule<"muon5">                       // a named schedule
    #lipt.schedule<[[3.4445, -4.775, 2.0315]]>    // explicit steps
    #lipt.schedule<[[1.5, -0.5, 0.0]], scale = 1.01>
    ```
    Named: muon5, paper6, nanogpt5, polar_express5 (paper-notes) and
    msign_precise (polar_express5 then 4 cubic Newton-Schulz steps).
  }];
  let parameters = (ins
    StringRefParameter<"name of a known schedule, or empty", "\"\"">:$name,
    "::mlir::DenseF64ArrayAttr":$coefficients,
    APFloatParameter<"Frobenius-norm divisor applied first">:$scale);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The named schedule `name`; null (with no diagnostic) if unknown.
    static ScheduleAttr getNamed(::mlir::MLIRContext *ctx, ::llvm::StringRef name);
    unsigned getNumSteps() const { return getCoefficients().size() / 3; }
    /// The Frobenius-norm divisor as a double.
    double getFrobeniusScale() const { return getScale().convertToDouble(); }
    /// The steps as host-side data.
    std::vector<::lipt_runtime::PolyStep> getSteps() const;
  }];
}

#endif // LIPT_ATTRS_TD
