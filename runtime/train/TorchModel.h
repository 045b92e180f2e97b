//===- TorchModel.h - the Lipschitz transformer in LibTorch -----*- C++ -*-===//
//
// Parameters and forward pass of a ModelSpec (paper-notes, "The Lipschitz
// transformer"), with autograd. Block weights of one shape and constraint
// live in one contiguous [B, m, n] tensor (a WeightGroup), so the compiled
// optimizer kernels update a whole group in one call, in place.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_TRAIN_TORCHMODEL_H
#define LIPT_TRAIN_TORCHMODEL_H

#include "lipt/Runtime/Runtime.h"
#include "lipt/Runtime/Safetensors.h"
#include "lipt/Train/ModelSpec.h"

#include <torch/torch.h>

namespace lipt_train {

class TorchModel {
public:
  explicit TorchModel(const ModelSpec &spec);

  const ModelSpec spec;
  const std::vector<WeightInfo> weights;
  const std::vector<WeightGroup> groups;
  torch::Tensor embed, head;               // [vocab, d]
  std::vector<torch::Tensor> groupTensors; // [B, m, n] per group

  /// Moves every parameter to `device` (they stay autograd leaves); the
  /// weights start on the CPU.
  void moveTo(torch::Device device);
  torch::Device device() const { return embed.device(); }
  /// Copies `other`'s weights (same spec, any device) into this model's.
  void copyWeightsFrom(const TorchModel &other);

  /// Weight i of weightsOf(spec) (a view into its group for block weights).
  torch::Tensor weight(size_t i) const;
  /// The leaf tensors autograd fills: embed, each group, head.
  std::vector<torch::Tensor> leaves() const;
  /// Weight i's part of per-leaf tensors laid out like leaves() (optimizer
  /// state, say): the whole first or last tensor, or a group member's slice.
  torch::Tensor weightIn(const std::vector<torch::Tensor> &perLeaf,
                         size_t i) const;

  /// The reference initialisation (paper-notes): block weights orthogonal
  /// with RMS->RMS norm min(1, sigma_max); output projections (attn.o,
  /// mlp.out) and the head zero; embedding rows of RMS 1.
  void initialize(uint64_t seed);

  /// Logits [B, T, vocab] of token ids [B, T] (int64).
  torch::Tensor forward(const torch::Tensor &tokens) const;
  /// Logits of embedded inputs [B, T, d]: the map the certificate bounds.
  /// `maxResidual`, when given, gets the largest |x| of the residual stream
  /// (the embedding and every branch's output sum): the paper's "max
  /// activation".
  torch::Tensor forwardEmbedded(torch::Tensor x,
                                double *maxResidual = nullptr) const;

  /// The weights as safetensors tensors, by checkpoint name.
  std::vector<lipt_runtime::NamedTensor> toNamedTensors() const;
  /// Loads weights from `file` (`path` names it in errors): every name
  /// present with the right shape, f32 and finite.
  lipt_runtime::Status load(const lipt_runtime::Safetensors &file,
                            const std::string &path);

private:
  torch::Tensor attention(const torch::Tensor &x, int64_t layer) const;
  torch::Tensor mlp(const torch::Tensor &x, int64_t layer) const;
  std::vector<std::pair<int64_t, int64_t>> location; // (group, member)
};

/// Host copies of f32 tensors (on any device) and back (on the CPU).
lipt_runtime::HostTensor toHost(const torch::Tensor &t);
torch::Tensor fromHost(const lipt_runtime::HostTensor &t);

/// RMS->RMS operator norm sqrt(fan_in / fan_out) * sigma_1 (float64 SVD).
double rmsToRmsNorm(const torch::Tensor &w);

} // namespace lipt_train

#endif // LIPT_TRAIN_TORCHMODEL_H
