//===- ModelSpec.cpp - model spec names and JSON form ---------------------===//

#include "lipt/Train/ModelSpec.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

namespace json = llvm::json;
using lipt_runtime::Status;

namespace lipt_train {

bool ModelSpec::hasLayerNorm() const {
  if (headLayerNorm)
    return true;
  for (const BlockSpec &b : blocks)
    if (b.attnLayerNorm || b.mlpLayerNorm)
      return true;
  return false;
}

std::vector<WeightInfo> weightsOf(const ModelSpec &spec) {
  std::vector<WeightInfo> out;
  out.push_back(
      {"embed.weight", spec.vocab, spec.d, WeightInfo::embed, -1, {}});
  for (int64_t i = 0; i < spec.layers(); ++i) {
    const BlockSpec &b = spec.blocks[i];
    std::string p = "blocks." + std::to_string(i) + ".";
    for (const char *w : {"q", "k", "v", "o"})
      out.push_back({p + "attn." + w + ".weight", spec.d, spec.d,
                     WeightInfo::attn, i, b.attn});
    out.push_back(
        {p + "mlp.in.weight", spec.hidden, spec.d, WeightInfo::mlp, i, b.mlp});
    out.push_back(
        {p + "mlp.out.weight", spec.d, spec.hidden, WeightInfo::mlp, i, b.mlp});
  }
  out.push_back({"head.weight", spec.vocab, spec.d, WeightInfo::head, -1, {}});
  return out;
}

std::vector<WeightGroup> blockWeightGroups(const ModelSpec &spec) {
  std::vector<WeightInfo> weights = weightsOf(spec);
  std::vector<WeightGroup> groups;
  for (size_t i = 0; i < weights.size(); ++i) {
    const WeightInfo &w = weights[i];
    if (w.role != WeightInfo::attn && w.role != WeightInfo::mlp)
      continue;
    auto it = std::find_if(groups.begin(), groups.end(), [&](auto &g) {
      return g.rows == w.rows && g.cols == w.cols &&
             g.constraintKind == w.constraint.kind;
    });
    if (it == groups.end())
      it = groups.insert(groups.end(),
                         WeightGroup{w.rows, w.cols, w.constraint.kind, {}});
    it->members.push_back(i);
  }
  return groups;
}

std::string optimizerKernelsSource(const ModelSpec &spec,
                                   const std::vector<WeightGroup> &groups) {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << "// Optimizer kernels of the training driver (ModelSpec.h).\n"
     << "module {\n";
  for (size_t g = 0; g < groups.size(); ++g) {
    const WeightGroup &grp = groups[g];
    std::string type = "tensor<" + std::to_string(grp.members.size()) + "x" +
                       std::to_string(grp.rows) + "x" +
                       std::to_string(grp.cols) + "xf32>";
    os << "  func.func @msign_" << g << "(%m: " << type << ") -> " << type
       << " {\n    %0 = lipt.orthogonalize %m {schedule = "
       << spec.orthogonalize << "} : " << type << "\n    return %0 : " << type
       << "\n  }\n";
    std::string op;
    if (grp.constraintKind == "soft_cap")
      op = "lipt.spectral_soft_cap %w {alpha = 1.0}";
    else if (grp.constraintKind == "hard_cap")
      op = "lipt.spectral_hard_cap %w {sigma_max = 1.0}";
    else if (grp.constraintKind == "hammer")
      op = "lipt.spectral_hammer %w {sigma_max = 1.0}";
    else if (grp.constraintKind == "normalize")
      op = "lipt.spectral_normalize %w {sigma_max = 1.0}";
    else
      continue;
    os << "  func.func @cap_" << g << "(%w: " << type << ") -> " << type
       << " {\n    %0 = " << op << " : " << type << "\n    return %0 : " << type
       << "\n  }\n";
  }
  os << "}\n";
  return out;
}

static json::Object constraintJson(const Constraint &c) {
  return json::Object{{"kind", c.kind}, {"sigma_max", c.sigmaMax}};
}

std::string toJson(const ModelSpec &s) {
  json::Array blocks;
  for (const BlockSpec &b : s.blocks)
    blocks.push_back(json::Object{{"attn", constraintJson(b.attn)},
                                  {"mlp", constraintJson(b.mlp)},
                                  {"attn_layer_norm", b.attnLayerNorm},
                                  {"mlp_layer_norm", b.mlpLayerNorm}});
  json::Array steps;
  for (const lipt_runtime::PolyStep &p : s.orthogonalizeSteps)
    steps.push_back(json::Array{p.a, p.b, p.c});
  json::Object model{{"vocab", s.vocab},
                     {"d", s.d},
                     {"heads", s.heads},
                     {"hidden", s.hidden},
                     {"layers", s.layers()},
                     {"causal", s.causal},
                     {"rope", s.rope},
                     {"softmax_scale", s.softmaxScale},
                     {"final_scale", s.finalScale},
                     {"layer_norm_eps", s.layerNormEps},
                     {"head_layer_norm", s.headLayerNorm},
                     {"blocks", std::move(blocks)}};
  json::Object train{{"optimizer", s.optimizer},
                     {"schedule", s.lrSchedule},
                     {"lr", s.lr},
                     {"beta", s.beta},
                     {"beta2", s.beta2},
                     {"wd", s.wd},
                     {"block_mass", s.blockMass},
                     {"embed_mass", s.embedMass},
                     {"max_inflation", s.maxInflation},
                     {"orthogonalize", s.orthogonalize},
                     {"orthogonalize_gain", s.orthogonalizeGain},
                     {"orthogonalize_steps", std::move(steps)},
                     {"orthogonalize_frob_scale", s.orthogonalizeFrobScale},
                     {"steps", s.steps},
                     {"batch", s.batch},
                     {"seq_len", s.seqLen},
                     {"eval_interval", s.evalInterval},
                     {"eval_batches", s.evalBatches},
                     {"seed", s.seed},
                     {"data", s.data}};
  std::string out;
  llvm::raw_string_ostream os(out);
  os << json::Value(
      json::Object{{"model", std::move(model)}, {"train", std::move(train)}});
  return out;
}

namespace {
/// Reads typed fields of one JSON object; the first problem is kept with
/// the field's path.
class FieldReader {
public:
  FieldReader(const json::Object *o, std::string path, std::string &error)
      : obj(o), path(std::move(path)), error(error) {}

