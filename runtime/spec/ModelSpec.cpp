//===- ModelSpec.cpp - model spec names and JSON form ---------------------===//

#include "lipt/Train/ModelSpec.h"
#include "lipt/Runtime/Json.h"
#include "lipt/Runtime/Nesting.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace rt = lipt_runtime;
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
             g.constraint == w.constraint;
    });
    if (it == groups.end())
      it = groups.insert(groups.end(),
                         WeightGroup{w.rows, w.cols, w.constraint, {}});
    it->members.push_back(i);
  }
  return groups;
}

rt::MuonStepConfig muonStepConfig(const ModelSpec &spec,
                                  const WeightGroup &group, size_t index) {
  rt::MuonStepConfig c;
  c.name = "muon_step_" + std::to_string(index);
  c.count = int64_t(group.members.size());
  c.rows = group.rows;
  c.cols = group.cols;
  c.beta = spec.beta;
  c.nesterov = false;
  c.wd = spec.wd;
  c.targetNorm = spec.blockMass;
  c.schedule = spec.orthogonalize;
  c.scheduleSteps = spec.orthogonalizeSteps;
  c.frobScale = spec.orthogonalizeFrobScale;
  c.scheduleGain = spec.orthogonalizeGain;
  c.constraint = group.constraint.kind;
  c.sigmaMax = group.constraint.sigmaMax;
  c.rmsNorm = true;
  // The paper's polynomial by default: after a step the weights are within
  // its range (and the lowering rescales them into it if not).
  c.polynomialHardCap = group.constraint.polynomialHardCap;
  return c;
}

rt::AdamwStepConfig adamwStepConfig(const ModelSpec &spec,
                                    const WeightGroup &group, size_t index) {
  rt::AdamwStepConfig c;
  c.name = "adamw_step_" + std::to_string(index);
  c.count = int64_t(group.members.size());
  c.rows = group.rows;
  c.cols = group.cols;
  c.beta = spec.beta;
  c.beta2 = spec.beta2;
  c.wd = spec.wd;
  c.constraint = group.constraint.kind;
  c.sigmaMax = group.constraint.sigmaMax;
  c.polynomialHardCap = group.constraint.polynomialHardCap;
  return c;
}

rt::RowStepConfig rowStepConfig(const ModelSpec &spec, bool head) {
  rt::RowStepConfig c;
  c.name = head ? "head_step" : "embed_step";
  c.rows = spec.vocab;
  c.cols = spec.d;
  c.beta = spec.beta;
  c.wd = spec.wd;
  c.targetNorm = spec.embedMass;
  c.maxInflation = spec.maxInflation;
  c.maxRms = 1.0;
  return c;
}

rt::AdamwStepConfig adamwRowConfig(const ModelSpec &spec, bool head) {
  rt::AdamwStepConfig c;
  c.name = head ? "adamw_head" : "adamw_embed";
  c.rows = spec.vocab;
  c.cols = spec.d;
  c.beta = spec.beta;
  c.beta2 = spec.beta2;
  c.wd = spec.wd;
  return c;
}

bool TrainField::acceptsNumber(double v) const {
  return std::isfinite(v) && (loOpen ? v > lo : v >= lo) &&
         (hiOpen ? v < hi : v <= hi);
}

bool TrainField::acceptsString(const std::string &v) const {
  return choices.empty() ||
         std::find(choices.begin(), choices.end(), v) != choices.end();
}

/// An enum field of lipt.train: its spellings are the choices, and the
/// importer stores the value it names.
template <typename E, E ModelSpec::*Member>
static TrainField choice(const char *key, const char *rule) {
  TrainField f{TrainField::String, key, rule};
  f.choices = rt::allNames<E>();
  f.setChoice = [](ModelSpec &spec, std::string_view text) {
    return rt::parseName(text, spec.*Member);
  };
  return f;
}

