//===- TorchModel.cpp - the Lipschitz transformer in LibTorch -------------===//

#include "TorchModel.h"

#include <algorithm>

#include "lipt/Runtime/Certify.h"

#include <cmath>

namespace rt = lipt_runtime;

namespace lipt_train {

TorchModel::TorchModel(const ModelSpec &s)
    : spec(s), weights(weightsOf(s)), groups(blockWeightGroups(s)),
      location(weights.size(), {-1, -1}) {
  auto opts = torch::TensorOptions().dtype(torch::kFloat32);
  embed = torch::zeros({s.vocab, s.d}, opts).requires_grad_();
  head = torch::zeros({s.vocab, s.d}, opts).requires_grad_();
  for (size_t g = 0; g < groups.size(); ++g) {
    const WeightGroup &grp = groups[g];
    groupTensors.push_back(
        torch::zeros({int64_t(grp.members.size()), grp.rows, grp.cols}, opts)
            .requires_grad_());
    for (size_t j = 0; j < grp.members.size(); ++j)
      location[grp.members[j]] = {int64_t(g), int64_t(j)};
  }
}

void TorchModel::moveTo(torch::Device device) {
  torch::NoGradGuard noGrad;
  auto moved = [&](const torch::Tensor &t) {
    return t.detach().to(device).requires_grad_();
  };
  embed = moved(embed);
  head = moved(head);
  for (torch::Tensor &g : groupTensors)
    g = moved(g);
}

void TorchModel::copyWeightsFrom(const TorchModel &other) {
  torch::NoGradGuard noGrad;
  std::vector<torch::Tensor> to = leaves(), from = other.leaves();
  for (size_t i = 0; i < to.size(); ++i)
    to[i].copy_(from[i]);
}

torch::Tensor TorchModel::weight(size_t i) const {
  return weightIn(leaves(), i);
}

torch::Tensor TorchModel::weightIn(const std::vector<torch::Tensor> &perLeaf,
                                   size_t i) const {
  if (weights[i].role == WeightInfo::embed)
    return perLeaf.front();
  if (weights[i].role == WeightInfo::head)
    return perLeaf.back();
  auto [g, j] = location[i];
  return perLeaf[1 + g].select(0, j);
}

std::vector<torch::Tensor> TorchModel::leaves() const {
  std::vector<torch::Tensor> out{embed};
  out.insert(out.end(), groupTensors.begin(), groupTensors.end());
  out.push_back(head);
  return out;
}

void TorchModel::initialize(uint64_t seed) {
  torch::NoGradGuard noGrad;
  torch::manual_seed(seed);
  for (size_t i = 0; i < weights.size(); ++i) {
    const WeightInfo &w = weights[i];
    torch::Tensor t = weight(i);
    bool zero =
        w.role == WeightInfo::head ||
        (w.name.size() > 8 && (w.name.find("attn.o.") != std::string::npos ||
                               w.name.find("mlp.out.") != std::string::npos));
    if (zero) {
      t.zero_();
    } else if (w.role == WeightInfo::embed) {
      torch::Tensor r = torch::randn({w.rows, w.cols});
      t.copy_(r / r.pow(2).mean(1, true).sqrt());
    } else {
      // Orthogonal columns or rows: all singular values equal.
      int64_t big = std::max(w.rows, w.cols), small = std::min(w.rows, w.cols);
      torch::Tensor q =
          std::get<0>(torch::linalg_qr(torch::randn({big, small})));
      if (w.rows < w.cols)
        q = q.t();
      double rr =
          w.constraint.enforced() ? std::min(1.0, w.constraint.sigmaMax) : 1.0;
      // sigma_1 = rr * sqrt(fan_out / fan_in) gives RMS->RMS norm rr.
      t.copy_(q * (rr * std::sqrt(double(w.rows) / double(w.cols))));
    }
  }
}

static torch::Tensor applyWeight(const torch::Tensor &x,
                                 const torch::Tensor &w) {
  return torch::matmul(x, w.t());
}

/// Rotary position embedding on [B, H, T, dh], half-split convention:
/// (x1, x2) -> (x1 cos - x2 sin, x1 sin + x2 cos), frequencies
/// 10000^(-2j/dh) for j < dh/2.
static torch::Tensor rope(const torch::Tensor &x) {
  int64_t t = x.size(2), dh = x.size(3), half = dh / 2;
  if (half == 0)
    return x;
  auto f64 = x.options().dtype(torch::kFloat64);
  torch::Tensor j = torch::arange(half, f64);
  torch::Tensor freq = torch::pow(10000.0, -2.0 * j / double(dh));
  torch::Tensor angle = torch::outer(torch::arange(t, f64), freq).to(x.dtype());
  torch::Tensor cos = angle.cos(), sin = angle.sin();
  torch::Tensor x1 = x.narrow(3, 0, half), x2 = x.narrow(3, half, half);
  torch::Tensor rotated =
      torch::cat({x1 * cos - x2 * sin, x1 * sin + x2 * cos}, 3);
  if (dh % 2)
    rotated = torch::cat({rotated, x.narrow(3, 2 * half, 1)}, 3);
  return rotated;
}

torch::Tensor TorchModel::attention(const torch::Tensor &x,
                                    int64_t layer) const {
  size_t base = 1 + size_t(layer) * 6;
  int64_t b = x.size(0), t = x.size(1), h = spec.heads, dh = spec.d / h;
  auto split = [&](const torch::Tensor &y) {
    return y.view({b, t, h, dh}).transpose(1, 2);
  };
  torch::Tensor q = split(applyWeight(x, weight(base)));
  torch::Tensor k = split(applyWeight(x, weight(base + 1)));
  torch::Tensor v = split(applyWeight(x, weight(base + 2)));
  if (spec.rope) {
    q = rope(q);
    k = rope(k);
  }
  // 1/d_head attention (not 1/sqrt(d_head)), times softmax_scale.
  torch::Tensor scores =
      torch::matmul(q, k.transpose(2, 3)) * (spec.softmaxScale / double(dh));
  if (spec.causal) {
    torch::Tensor mask =
        torch::ones({t, t}, scores.options().dtype(torch::kBool)).triu(1);
    scores = scores.masked_fill(mask, -std::numeric_limits<float>::infinity());
  }
  torch::Tensor out = torch::matmul(torch::softmax(scores, -1), v);
  out = out.transpose(1, 2).reshape({b, t, spec.d});
  return applyWeight(out, weight(base + 3)) * (1.0 / 3.0);
}

torch::Tensor TorchModel::mlp(const torch::Tensor &x, int64_t layer) const {
  size_t base = 1 + size_t(layer) * 6 + 4;
  torch::Tensor h = torch::gelu(applyWeight(x, weight(base)));
  return applyWeight(h, weight(base + 1)) * (1.0 / rt::kGeluMaxSlope);
}

torch::Tensor TorchModel::forwardEmbedded(torch::Tensor x,
                                          double *maxResidual) const {
  double alpha = 1.0 / double(spec.branches());
  auto track = [&](const torch::Tensor &y) {
    if (maxResidual)
      *maxResidual =
          std::max(*maxResidual, y.detach().abs().max().item<double>());
  };
  track(x);
  auto norm = [&](const torch::Tensor &y, bool on) {
    return on ? torch::layer_norm(y, {spec.d}, {}, {}, spec.layerNormEps) : y;
  };
  for (int64_t l = 0; l < spec.layers(); ++l) {
    const BlockSpec &blk = spec.blocks[l];
    x = (1 - alpha) * x + alpha * attention(norm(x, blk.attnLayerNorm), l);
    track(x);
    x = (1 - alpha) * x + alpha * mlp(norm(x, blk.mlpLayerNorm), l);
    track(x);
  }
  return applyWeight(norm(x, spec.headLayerNorm), head) * spec.finalScale;
}

torch::Tensor TorchModel::forward(const torch::Tensor &tokens) const {
  torch::Tensor x = embed.index_select(0, tokens.reshape({-1}));
  return forwardEmbedded(x.view({tokens.size(0), tokens.size(1), spec.d}));
}

rt::HostTensor toHost(const torch::Tensor &t) {
  torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  rt::TensorType type;
  type.dtype = rt::DType::f32;
  type.shape.assign(c.sizes().begin(), c.sizes().end());
  rt::HostTensor out(type);
  std::memcpy(out.bytes.data(), c.data_ptr(), out.bytes.size());
  return out;
}

torch::Tensor fromHost(const rt::HostTensor &t) {
  std::vector<int64_t> shape(t.type.shape.begin(), t.type.shape.end());
  torch::Tensor out = torch::empty(shape, torch::kFloat32);
  std::memcpy(out.data_ptr(), t.bytes.data(), t.bytes.size());
  return out;
}

std::vector<rt::NamedTensor> TorchModel::toNamedTensors() const {
  std::vector<rt::NamedTensor> out;
  for (size_t i = 0; i < weights.size(); ++i)
    out.push_back({weights[i].name, toHost(weight(i))});
  return out;
}

rt::Status TorchModel::load(const rt::Safetensors &file,
                            const std::string &path) {
  torch::NoGradGuard noGrad;
  // Exactly the config's tensors: a tensor the config does not describe
  // would otherwise be ignored, and a certificate computed from the rest
  // (say, after the config's layer list was shortened) would be false.
  for (const rt::NamedTensor &t : file.tensors)
    if (std::none_of(weights.begin(), weights.end(),
                     [&](const WeightInfo &w) { return w.name == t.name; }))
      return rt::Status::error(
          path + ": tensor '" + t.name +
          "' is not a weight of the model its config (metadata 'lipt.config') "
          "describes: the checkpoint and its config disagree");
  for (size_t i = 0; i < weights.size(); ++i) {
    const WeightInfo &w = weights[i];
    const rt::HostTensor *t = file.find(w.name);
    if (!t)
      return rt::Status::error(path + ": tensor '" + w.name + "' is missing");
    rt::TensorType want{rt::DType::f32, {w.rows, w.cols}};
    if (!(t->type == want))
      return rt::Status::error(path + ": tensor '" + w.name + "' is " +
                               t->type.str() + ", the model needs " +
                               want.str());
    torch::Tensor v = fromHost(*t);
    if (!torch::isfinite(v).all().item<bool>())
      return rt::Status::error(path + ": tensor '" + w.name +
                               "' contains NaN or Inf");
    weight(i).copy_(v);
  }
  return rt::Status::success();
}

double rmsToRmsNorm(const torch::Tensor &w) {
  torch::Tensor s =
      torch::linalg::svdvals(w.detach().to(torch::kFloat64), c10::nullopt);
  return std::sqrt(double(w.size(1)) / double(w.size(0))) *
         s.max().item<double>();
}

} // namespace lipt_train
