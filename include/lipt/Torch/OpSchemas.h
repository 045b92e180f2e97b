//===- OpSchemas.h - lipt's PyTorch operator schemas ------------*- C++ -*-===//
//
// The schemas of the `torch.ops.lipt.*` operators: registered verbatim by
// the PyTorch op library (TORCH_LIBRARY), and read by the custom-call
// importer to map a torch-mlir `torch.operator "torch.lipt.<op>"`'s
// positional operands to attribute names. Argument names are the lipt op's
// attribute names; Tensor arguments are its operands, in order. No MLIR, no
// LibTorch: both sides include it.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_TORCH_OPSCHEMAS_H
#define LIPT_TORCH_OPSCHEMAS_H

#include <string_view>

namespace lipt_torch {

struct OpSchema {
  /// The lipt op the operator computes, without `lipt.`.
  const char *liptOp;
  /// The TorchScript schema, as TORCH_LIBRARY's `def` takes it.
  const char *schema;
  /// The operator's name: the schema up to its '(' ("muon_step_").
  std::string_view name() const {
    std::string_view text(schema);
    return text.substr(0, text.find('('));
  }
};

// Keep defaults equal to the ops' ODS defaults (LiptOps.td), except where a
// PyTorch user expects the paper's choice (muon5, Nesterov, beta 0.95, the
// exact hard cap).
inline constexpr OpSchema kOpSchemas[] = {
    {"spectral_soft_cap",
     "spectral_soft_cap(Tensor weight, float alpha) -> Tensor"},
    {"spectral_hard_cap", "spectral_hard_cap(Tensor weight, float sigma_max, "
                          "str method=\"msign\", str norm=\"spectral\") -> "
                          "Tensor"},
    {"orthogonalize",
     "orthogonalize(Tensor input, str schedule=\"muon5\") -> Tensor"},
    {"spectral_normalize", "spectral_normalize(Tensor weight, float "
                           "sigma_max, int iters=16, str norm=\"spectral\") "
                           "-> Tensor"},
    {"spectral_hammer", "spectral_hammer(Tensor weight, float sigma_max, int "
                        "iters=16, str norm=\"spectral\") -> Tensor"},
    {"spectral_weight_decay",
     "spectral_weight_decay(Tensor weight, float rate, int iters=16) -> "
     "Tensor"},
    {"rms_project", "rms_project(Tensor weight, float max_rms=1.0) -> Tensor"},
    {"muon_step",
     "muon_step(Tensor weight, Tensor grad, Tensor momentum, float lr, float "
     "beta=0.95, bool nesterov=True, float wd=0.0, float target_norm=1.0, "
     "str schedule=\"muon5\", str constraint=\"none\", float? "
     "sigma_max=None, str norm=\"spectral\") -> (Tensor, Tensor)"},
    // In place over a list of same-shape weights (one batched call); not
    // importable from torch.operator, which has no in-place lists.
    {"muon_step",
     "muon_step_(Tensor(a!)[] weight, Tensor[] grad, Tensor(b!)[] momentum, "
     "float lr, float beta=0.95, bool nesterov=True, float wd=0.0, float "
     "target_norm=1.0, str schedule=\"muon5\", str constraint=\"none\", "
     "float? sigma_max=None, str norm=\"spectral\") -> ()"},
};

/// The schema of the operator called `name`, or nullptr.
inline const OpSchema *findOpSchema(std::string_view name) {
  for (const OpSchema &s : kOpSchemas)
    if (s.name() == name)
      return &s;
  return nullptr;
}

} // namespace lipt_torch

#endif // LIPT_TORCH_OPSCHEMAS_H