const std::vector<TrainField> &trainFields() {
  using F = TrainField;
  auto real = [](const char *key, const char *rule, double ModelSpec::*m,
                 double lo, bool loOpen, double hi = 1e308,
                 bool hiOpen = false) {
    F f{F::Float, key, rule};
    f.lo = lo, f.loOpen = loOpen, f.hi = hi, f.hiOpen = hiOpen, f.real = m;
    return f;
  };
  auto count = [](const char *key, int64_t ModelSpec::*m) {
    F f{F::Integer, key, "an integer >= 1"};
    f.lo = 1, f.integer = m;
    return f;
  };
  auto text = [](const char *key, const char *rule, std::string ModelSpec::*m,
                 std::vector<std::string> choices) {
    F f{F::String, key, rule};
    f.choices = std::move(choices), f.text = m;
    return f;
  };
  static const std::vector<TrainField> fields = [&] {
    std::vector<TrainField> f{
        choice<OptimizerKind, &ModelSpec::optimizer>("optimizer",
                                                     "\"muon\" or \"adamw\""),
        choice<LrSchedule, &ModelSpec::lrSchedule>(
            "schedule", "\"linear\" (decay to 0) or \"constant\""),
        real("lr", "a float > 0", &ModelSpec::lr, 0, true),
        real("beta", "a float in [0, 1)", &ModelSpec::beta, 0, false, 1, true),
        real("beta2", "a float in [0, 1)", &ModelSpec::beta2, 0, false, 1,
             true),
        real("wd", "a float >= 0", &ModelSpec::wd, 0, false),
        real("block_mass", "a float > 0", &ModelSpec::blockMass, 0, true),
        real("embed_mass", "a float > 0", &ModelSpec::embedMass, 0, true),
        real("max_inflation", "a float >= 1", &ModelSpec::maxInflation, 1,
             false),
        F{F::Schedule, "orthogonalize", "a #lipt.schedule"},
        count("steps", &ModelSpec::steps),
        count("batch", nullptr),
        count("seq_len", nullptr),
        count("eval_interval", &ModelSpec::evalInterval),
        count("eval_batches", &ModelSpec::evalBatches),
        F{F::Integer,
          "seed",
          "an integer",
          -1e308,
          1e308,
          false,
          false,
          {},
          nullptr,
          &ModelSpec::seed},
        text("data", "a string (the corpus path)", &ModelSpec::data, {}),
    };
    return f;
  }();
  return fields;
}

std::string trainFieldKeys() {
  std::string keys;
  for (const TrainField &f : trainFields())
    keys += (keys.empty() ? "" : ", ") + std::string(f.key);
  return keys;
}

static const char *hardCapMethodName(bool polynomial) {
  return polynomial ? "polynomial" : "msign";
}

static bool parseHardCapMethod(const rt::JsonValue &v, bool &polynomial) {
  if (v.kind != rt::JsonValue::String ||
      (v.string != "polynomial" && v.string != "msign"))
    return false;
  polynomial = v.string == "polynomial";
  return true;
}

static rt::JsonValue constraintJson(const Constraint &c) {
  rt::JsonValue o = rt::JsonValue::makeObject();
  o.set("kind", rt::nameOf(c.kind));
  o.set("sigma_max", c.sigmaMax);
  if (c.kind == ConstraintKind::hard_cap)
    o.set("hard_cap_method", hardCapMethodName(c.polynomialHardCap));
  return o;
}

/// Every scalar field of the spec with its JSON key, listed once: the
/// writer and the reader both walk this table (blocks and the schedule's
/// steps are structured and handled beside it). `model` and `train` are
/// called as fn(key, field) for the "model" and "train" objects.
template <typename Spec, typename ModelFn, typename TrainFn>
void forEachScalarField(Spec &s, ModelFn model, TrainFn train) {
  model("vocab", s.vocab);
  model("d", s.d);
  model("heads", s.heads);
  model("hidden", s.hidden);
  model("causal", s.causal);
  model("rope", s.rope);
  model("softmax_scale", s.softmaxScale);
  model("final_scale", s.finalScale);
  model("layer_norm_eps", s.layerNormEps);
  model("head_layer_norm", s.headLayerNorm);
  train("optimizer", s.optimizer);
  train("schedule", s.lrSchedule);
  train("lr", s.lr);
  train("beta", s.beta);
  train("beta2", s.beta2);
  train("wd", s.wd);
  train("block_mass", s.blockMass);
  train("embed_mass", s.embedMass);
  train("max_inflation", s.maxInflation);
  train("orthogonalize", s.orthogonalize);
  train("orthogonalize_gain", s.orthogonalizeGain);
  train("orthogonalize_frob_scale", s.orthogonalizeFrobScale);
  train("steps", s.steps);
  train("batch", s.batch);
  train("seq_len", s.seqLen);
  train("eval_interval", s.evalInterval);
  train("eval_batches", s.evalBatches);
  train("seed", s.seed);
  train("data", s.data);
}

/// A field's JSON value: enums by their spelling.
template <typename T> static auto jsonable(const T &v) {
  if constexpr (std::is_enum_v<T>)
    return std::string(rt::nameOf(v));
  else
    return v;
}

