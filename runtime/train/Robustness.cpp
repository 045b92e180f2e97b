//===- Robustness.cpp - certified robustness radii of a checkpoint --------===//

#include "lipt/Train/Robustness.h"

#include "Certificate.h"
#include "TrainSupport.h"

#include <algorithm>
#include <cmath>

namespace rt = lipt_runtime;

namespace lipt_train {
namespace {

/// Token-wise RMS norms of [..., d]: [...].
torch::Tensor tokenRms(const torch::Tensor &x) {
  return x.pow(2).mean(-1).sqrt();
}

/// Scales tokens down to RMS <= `limit` (a per-token Euclidean projection).
torch::Tensor clampTokens(const torch::Tensor &x, const torch::Tensor &limit) {
  torch::Tensor scale = (tokenRms(x) / limit).clamp_min(1.0);
  return x / scale.unsqueeze(-1);
}

/// Quantiles of `v` (sorted here) at the given levels, as a JSON object.
rt::JsonValue quantiles(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  rt::JsonValue out = rt::JsonValue::makeObject();
  for (double q : {0.0, 0.01, 0.1, 0.5, 0.9, 0.99, 1.0}) {
    char key[16];
    std::snprintf(key, sizeof key, "p%g", q * 100);
    out.set(key, v[size_t(q * double(v.size() - 1))]);
  }
  return out;
}

/// 20 bins of log10(radius) between the smallest and largest radius.
rt::JsonValue histogram(const std::vector<double> &radii) {
  auto [lo, hi] = std::minmax_element(radii.begin(), radii.end());
  double a = std::log10(std::max(*lo, 1e-300)), b = std::log10(*hi);
  if (!(b > a))
    b = a + 1;
  const int bins = 20;
  std::vector<long long> counts(bins, 0);
  for (double r : radii) {
    int i = int((std::log10(std::max(r, 1e-300)) - a) / (b - a) * bins);
    ++counts[std::clamp(i, 0, bins - 1)];
  }
  rt::JsonValue edges = rt::JsonValue::makeArray(),
                n = rt::JsonValue::makeArray();
  for (int i = 0; i <= bins; ++i)
    edges.array.push_back(std::pow(10.0, a + (b - a) * i / bins));
  for (long long c : counts)
    n.array.push_back(c);
  rt::JsonValue out = rt::JsonValue::makeObject();
  out.set("log10_spaced_edges", std::move(edges));
  out.set("counts", std::move(n));
  return out;
}

/// The lead of the best other logit over `label`'s at each example's
/// position: [P]. logits [P, T, V], positions and labels [P].
torch::Tensor runnerUpLead(const torch::Tensor &logits,
                           const torch::Tensor &positions,
                           const torch::Tensor &labels) {
  torch::Tensor rows = torch::arange(logits.size(0));
  torch::Tensor at = logits.index({rows, positions}); // [P, V]
  torch::Tensor own = at.gather(1, labels.unsqueeze(1)).squeeze(1);
  torch::Tensor others = at.scatter(1, labels.unsqueeze(1),
                                    -std::numeric_limits<float>::infinity());
  return std::get<0>(others.max(1)) - own;
}

/// Projected gradient ascent on the runner-up's lead, each example inside
/// its own budget (per-token RMS of the change <= budget[p]) and the bound's
/// domain (token RMS <= 1). Returns how many predictions flipped.
int64_t attack(const TorchModel &model, const torch::Tensor &clean,
               const torch::Tensor &positions, const torch::Tensor &labels,
               const torch::Tensor &budget, int64_t steps) {
  torch::Tensor limit =
      budget.view({-1, 1}).expand({clean.size(0), clean.size(1)}); // [P, T]
  torch::Tensor one = torch::ones_like(limit);
  torch::Tensor delta =
      clampTokens(torch::randn_like(clean), limit * 0.5).requires_grad_();
  torch::Tensor flipped = torch::zeros({clean.size(0)}, torch::kBool);
  double stepSize = 2.5 / double(steps);
  for (int64_t s = 0; s <= steps; ++s) {
    torch::Tensor x = clampTokens(clean + delta, one);
    torch::Tensor lead =
        runnerUpLead(model.forwardEmbedded(x), positions, labels);
    flipped |= (lead > 0).detach();
    if (s == steps)
      break;
    torch::Tensor g = torch::autograd::grad({lead.sum()}, {delta})[0];
    torch::NoGradGuard noGrad;
    torch::Tensor step = g / tokenRms(g).clamp_min(1e-30).unsqueeze(-1);
    delta.add_(step * (stepSize * limit).unsqueeze(-1));
    delta.copy_(clampTokens(delta, limit));
  }
  return flipped.sum().item<int64_t>();
}

} // namespace

rt::Status robustnessReport(const RobustnessOptions &options,
                            rt::JsonValue &out) {
  try {
    EvaluationInputs in = loadForEvaluation(options.checkpoint,
                                            options.dataPath, options.threads);
    const TorchModel &model = *in.model;
    const ModelSpec &spec = model.spec;
    Certificate cert = certifyWithRunProbe(model);
    if (!cert.applicable)
      throw TrainError(options.checkpoint + ": no certified bound (" +
                       cert.reason + "), so no certified radius");
    double maxRow = tokenRms(model.embed.detach()).max().item<double>();
    if (maxRow > 1 + 1e-6)
      throw TrainError(options.checkpoint + ": an embedding row has RMS " +
                       std::to_string(maxRow) +
                       " > 1: the model's inputs lie outside the domain the "
                       "bound is certified on");
    const double L = cert.soundA;
    const double perMargin = 1.0 / (std::sqrt(2.0 * double(spec.vocab)) * L);

    // Margins over the validation windows; the first batch is attacked.
    std::vector<double> margins;
    torch::Tensor firstTokens, firstMargins, firstLabels;
    int64_t batches = options.batches > 0 ? options.batches : spec.evalBatches;
    forEachValidationBatch(
        spec, in.corpus, batches,
        [&](const std::vector<int32_t> &in, const std::vector<int32_t> &) {
          torch::NoGradGuard noGrad;
          torch::Tensor ids =
              torch::tensor(in, torch::kLong).view({spec.batch, spec.seqLen});
          auto [top, index] = model.forward(ids).topk(2, -1);
          torch::Tensor m = (top.select(-1, 0) - top.select(-1, 1))
                                .to(torch::kFloat64)
                                .contiguous();
          margins.insert(margins.end(), m.data_ptr<double>(),
                         m.data_ptr<double>() + m.numel());
          if (!firstTokens.defined()) {
            firstTokens = ids, firstMargins = m;
            firstLabels = index.select(-1, 0);
          }
          return true;
        });
    std::vector<double> radii;
    for (double m : margins)
      radii.push_back(m * perMargin);

    // The attack: seeded positions of the first batch, each sequence a copy.
    torch::manual_seed(uint64_t(spec.seed) + 29);
    int64_t P = std::min(options.attackPositions, spec.batch * spec.seqLen);
    torch::Tensor pick =
        torch::randperm(spec.batch * spec.seqLen, torch::kLong).narrow(0, 0, P);
    torch::Tensor seqs = pick.div(spec.seqLen, "floor"),
                  positions = pick.remainder(spec.seqLen);
    torch::Tensor clean =
        model.embed.detach()
            .index_select(0, firstTokens.index_select(0, seqs).reshape({-1}))
            .view({P, spec.seqLen, spec.d});
    torch::Tensor labels = firstLabels.index({seqs, positions});
    torch::Tensor radius =
        firstMargins.index({seqs, positions}).to(torch::kFloat32) * perMargin;
    rt::JsonValue flips = rt::JsonValue::makeObject();
    int64_t flipsWithin = 0;
    for (double multiple : options.attackMultiples) {
      int64_t n = attack(model, clean, positions, labels, radius * multiple,
                         options.attackSteps);
      char key[32];
      std::snprintf(key, sizeof key, "%gx", multiple);
      flips.set(key, (long long)n);
      if (multiple <= 1)
        flipsWithin += n;
    }

    out = rt::JsonValue::makeObject();
    out.set("checkpoint", options.checkpoint);
    out.set("norm", "a perturbation's norm is its largest per-token RMS norm "
                    "in the embedded input; inputs stay in the bound's "
                    "domain (token RMS <= 1)");
    out.set("bound_a_sound", L);
    out.set("radius", "margin / (sqrt(2 vocab) * bound_a_sound)");
    out.set("positions", (long long)margins.size());
    out.set("margin_quantiles", quantiles(margins));
    out.set("radius_quantiles", quantiles(radii));
    out.set("radius_histogram", histogram(radii));
    rt::JsonValue above = rt::JsonValue::makeObject();
    for (double t : options.thresholds) {
      char key[32];
      std::snprintf(key, sizeof key, "%g", t);
      double n = double(std::count_if(radii.begin(), radii.end(),
                                      [&](double r) { return r > t; }));
      above.set(key, n / double(radii.size()));
    }
    out.set("fraction_radius_above", std::move(above));
    rt::JsonValue attackJson = rt::JsonValue::makeObject();
    attackJson.set("positions", (long long)P);
    attackJson.set("steps", (long long)options.attackSteps);
    attackJson.set("flips_at_radius_multiple", std::move(flips));
    out.set("attack", std::move(attackJson));
    out.set("holds", flipsWithin == 0);
    if (flipsWithin)
      return rt::Status::error(
          "certificate FAILED: an attack inside the certified radius "
          "changed " +
          std::to_string(flipsWithin) + " predictions");
    return rt::Status::success();
  } catch (const std::exception &e) {
    return rt::Status::error(e.what());
  }
}

} // namespace lipt_train
