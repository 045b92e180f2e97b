//===- TorchAdapter.h - LibTorch tensors as runtime views -------*- C++ -*-===//
//
// Zero-copy: a contiguous CPU tensor's memory is passed to compiled code as
// is. Code using this header is built with exceptions (LibTorch needs
// them); nothing here throws across MLIR frames.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_TORCH_TORCHADAPTER_H
#define LIPT_TORCH_TORCHADAPTER_H

#include "lipt/Runtime/Runtime.h"

#include <torch/torch.h>

namespace lipt_torch {

/// The runtime dtype of a torch scalar type, or false (e.g. integers).
bool toDType(c10::ScalarType t, lipt_runtime::DType &out);
c10::ScalarType toScalarType(lipt_runtime::DType t);

/// A view of `t`'s memory, on the CPU or (a CUDA tensor) on its GPU. Fails
/// (with a message naming `what`) unless `t` is a contiguous CPU or CUDA
/// tensor of a lipt dtype: zero-copy or nothing. Executables check that the
/// views are where they run.
lipt_runtime::Status viewOf(const torch::Tensor &t, const std::string &what,
                            lipt_runtime::TensorView &out);

/// An uninitialised contiguous CPU tensor of `type`.
torch::Tensor emptyLike(const lipt_runtime::TensorType &type);

} // namespace lipt_torch

#endif // LIPT_TORCH_TORCHADAPTER_H
