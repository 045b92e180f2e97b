//===- Certificate.cpp - bounds (a), (b), (c) of a trained model ----------===//

#include "Certificate.h"

#include "lipt/Runtime/Certify.h"
#include "lipt/Runtime/SpectralMath.h"

#include <cmath>

namespace rt = lipt_runtime;

namespace lipt_train {

/// The notes' norms of every weight, from `normOf` (exact or caps).
static rt::TransformerNorms
transformerNorms(const TorchModel &model,
                 const std::function<double(size_t)> &normOf) {
  rt::TransformerNorms n;
  // The bound is with respect to the embedded input: L_embed = 1.
  n.embed = 1;
  n.softmaxScale = model.spec.softmaxScale;
  n.head = std::abs(model.spec.finalScale) * normOf(model.weights.size() - 1);
  for (int64_t l = 0; l < model.spec.layers(); ++l) {
    size_t b = 1 + size_t(l) * 6;
    n.blocks.push_back({normOf(b), normOf(b + 1), normOf(b + 2), normOf(b + 3),
                        normOf(b + 4), normOf(b + 5)});
  }
  return n;
}

/// The largest RMS norm of a row of [rows, d] (a token's embedding, a
/// vocabulary row of the head).
static double largestRowRms(const torch::Tensor &w) {
  return w.detach()
      .to(torch::kFloat64)
      .pow(2)
      .mean(1)
      .sqrt()
      .max()
      .item<double>();
}

/// max over tokens of the per-token RMS norm, per sequence: [B, T, n] -> [B].
static torch::Tensor seqNorm(const torch::Tensor &x) {
  return std::get<0>(x.pow(2).mean(-1).sqrt().max(-1));
}

/// Scales tokens down to RMS <= 1 (the domain of the activation bounds).
static torch::Tensor projectTokens(const torch::Tensor &x) {
  return x / x.pow(2).mean(-1, true).sqrt().clamp_min(1.0);
}

/// (c): random pairs, then gradient ascent on the ratio from the best ones.
static void throwIfStopped(const std::atomic<bool> *stop) {
  if (stop && *stop)
    throw CertificationInterrupted{};
}

static double empiricalLowerBound(const std::atomic<bool> *stop,
                                  const TorchModel &model, uint64_t seed,
                                  int64_t seqLen) {
  torch::manual_seed(seed);
  const int64_t pairs = 16;
  int64_t vocab = model.spec.vocab, d = model.spec.d;
  torch::Tensor embed = model.embed.detach();
  auto ratio = [&](const torch::Tensor &x, const torch::Tensor &y) {
    torch::Tensor out = model.forwardEmbedded(y) - model.forwardEmbedded(x);
    return seqNorm(out) / seqNorm(y - x).clamp_min(1e-12);
  };
  double best = 0;
  torch::Tensor x, y;
  {
    torch::NoGradGuard noGrad;
    torch::Tensor tokens = torch::randint(vocab, {pairs, seqLen}, torch::kLong);
    x = projectTokens(
        embed.index_select(0, tokens.reshape({-1})).view({pairs, seqLen, d}));
    // Perturbations at several scales.
    torch::Tensor scale =
        torch::pow(10.0, -torch::arange(pairs, torch::kFloat32) % 4 - 1)
            .view({pairs, 1, 1});
    y = projectTokens(x + scale * torch::randn_like(x));
    best = ratio(x, y).max().item<double>();
  }
  // Gradient ascent on log ratio over both points, projected.
  torch::Tensor px = x.clone().requires_grad_(),
                py = y.clone().requires_grad_();
  for (int step = 0; step < 40; ++step) {
    throwIfStopped(stop);
    torch::Tensor r = ratio(px, py);
    best = std::max(best, r.max().item<double>());
    torch::Tensor loss = -torch::log(r.clamp_min(1e-30)).sum();
    auto grads = torch::autograd::grad({loss}, {px, py});
    torch::NoGradGuard noGrad;
    double lr = 0.02;
    for (int k = 0; k < 2; ++k) {
      torch::Tensor &p = k ? py : px;
      torch::Tensor g = grads[k];
      p.sub_(lr * g / g.pow(2).mean(-1, true).sqrt().clamp_min(1e-12));
      p.copy_(projectTokens(p));
    }
  }
  {
    torch::NoGradGuard noGrad;
    best = std::max(best, ratio(px, py).max().item<double>());
  }
  return best;
}

Certificate certify(const TorchModel &model, uint64_t probeSeed,
                    int64_t probeSeqLen, const std::atomic<bool> *stop) {
  Certificate c;
  const ModelSpec &s = model.spec;
  std::vector<double> exact(model.weights.size());
  for (size_t i = 0; i < model.weights.size(); ++i) {
    throwIfStopped(stop);
    exact[i] = rmsToRmsNorm(model.weight(i));
    c.weightNorms[model.weights[i].name] = exact[i];
  }
  c.empiricalC = empiricalLowerBound(stop, model, probeSeed, probeSeqLen);
  if (s.hasLayerNorm()) {
    c.applicable = false;
    c.reason = "the model contains layer_norm, whose Lipschitz constant grows "
               "as 1/sqrt(eps): no useful bound is certified";
    return c;
  }
  rt::TransformerNorms norms =
      transformerNorms(model, [&](size_t i) { return exact[i]; });
  c.soundA = rt::lipschitzBound(norms, rt::BoundVariant::sound);
  c.referenceA = rt::lipschitzBound(norms, rt::BoundVariant::reference);
  rt::TransformerNorms paper = norms;
  paper.embed = largestRowRms(model.embed);
  paper.head = std::abs(s.finalScale) * largestRowRms(model.head);
  c.paperSound = rt::lipschitzBound(paper, rt::BoundVariant::sound);
  c.paperReference = rt::lipschitzBound(paper, rt::BoundVariant::reference);
  // (b): the caps. Muon projects head rows to RMS <= 1, so
  // ||W_head||_rr <= sqrt(d / vocab) ||W||_F <= d.
  auto capNorm = [&](size_t i) {
    const WeightInfo &w = model.weights[i];
    if (w.role == WeightInfo::head)
      return double(s.d);
    if (w.role == WeightInfo::embed)
      return 1.0;
    std::string why;
    std::optional<double> cap =
        rt::guaranteedCap(w.constraint.kind, w.constraint.sigmaMax,
                          w.constraint.polynomialHardCap, why);
    if (!cap && c.capsBReason.empty())
      c.capsBReason = w.name + ": " + why;
    return cap.value_or(0.0);
  };
  rt::TransformerNorms caps = transformerNorms(model, capNorm);
  if (s.optimizer != OptimizerKind::muon && c.capsBReason.empty())
    c.capsBReason = "head.weight: only Muon projects the head's rows";
  if (c.capsBReason.empty())
    c.capsB = rt::lipschitzBound(caps, rt::BoundVariant::sound);

  // The certificate holds when (c) <= (a) <= (b), up to float rounding.
  const double slack = 1e-6;
  if (!(c.empiricalC <= c.soundA * (1 + slack)))
    c.failure =
        "the empirical lower bound (c) = " + std::to_string(c.empiricalC) +
        " exceeds the bound (a) = " + std::to_string(c.soundA);
  else if (c.capsB && !(c.soundA <= *c.capsB * (1 + slack)))
    c.failure =
        "the bound from the trained weights (a) = " + std::to_string(c.soundA) +
        " exceeds the caps' bound (b) = " + std::to_string(*c.capsB) +
        ": a cap was not enforced";
  return c;
}

Certificate certifyWithRunProbe(const TorchModel &model,
                                const std::atomic<bool> *stop) {
  return certify(model, uint64_t(model.spec.seed) + 17,
                 std::min<int64_t>(model.spec.seqLen, 64), stop);
}

rt::JsonValue Certificate::toJson() const {
  rt::JsonValue norms = rt::JsonValue::makeObject();
  for (auto &[name, v] : weightNorms)
    norms.set(name, v);
  rt::JsonValue out = rt::JsonValue::makeObject();
  out.set("norm", "RMS->RMS w.r.t. the embedded input; a sequence's norm is "
                  "its largest per-token RMS norm");
  out.set("empirical_lower_bound_c", empiricalC);
  out.set("weight_norms", std::move(norms));
  out.set("applicable", applicable);
  if (!applicable) {
    out.set("reason", reason);
    return out;
  }
  out.set("bound_a_sound", soundA);
  out.set("bound_a_reference_variant", referenceA);
  out.set("reference_variant_note",
          "the reference implementation's formula: divides the MLP term by "
          "1.1289 once more and scales the whole attention term by "
          "softmax_scale; not a sound bound");
  out.set("bound_b_caps", capsB ? rt::JsonValue(*capsB) : rt::JsonValue());
  if (!capsB)
    out.set("bound_b_caps_reason", capsBReason);
  out.set("bound_paper_convention", paperSound);
  out.set("bound_paper_convention_reference_variant", paperReference);
  out.set("paper_convention_note",
          "the public code's convention, to compare with the paper's table: "
          "the embedding and the head counted by their largest row RMS (not "
          "L_embed = 1 and the head's operator norm); the other weights as "
          "in (a). Not a bound on the logits' RMS norm");
  out.set("holds", failure.empty());
  if (!failure.empty())
    out.set("failure", failure);
  return out;
}

} // namespace lipt_train