  template <typename T> void read(const char *key, T &out) {
    if (!error.empty())
      return;
    const json::Value *v = obj ? obj->get(key) : nullptr;
    std::optional<T> got;
    if (v) {
      if constexpr (std::is_same_v<T, bool>)
        got = v->getAsBoolean();
      else if constexpr (std::is_same_v<T, int64_t>)
        got = v->getAsInteger();
      else if constexpr (std::is_same_v<T, double>)
        got = v->getAsNumber();
      else if (auto s = v->getAsString())
        got = s->str();
    }
    if (!got) {
      error = "field '" + path + key + "' is " + (v ? "malformed" : "missing");
      return;
    }
    out = *got;
  }
  const json::Object *object(const char *key) {
    const json::Object *o = obj ? obj->getObject(key) : nullptr;
    if (!o && error.empty())
      error = "field '" + path + key + "' is missing or not an object";
    return o;
  }

private:
  const json::Object *obj;
  std::string path;
  std::string &error;
};
} // namespace

Status fromJson(const std::string &text, ModelSpec &out) {
  llvm::Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return Status::error("the model config is not JSON: " +
                         llvm::toString(parsed.takeError()));
  std::string error;
  ModelSpec s;
  FieldReader top(parsed->getAsObject(), "", error);
  const json::Object *model = top.object("model");
  const json::Object *train = top.object("train");
  FieldReader m(model, "model.", error), t(train, "train.", error);
  m.read("vocab", s.vocab);
  m.read("d", s.d);
  m.read("heads", s.heads);
  m.read("hidden", s.hidden);
  m.read("causal", s.causal);
  m.read("rope", s.rope);
  m.read("softmax_scale", s.softmaxScale);
  m.read("final_scale", s.finalScale);
  m.read("layer_norm_eps", s.layerNormEps);
  m.read("head_layer_norm", s.headLayerNorm);
  const json::Array *blocks = model ? model->getArray("blocks") : nullptr;
  if (!blocks && error.empty())
    error = "field 'model.blocks' is missing or not an array";
  if (blocks) {
    for (size_t i = 0; i < blocks->size() && error.empty(); ++i) {
      std::string p = "model.blocks[" + std::to_string(i) + "].";
      BlockSpec b;
      FieldReader br((*blocks)[i].getAsObject(), p, error);
      br.read("attn_layer_norm", b.attnLayerNorm);
      br.read("mlp_layer_norm", b.mlpLayerNorm);
      for (auto [key, c] : {std::pair{"attn", &b.attn}, {"mlp", &b.mlp}}) {
        FieldReader cr(br.object(key), p + key + ".", error);
        cr.read("kind", c->kind);
        cr.read("sigma_max", c->sigmaMax);
      }
      s.blocks.push_back(b);
    }
  }
  t.read("optimizer", s.optimizer);
  t.read("schedule", s.lrSchedule);
  t.read("lr", s.lr);
  t.read("beta", s.beta);
  t.read("beta2", s.beta2);
  t.read("wd", s.wd);
  t.read("block_mass", s.blockMass);
  t.read("embed_mass", s.embedMass);
  t.read("max_inflation", s.maxInflation);
  t.read("orthogonalize", s.orthogonalize);
  t.read("orthogonalize_gain", s.orthogonalizeGain);
  t.read("orthogonalize_frob_scale", s.orthogonalizeFrobScale);
  if (const json::Array *steps =
          train ? train->getArray("orthogonalize_steps") : nullptr) {
    for (const json::Value &v : *steps) {
      const json::Array *abc = v.getAsArray();
      if (!abc || abc->size() != 3 || !(*abc)[0].getAsNumber() ||
          !(*abc)[1].getAsNumber() || !(*abc)[2].getAsNumber()) {
        error = "field 'train.orthogonalize_steps' must be [[a, b, c], ...]";
        break;
      }
      s.orthogonalizeSteps.push_back({*(*abc)[0].getAsNumber(),
                                      *(*abc)[1].getAsNumber(),
                                      *(*abc)[2].getAsNumber()});
    }
  } else if (error.empty()) {
    error = "field 'train.orthogonalize_steps' is missing";
  }
  t.read("steps", s.steps);
  t.read("batch", s.batch);
  t.read("seq_len", s.seqLen);
  t.read("eval_interval", s.evalInterval);
  t.read("eval_batches", s.evalBatches);
  t.read("seed", s.seed);
  t.read("data", s.data);
  if (error.empty() && (s.vocab < 1 || s.d < 1 || s.heads < 1 ||
                        s.d % s.heads != 0 || s.hidden < 1))
    error = "model dimensions are inconsistent (vocab, d, heads, hidden)";
  if (!error.empty())
    return Status::error("model config: " + error);
  out = std::move(s);
  return Status::success();
}

} // namespace lipt_train
