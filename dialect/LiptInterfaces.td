//===- LiptInterfaces.td - lipt op interfaces --------------*- tablegen -*-===//

#ifndef LIPT_INTERFACES_TD
#define LIPT_INTERFACES_TD

include "mlir/IR/OpBase.td"

def LipschitzOpInterface : OpInterface<"LipschitzOpInterface"> {
  let cppNamespace = "::mlir::lipt";
  let description = [{
    An op whose contribution to a model's certified Lipschitz bound is known
    (paper-notes, "Certified Lipschitz bound"). `--lipt-certify` walks a
    model function from `lipt.embed` to its result and composes the ops'
    steps: the bound is RMS->RMS with respect to the embedded input, a
    sequence's norm being its largest per-token RMS norm.

    Two kinds of ops implement it:
    - *activation maps* (the model ops, or a third party's op on the
      activation path) implement `getLipschitzStep`: given the bound `a` on
      their input's token norms, their Lipschitz constant on such inputs and
      the bound on their outputs' token norms. They ask the context for the
      norms of their weights (`weightNorm`), passing the bound their own
      attributes promise, and for the step of a nested region
      (`regionStep`).
    - *weight maps* (the constraint ops) implement `getResultNormBound`:
      the RMS->RMS norm their result is guaranteed to have, whatever their
      input. Only guarantees that hold for every input qualify.

    An op on the activation path that implements neither (an op of another
    dialect, say) breaks the bound, unless it carries the discardable
    attribute `lipt.lipschitz = K : f64`, which declares that it is
    K-Lipschitz and maps 0 to 0 (so its outputs' norms are at most K times
    its inputs'). A C++ op can also implement this interface through an
    external model (`Op::attachInterface`).
  }];
  let methods = [
    InterfaceMethod<[{
        Lipschitz constant and output bound on inputs with token norms <=
        `inputBound`; failure (after context.breaks(...)) when the op has
        none.
      }],
      "::mlir::FailureOr<::mlir::lipt::LipschitzStep>", "getLipschitzStep",
      (ins "::mlir::lipt::LipschitzContext &":$context,
           "double":$inputBound),
      /*methodBody=*/"",
      /*defaultImplementation=*/[{
        return context.breaks($_op, "it is not a map of activations");
      }]>,
    InterfaceMethod<[{
        The RMS->RMS norm bound of the op's (weight) result; failure with
        the reason in `why` when the op guarantees none.
      }],
      "::mlir::FailureOr<double>", "getResultNormBound",
      (ins "std::string &":$why),
      /*methodBody=*/"",
      /*defaultImplementation=*/[{
        why = "it does not bound its result's norm";
        return ::mlir::failure();
      }]>,
  ];
}

#endif // LIPT_INTERFACES_TD