std::string toJson(const ModelSpec &s) {
  rt::JsonValue blocks = rt::JsonValue::makeArray();
  for (const BlockSpec &b : s.blocks) {
    rt::JsonValue block = rt::JsonValue::makeObject();
    block.set("attn", constraintJson(b.attn));
    block.set("mlp", constraintJson(b.mlp));
    block.set("attn_layer_norm", b.attnLayerNorm);
    block.set("mlp_layer_norm", b.mlpLayerNorm);
    blocks.array.push_back(std::move(block));
  }
  rt::JsonValue steps = rt::JsonValue::makeArray();
  for (const lipt_runtime::PolyStep &p : s.orthogonalizeSteps)
    steps.array.push_back(rt::JsonValue::makeArray({p.a, p.b, p.c}));
  rt::JsonValue model = rt::JsonValue::makeObject(),
                train = rt::JsonValue::makeObject();
  model.set("layers", (long long)s.layers());
  model.set("blocks", std::move(blocks));
  train.set("orthogonalize_steps", std::move(steps));
  forEachScalarField(
      s, [&](const char *key, const auto &v) { model.set(key, jsonable(v)); },
      [&](const char *key, const auto &v) { train.set(key, jsonable(v)); });
  rt::JsonValue root = rt::JsonValue::makeObject();
  root.set("model", std::move(model));
  root.set("train", std::move(train));
  return rt::writeJson(root);
}

namespace {
/// Reads typed fields of one JSON object; the first problem is kept with
/// the field's path.
class FieldReader {
public:
  FieldReader(const rt::JsonValue *o, std::string path, std::string &error)
      : obj(o && o->kind == rt::JsonValue::Object ? o : nullptr),
        path(std::move(path)), error(error) {}

  template <typename T> void read(const char *key, T &out) {
    if (!error.empty())
      return;
    const rt::JsonValue *v = obj ? obj->get(key) : nullptr;
    bool ok = false;
    if (v) {
      if constexpr (std::is_same_v<T, bool>) {
        if ((ok = v->kind == rt::JsonValue::Bool))
          out = v->boolean;
      } else if constexpr (std::is_same_v<T, int64_t>) {
        if ((ok = v->isInteger))
          out = v->integer;
      } else if constexpr (std::is_same_v<T, double>) {
        if ((ok = v->kind == rt::JsonValue::Number))
          out = v->number;
      } else if constexpr (std::is_enum_v<T>) {
        if (v->kind == rt::JsonValue::String &&
            !rt::parseName(v->string, out)) {
          error = "field '" + path + key + "' is '" + v->string +
                  "'; expected " + rt::namesList<T>();
          return;
        }
        ok = v->kind == rt::JsonValue::String;
      } else {
        if ((ok = v->kind == rt::JsonValue::String))
          out = v->string;
      }
    }
    if (!ok)
      error = "field '" + path + key + "' is " + (v ? "malformed" : "missing");
  }
  const rt::JsonValue *object(const char *key) {
    const rt::JsonValue *o = obj ? obj->get(key) : nullptr;
    if ((!o || o->kind != rt::JsonValue::Object) && error.empty())
      error = "field '" + path + key + "' is missing or not an object";
    return o && o->kind == rt::JsonValue::Object ? o : nullptr;
  }

private:
  const rt::JsonValue *obj;
  std::string path;
  std::string &error;
};
} // namespace

/// What a config must satisfy beyond its fields' types.
static std::string invalidConfig(const ModelSpec &s) {
  // Every real field is finite: JSON has no inf or nan (a number like 1e999
  // parses as inf and would print back as text no JSON reader takes).
  std::string nonFinite;
  auto finite = [&](const char *section) {
    return [&nonFinite, section](const char *key, const auto &v) {
      if constexpr (std::is_same_v<std::decay_t<decltype(v)>, double>)
        if (!std::isfinite(v) && nonFinite.empty())
          nonFinite = std::string("field '") + section + key +
                      "' must be a finite number";
    };
  };
  forEachScalarField(s, finite("model."), finite("train."));
  for (const lipt_runtime::PolyStep &p : s.orthogonalizeSteps)
    if (!std::isfinite(p.a) || !std::isfinite(p.b) || !std::isfinite(p.c))
      nonFinite = "field 'train.orthogonalize_steps' must hold finite numbers";
  if (!nonFinite.empty())
    return nonFinite;
  // The rules of the `lipt.train` fields, as the verifier applies them.
  for (const TrainField &f : trainFields()) {
    std::string field = std::string("field 'train.") + f.key + "' ";
    if (f.real && !f.acceptsNumber(s.*f.real))
      return field + "must be " + f.rule;
    if (f.integer && !f.acceptsNumber(double(s.*f.integer)))
      return field + "must be " + f.rule;
    if (f.text && !f.acceptsString(s.*f.text))
      return field + "is '" + s.*f.text + "'; it must be " + f.rule;
  }
  if (s.batch < 1 || s.seqLen < 1)
    return "fields 'train.batch' and 'train.seq_len' must be >= 1";
  for (size_t i = 0; i < s.blocks.size(); ++i)
    for (auto [key, c] :
         {std::pair{"attn", &s.blocks[i].attn}, {"mlp", &s.blocks[i].mlp}}) {
      std::string field =
          "field 'model.blocks[" + std::to_string(i) + "]." + key;
      if (c->enforced() && !(c->sigmaMax > 0 && std::isfinite(c->sigmaMax)))
        return field + ".sigma_max' must be a finite number > 0";
      if (!c->polynomialHardCap && c->kind != ConstraintKind::hard_cap)
        return field + ".hard_cap_method' needs kind hard_cap";
    }
  return "";
}

