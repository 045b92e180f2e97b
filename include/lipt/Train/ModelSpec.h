//===- ModelSpec.h - a Lipschitz transformer and its training config -*- C++
//-*-===//
//
// What the training driver needs from a model file, as plain data: the
// architecture read from the lipt model ops and the `lipt.train` module
// attribute. No MLIR, no LLVM and no LibTorch here, so the importer (MLIR),
// the trainer (LibTorch, also in the runtime-only build) and checkpoints
// (JSON metadata) share one definition.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_TRAIN_MODELSPEC_H
#define LIPT_TRAIN_MODELSPEC_H

#include "lipt/Runtime/OptimizerStep.h"
#include "lipt/Runtime/Runtime.h"
#include "lipt/Runtime/SpectralMath.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lipt_train {

using lipt_runtime::ConstraintKind;

/// lipt.train's optimizer and learning-rate schedule.
enum class OptimizerKind { muon, adamw };
enum class LrSchedule { linear, constant };

/// How the optimizer step keeps a weight bounded (lipt.constraint).
struct Constraint {
  ConstraintKind kind = ConstraintKind::none;
  double sigmaMax = 0; // RMS->RMS bound; 0 when kind is none
  /// hard_cap: the paper's polynomial (the default; its overshoot is
  /// bounded, so the cap is certified) or the exact msign form
  /// (hard_cap_method = msign).
  bool polynomialHardCap = true;
  bool enforced() const { return kind != ConstraintKind::none; }
  bool operator==(const Constraint &o) const {
    return kind == o.kind && sigmaMax == o.sigmaMax &&
           polynomialHardCap == o.polynomialHardCap;
  }
};

/// One layer: a convex-residual attention branch, then an MLP branch.
struct BlockSpec {
  Constraint attn, mlp;
  bool attnLayerNorm = false, mlpLayerNorm = false;
};

struct ModelSpec {
  // Architecture (paper-notes, "The Lipschitz transformer").
  int64_t vocab = 0, d = 0, heads = 1, hidden = 0;
  bool causal = true, rope = true;
  double softmaxScale = 1, finalScale = 1;
  double layerNormEps = 1e-5;
  bool headLayerNorm = false;
  std::vector<BlockSpec> blocks;

  // Training (`lipt.train`); defaults are the paper's Shakespeare run.
  OptimizerKind optimizer = OptimizerKind::muon;
  LrSchedule lrSchedule = LrSchedule::linear;
  double lr = 0.1, beta = 0.9, beta2 = 0.95, wd = 0;
  double blockMass = 16, embedMass = 1, maxInflation = 16;
  /// Muon's orthogonalization schedule, as the attribute prints
  /// (#lipt.schedule<...>), and its measured maximal gain.
  std::string orthogonalize = "#lipt.schedule<\"muon5\">";
  double orthogonalizeGain = 1;
  /// Its coefficients and Frobenius pre-scale, for the eager baseline.
  std::vector<lipt_runtime::PolyStep> orthogonalizeSteps;
  double orthogonalizeFrobScale = 1;
  int64_t steps = 2000, batch = 512, seqLen = 256;
  int64_t evalInterval = 100, evalBatches = 8;
  int64_t seed = 0;
  std::string data;

  int64_t layers() const { return int64_t(blocks.size()); }
  /// N of the convex residuals: two branches per layer.
  int64_t branches() const { return 2 * layers(); }
  bool hasLayerNorm() const;
};

/// A field of a model file's `lipt.train` attribute: its key, the values it
/// takes, and where it lands in a ModelSpec. The one table of these
/// (trainFields) is what the dialect's verifier checks, what the model
/// importer reads, and what a checkpoint's config is validated against.
struct TrainField {
  enum Kind { Float, Integer, String, Schedule } kind;
  const char *key;
  /// The rule as the verifier states it: "a float > 0".
  const char *rule;
  /// Numbers: the allowed range (an open end excludes the bound); finite.
  double lo = -1e308, hi = 1e308;
  bool loOpen = false, hiOpen = false;
  /// Strings: the allowed values (empty: any).
  std::vector<std::string> choices = {};
  /// Where the importer stores it (null: read elsewhere; batch and seq_len
  /// come from the tokens argument, orthogonalize is a #lipt.schedule).
  double ModelSpec::*real = nullptr;
  int64_t ModelSpec::*integer = nullptr;
  std::string ModelSpec::*text = nullptr;
  /// An enum field (choices are its spellings): stores the value spelled
  /// `text`, false if none is.
  bool (*setChoice)(ModelSpec &spec, std::string_view text) = nullptr;

  bool acceptsNumber(double v) const;
  bool acceptsString(const std::string &v) const;
};
const std::vector<TrainField> &trainFields();
/// "optimizer, schedule, lr, ...": the keys, for messages.
std::string trainFieldKeys();

/// A weight of the model in checkpoint order, with its safetensors name.
struct WeightInfo {
  std::string name;
  int64_t rows = 0, cols = 0; // [fan_out, fan_in]
  enum Role { embed, attn, mlp, head } role = attn;
  int64_t layer = -1;
  Constraint constraint;
};
/// embed.weight, blocks.{i}.attn.{q,k,v,o}.weight,
/// blocks.{i}.mlp.{in,out}.weight, head.weight: the order the model function
/// takes them.
std::vector<WeightInfo> weightsOf(const ModelSpec &spec);

/// Block weights that share a shape and a constraint: one call of the
/// optimizer program updates all of them (batched, [B, m, n]).
struct WeightGroup {
  int64_t rows = 0, cols = 0;
  Constraint constraint;
  std::vector<size_t> members; // indices into weightsOf(spec)
};
std::vector<WeightGroup> blockWeightGroups(const ModelSpec &spec);

/// Group `index`'s Muon step (function "muon_step_<index>"): momentum beta,
/// no Nesterov, decay wd, target norm block_mass, the model's schedule, the
/// group's constraint in RMS->RMS units. The one description the optimizer
/// program is built from and the reference runs.
lipt_runtime::MuonStepConfig
muonStepConfig(const ModelSpec &spec, const WeightGroup &group, size_t index);

/// Group `index`'s AdamW step ("adamw_step_<index>"): beta, beta2, wd, the
/// group's constraint in RMS->RMS units.
lipt_runtime::AdamwStepConfig
adamwStepConfig(const ModelSpec &spec, const WeightGroup &group, size_t index);

/// The embedding's (head = false) or the head's update, [vocab, d]: with
/// Muon the row-normalised step ("embed_step", "head_step": beta, wd,
/// embed_mass, max_inflation, rows to RMS <= 1); with AdamW the AdamW step
/// without a constraint ("adamw_embed", "adamw_head").
lipt_runtime::RowStepConfig rowStepConfig(const ModelSpec &spec, bool head);
lipt_runtime::AdamwStepConfig adamwRowConfig(const ModelSpec &spec, bool head);

/// The spec as JSON (checkpoint metadata, report.json), and back. Parse
/// errors name the field.
std::string toJson(const ModelSpec &spec);
lipt_runtime::Status fromJson(const std::string &json, ModelSpec &out);

} // namespace lipt_train

template <> struct lipt_runtime::EnumNames<lipt_train::OptimizerKind> {
  static constexpr const char *names[] = {"muon", "adamw"};
};
template <> struct lipt_runtime::EnumNames<lipt_train::LrSchedule> {
  static constexpr const char *names[] = {"linear", "constant"};
};

#endif // LIPT_TRAIN_MODELSPEC_H