Status fromJson(const std::string &text, ModelSpec &out) {
  constexpr size_t kMaxJsonDepth = 64; // lipt's own configs nest 4 deep
  // LLVM's JSON parser recurses once per level (lipt/Runtime/Nesting.h).
  if (size_t depth = lipt_runtime::maxNestingDepth(text, "[{", "]}");
      depth > kMaxJsonDepth)
    return Status::error("the model config nests " + std::to_string(depth) +
                         " levels deep; lipt reads at most " +
                         std::to_string(kMaxJsonDepth));
  rt::JsonValue parsed;
  if (Status json = rt::parseJson(text, parsed); !json)
    return Status::error("the model config is not JSON: " + json.message);
  std::string error;
  ModelSpec s;
  FieldReader top(&parsed, "", error);
  const rt::JsonValue *model = top.object("model");
  const rt::JsonValue *train = top.object("train");
  FieldReader m(model, "model.", error), t(train, "train.", error);
  forEachScalarField(
      s, [&](const char *key, auto &v) { m.read(key, v); },
      [&](const char *key, auto &v) { t.read(key, v); });
  const rt::JsonValue *blocks = model ? model->get("blocks") : nullptr;
  if ((!blocks || blocks->kind != rt::JsonValue::Array) && error.empty())
    error = "field 'model.blocks' is missing or not an array";
  if (blocks && blocks->kind == rt::JsonValue::Array) {
    for (size_t i = 0; i < blocks->array.size() && error.empty(); ++i) {
      std::string p = "model.blocks[" + std::to_string(i) + "].";
      BlockSpec b;
      FieldReader br(&blocks->array[i], p, error);
      br.read("attn_layer_norm", b.attnLayerNorm);
      br.read("mlp_layer_norm", b.mlpLayerNorm);
      for (auto [key, c] : {std::pair{"attn", &b.attn}, {"mlp", &b.mlp}}) {
        FieldReader cr(br.object(key), p + key + ".", error);
        cr.read("kind", c->kind);
        cr.read("sigma_max", c->sigmaMax);
        // Absent in configs written before msign training: the polynomial.
        if (const rt::JsonValue *o = br.object(key); o && error.empty())
          if (const rt::JsonValue *m = o->get("hard_cap_method"))
            if (!parseHardCapMethod(*m, c->polynomialHardCap))
              error = "field '" + p + key +
                      ".hard_cap_method' must be \"polynomial\" or \"msign\"";
      }
      s.blocks.push_back(b);
    }
  }
  const rt::JsonValue *steps =
      train ? train->get("orthogonalize_steps") : nullptr;
  if (steps && steps->kind == rt::JsonValue::Array) {
    for (const rt::JsonValue &abc : steps->array) {
      auto number = [&](size_t i) {
        return abc.kind == rt::JsonValue::Array && abc.array.size() == 3 &&
               abc.array[i].kind == rt::JsonValue::Number;
      };
      if (!number(0) || !number(1) || !number(2)) {
        error = "field 'train.orthogonalize_steps' must be [[a, b, c], ...]";
        break;
      }
      s.orthogonalizeSteps.push_back(
          {abc.array[0].number, abc.array[1].number, abc.array[2].number});
    }
  } else if (error.empty()) {
    error = "field 'train.orthogonalize_steps' is missing";
  }
  if (error.empty() && (s.vocab < 1 || s.d < 1 || s.heads < 1 ||
                        s.d % s.heads != 0 || s.hidden < 1))
    error = "model dimensions are inconsistent (vocab, d, heads, hidden)";
  if (error.empty())
    error = invalidConfig(s);
  if (!error.empty())
    return Status::error("model config: " + error);
  out = std::move(s);
  return Status::success();
}

} // namespace lipt_train
