//===- Trainer.cpp - training loop, optimizers, checkpoints, report -------===//

#include "lipt/Train/Trainer.h"

#include "Certificate.h"
#include "TorchModel.h"
#include "TrainSupport.h"

#include "lipt/Runtime/Json.h"
#include "lipt/Train/Distributed.h"

#include "lipt/Runtime/CharCorpus.h"
#include "lipt/Runtime/Cuda.h"
#include "lipt/Runtime/Hash.h"
#include "lipt/Runtime/HostTuning.h"
#include "lipt/Runtime/Safetensors.h"
#include "lipt/Runtime/SpectralMath.h"
#include "lipt/Torch/Reference.h"
#include "lipt/Torch/TorchAdapter.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace rt = lipt_runtime;

namespace lipt_train {
namespace {

/// Set by SIGINT/SIGTERM; the loop checkpoints and stops at the next step.
std::atomic<bool> interrupted{false};
extern "C" void onInterrupt(int) { interrupted = true; }

/// `text` parsed as JSON, or `fallback` if it is not.
rt::JsonValue parseJsonOr(const std::string &text, rt::JsonValue fallback) {
  rt::JsonValue v;
  return rt::parseJson(text, v) ? v : fallback;
}

/// printf-style formatting into a string (the run's log lines).
std::string format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  char buf[1024];
  std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  return buf;
}

//===----------------------------------------------------------------------===//
// The optimizer program's functions: compiled, or the LibTorch reference
//===----------------------------------------------------------------------===//

/// Runs `name` of the optimizer program on `inputs`, writing `outputs`.
void invokeKernel(rt::Executable &kernels, const std::string &name,
                  const std::vector<torch::Tensor> &inputs,
                  const std::vector<torch::Tensor> &outputs) {
  std::vector<rt::TensorView> in, out;
  for (size_t i = 0; i < inputs.size(); ++i) {
    in.emplace_back();
    check(lipt_torch::viewOf(inputs[i], name + " input " + std::to_string(i),
                             in.back()));
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    out.emplace_back();
    check(lipt_torch::viewOf(outputs[i], name + " output " + std::to_string(i),
                             out.back()));
  }
  check(kernels.invoke(name, in, out));
}

//===----------------------------------------------------------------------===//
// Optimizers
//===----------------------------------------------------------------------===//

/// (name suffix, per-leaf tensors) of an optimizer's state, as saved in
/// optimizer.safetensors.
using StateLists =
    std::vector<std::pair<std::string, std::vector<torch::Tensor> *>>;

/// What every optimizer steps: the model's leaves (embed, the block-weight
/// groups, head), with the optimizer program (lipt/Optim/StepProgram.h) and
/// the backend that runs it: compiled, or the reference.
class Optimizer {
public:
  Optimizer(TorchModel &model, rt::Executable *kernels,
            OptimizerBackend backend)
      : model(model), kernels(kernels), backend(backend) {}
  virtual ~Optimizer() = default;
  /// One step at learning rate lr (gradients are in the leaves' .grad).
  virtual void step(double lr) = 0;
  /// The state to checkpoint, per leaf.
  virtual StateLists state() = 0;
  /// Scalar state to checkpoint (as optimizer.safetensors metadata), by key.
  virtual std::vector<std::pair<std::string, int64_t *>> counters() {
    return {};
  }
  /// The work of stepping leaf i, in flops up to a common factor: what a
  /// data-parallel job balances across its ranks.
  virtual double leafCost(size_t i) const = 0;
  /// Steps only the leaves marked true (default: all); a data-parallel job
  /// gives each rank its share and broadcasts the results.
  void setOwned(std::vector<bool> owned) { mine = std::move(owned); }

protected:
  bool owns(size_t leaf) const { return mine.empty() || mine[leaf]; }

  std::vector<torch::Tensor> zerosPerLeaf() const {
    std::vector<torch::Tensor> out;
    for (const torch::Tensor &t : model.leaves())
      out.push_back(torch::zeros_like(t.detach()));
    return out;
  }

  /// Runs the program's function `name` on `state` (updated in place: the
  /// weight first, then the optimizer's state tensors) with the gradient
  /// and the step's scalars. Each tensor is viewed as `shape` (the
  /// function's type).
  void runCompiled(const std::string &name, std::vector<torch::Tensor> state,
                   const torch::Tensor &grad,
                   const std::vector<double> &scalars, c10::IntArrayRef shape) {
    std::vector<torch::Tensor> in{state[0].view(shape), grad.view(shape)};
    std::vector<torch::Tensor> out;
    for (size_t k = 1; k < state.size(); ++k)
      in.push_back(state[k].view(shape));
    for (double v : scalars)
      in.push_back(torch::scalar_tensor(v, torch::kDouble));
    for (const torch::Tensor &t : state)
      out.push_back(torch::empty(shape, t.options()));
    invokeKernel(*kernels, name, in, out);
    for (size_t k = 0; k < state.size(); ++k)
      state[k].copy_(out[k].view_as(state[k]));
  }

  bool isRowLeaf(size_t leaf) const {
    return leaf == 0 || leaf + 1 == model.leaves().size();
  }

  TorchModel &model;
  rt::Executable *kernels;
  OptimizerBackend backend;
  std::vector<bool> mine; // per leaf; empty: every leaf
};

/// Muon (paper-notes, "Muon step with a constraint"): per block-weight
/// group lipt.muon_step, for the embedding and the head
/// lipt.row_normalized_step.
class Muon : public Optimizer {
public:
  Muon(TorchModel &m, rt::Executable *k, OptimizerBackend b)
      : Optimizer(m, k, b), momentum(zerosPerLeaf()) {
    for (size_t g = 0; g < m.groups.size(); ++g)
      groups.push_back(muonStepConfig(m.spec, m.groups[g], g));
    rows = {rowStepConfig(m.spec, false), rowStepConfig(m.spec, true)};
  }

  void step(double lr) override {
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> leaves = model.leaves();
    for (size_t i = 0; i < leaves.size(); ++i) {
      if (!owns(i))
        continue;
      torch::Tensor w = leaves[i].detach(), g = leaves[i].grad();
      if (isRowLeaf(i))
        stepRows(rows[i == 0 ? 0 : 1], w, g, momentum[i], lr);
      else
        stepGroup(groups[i - 1], w, g, momentum[i], lr);
    }
  }

  StateLists state() override { return {{"momentum", &momentum}}; }

  /// The orthogonalization's products dominate: ~m n min(m, n) per matrix
  /// and iteration (every group runs the same schedule); a row-normalized
  /// step is elementwise.
  double leafCost(size_t i) const override {
    torch::Tensor t = model.leaves()[i];
    if (isRowLeaf(i))
      return double(t.numel());
    int64_t m = t.size(1), n = t.size(2);
    return double(t.numel()) * double(std::min(m, n));
  }

private:
  /// A group's lipt.muon_step (momentum, orthogonalized update, decay, the
  /// constraint coupled to this lr), on the parameters' own memory.
  void stepGroup(const rt::MuonStepConfig &c, const torch::Tensor &w,
                 const torch::Tensor &grad, const torch::Tensor &mom,
                 double lr) {
    std::vector<double> scalars;
    check(c.stepScalars(lr, scalars));
    if (backend == OptimizerBackend::reference)
      check(lipt_torch::referenceMuonStep(c, w, grad, mom, scalars));
    else
      runCompiled(c.name, {w, mom}, grad, scalars, w.sizes());
  }

  void stepRows(const rt::RowStepConfig &c, const torch::Tensor &w,
                const torch::Tensor &grad, const torch::Tensor &mom,
                double lr) {
    if (backend == OptimizerBackend::reference)
      check(lipt_torch::referenceRowStep(c, w, grad, mom, {lr}));
    else
      runCompiled(c.name, {w, mom}, grad, {lr}, w.sizes());
  }

  std::vector<rt::MuonStepConfig> groups;
  std::vector<rt::RowStepConfig> rows; // embed, head
  std::vector<torch::Tensor> momentum; // one per leaf
};

/// AdamW (beta, beta2, decoupled wd) on every leaf: lipt.adamw_step, with
/// the group's hard cap / normalize / hammer constraint (the model importer
/// rejects soft caps with AdamW).
class AdamW : public Optimizer {
public:
  AdamW(TorchModel &m, rt::Executable *k, OptimizerBackend b)
      : Optimizer(m, k, b), expAvg(zerosPerLeaf()), expAvgSq(zerosPerLeaf()) {
    configs.push_back(adamwRowConfig(m.spec, false));
    for (size_t g = 0; g < m.groups.size(); ++g)
      configs.push_back(adamwStepConfig(m.spec, m.groups[g], g));
    configs.push_back(adamwRowConfig(m.spec, true));
  }

  void step(double lr) override {
    torch::NoGradGuard noGrad;
    ++count;
    std::vector<double> scalars{lr, double(count)};
    std::vector<torch::Tensor> leaves = model.leaves();
    for (size_t i = 0; i < leaves.size(); ++i) {
      if (!owns(i))
        continue;
      const rt::AdamwStepConfig &c = configs[i];
      torch::Tensor w = leaves[i].detach(), g = leaves[i].grad();
      if (backend == OptimizerBackend::reference)
        check(lipt_torch::referenceAdamwStep(c, w, g, expAvg[i], expAvgSq[i],
                                             scalars));
      else
        runCompiled(c.name, {w, expAvg[i], expAvgSq[i]}, g, scalars,
                    {c.count, c.rows, c.cols});
    }
  }

  StateLists state() override {
    return {{"exp_avg", &expAvg}, {"exp_avg_sq", &expAvgSq}};
  }
  std::vector<std::pair<std::string, int64_t *>> counters() override {
    return {{"lipt.adamw_count", &count}};
  }
  /// Elementwise: one pass over the entries (a hard cap's or normalize's
  /// products are not counted).
  double leafCost(size_t i) const override {
    return double(model.leaves()[i].numel());
  }

private:
  std::vector<rt::AdamwStepConfig> configs; // per leaf
  std::vector<torch::Tensor> expAvg, expAvgSq;
  int64_t count = 0; // steps taken (bias correction)
};

//===----------------------------------------------------------------------===//
// The run
//===----------------------------------------------------------------------===//

struct HistoryEntry {
  int64_t step;
  double trainLoss, valLoss, valAccuracy, lr, tokensPerSecond, elapsed;
  rt::JsonValue toJson() const {
    rt::JsonValue o = rt::JsonValue::makeObject();
    o.set("step", (long long)step);
    o.set("train_loss", trainLoss);
    o.set("val_loss", valLoss);
    o.set("val_accuracy", valAccuracy);
    o.set("lr", lr);
    o.set("tokens_per_s", tokensPerSecond);
    o.set("elapsed_s", elapsed);
    return o;
  }
};

/// The seed of training batch t (the Python cross-check mirrors it; the
/// validation stream is forEachValidationBatch's).
uint64_t trainSeed(int64_t seed, int64_t step) {
  return uint64_t(seed) * 1000003ull + uint64_t(step);
}

/// One writer per output directory: an exclusive flock on DIR/.lipt-run.lock
/// for the run's lifetime. A second lipt-run on the same --out fails at once
/// instead of interleaving its checkpoints with the first one's. The kernel
/// drops the lock when the process ends, however it ends.
class OutputLock {
public:
  explicit OutputLock(const std::string &dir) {
    std::string file = dir + "/.lipt-run.lock";
    fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      throw TrainError(file + ": cannot create the lock file (" +
                       std::strerror(errno) + ")");
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      ::close(fd);
      throw TrainError(
          err == EWOULDBLOCK
              ? "another lipt-run is writing to " + dir + " (it holds " + file +
                    "); wait for it to finish or choose another --out"
              : file + ": cannot lock (" + std::strerror(err) + ")");
    }
  }
  ~OutputLock() { ::close(fd); }
  OutputLock(const OutputLock &) = delete;
  OutputLock &operator=(const OutputLock &) = delete;

private:
  int fd = -1;
};

/// Ctrl-C and SIGTERM set `interrupted`; training, evaluation and
/// certification check it and stop cleanly.
void catchInterrupts() {
  std::signal(SIGINT, onInterrupt);
  std::signal(SIGTERM, onInterrupt);
}

/// The certificate of trained weights, with the probe lipt-run always uses
/// (seeded from the config, sequences of at most 64 tokens); throws
/// CertificationInterrupted on Ctrl-C or SIGTERM. Weights on a GPU are
/// certified from a CPU copy: the same float64 arithmetic as --certify and
/// the independent reader, whatever device trained them.
Certificate certifyTrained(const TorchModel &model) {
  if (model.device().is_cpu())
    return certifyWithRunProbe(model, &interrupted);
  TorchModel host(model.spec);
  host.copyWeightsFrom(model);
  return certifyWithRunProbe(host, &interrupted);
}

/// Where a run's tensors live: the CPU, or the first CUDA device.
torch::Device torchDevice(rt::DeviceKind kind) {
  return kind == rt::DeviceKind::cuda ? torch::Device(torch::kCUDA, 0)
                                      : torch::Device(torch::kCPU);
}

/// "cpu", or "cuda:0 (NVIDIA H200, sm_90)": the log line and the report.
std::string deviceDescription(rt::DeviceKind kind) {
  return kind == rt::DeviceKind::cuda
             ? "cuda:0 (" + rt::cuda::describeDevice() + ")"
             : std::string("cpu");
}

/// The backend's name, as report.json and the job hash spell it.
const char *backendName(OptimizerBackend b) {
  return b == OptimizerBackend::compiled ? "compiled" : "reference";
}

/// `v` exactly, as a C99 hex float (strtod reads it back bit for bit).
std::string hexDouble(double v) {
  char text[40];
  std::snprintf(text, sizeof text, "%a", v);
  return text;
}

/// 64 random bits, as hex.
std::string newRunId() {
  std::random_device rd;
  char text[20];
  std::snprintf(text, sizeof text, "%08x%08x", rd(), rd());
  return text;
}

class Run {
public:
  Run(const ModelSpec &spec, rt::Executable *kernels, const TrainOptions &o)
      : spec(spec), opts(o), device(torchDevice(o.device)), model(spec),
        kernels(kernels) {
    // Initialization and checkpoints copy into these tensors, so the
    // weights a run starts from do not depend on the device.
    if (!device.is_cpu())
      model.moveTo(device);
  }

  TrainOutcome execute();

private:
  void loadData();
  torch::Tensor idsTensor(const std::vector<int32_t> &ids) const {
    return torch::tensor(ids, torch::kInt32)
        .to(device, torch::kLong)
        .view({-1, spec.seqLen});
  }
  /// This rank's rows of a [batch, seqLen] batch: the whole batch in one
  /// process, else an equal share, so that the mean of the ranks' mean
  /// losses is the batch's mean loss.
  torch::Tensor localIds(const std::vector<int32_t> &ids) const {
    torch::Tensor all = idsTensor(ids);
    if (!comm)
      return all;
    int64_t rows = spec.batch / comm->size();
    return all.narrow(0, rows * comm->rank(), rows);
  }
  std::pair<double, double> evaluate();
  void saveCheckpoint(int64_t step);
  void publishCheckpoint(const std::string &stepName);
  int64_t resumeFrom();
  rt::JsonValue maxActivationJson();
  void writeReport(int64_t step, bool interrupted, const Certificate *cert,
                   double tokensPerSecond);
  double lrAt(int64_t step) const {
    return spec.lrSchedule == LrSchedule::linear
               ? spec.lr * (1.0 - double(step) / double(spec.steps))
               : spec.lr;
  }
  std::string path(const char *file) const { return opts.outDir + "/" + file; }
  /// Names this run in its checkpoints, so a model file and an optimizer
  /// file of different runs are never resumed together. Kept on resume.
  std::string runId = newRunId();
  /// Training losses since the last evaluation, for its train_loss. Saved in
  /// checkpoints, so a run stopped between evaluations reports the same
  /// averages after --resume.
  double intervalLossSum = 0;
  int64_t intervalLossCount = 0;
  void progress(int64_t step, double loss, double tps, bool done);
  void log(const std::string &line) const;
  int64_t begin();
  int64_t startOrResume();
  void joinWorld();
  int64_t shareStart(int64_t first, const std::string &rootError);
  double agreeOnStep(double localLoss);
  std::vector<double> sumAndAgreeOnStop(std::vector<double> values,
                                        const char *what);
  void shareUpdatedWeights();
  void shareOptimizerState();
  rt::JsonValue ranksJson();
  bool isRoot() const { return !comm || comm->rank() == 0; }
  std::string leafName(size_t i) const {
    size_t n = model.leaves().size();
    if (i == 0 || i + 1 == n)
      return i == 0 ? "embed" : "head";
    const WeightGroup &g = model.groups[i - 1];
    return "group " + std::to_string(i - 1) + " (" +
           std::to_string(g.members.size()) + " x " + std::to_string(g.rows) +
           "x" + std::to_string(g.cols) + ")";
  }
  /// Whether to stop: Ctrl-C or SIGTERM in this process, or, in a
  /// data-parallel job, in any rank as of the last collective (so that
  /// every rank stops after the same step).
  bool stopRequested() const { return comm ? agreedStop : interrupted.load(); }
  double trainStep(int64_t step, bool fromScratch);
  bool evaluateAndCheckpoint(int64_t done);
  TrainOutcome finish(int64_t step);
  double tokensPerSecond() const {
    return trainSeconds > 0 ? double(trainTokens) / trainSeconds : 0.0;
  }
  double lastLoss = 0; // of the latest step, for the progress line
  rt::JsonValue historyJson() const {
    rt::JsonValue out = rt::JsonValue::makeArray();
    for (const HistoryEntry &h : history)
      out.array.push_back(h.toJson());
    return out;
  }

  const ModelSpec spec;
  const TrainOptions opts;
  const torch::Device device; // of the weights, batches and optimizer state
  TorchModel model;
  rt::Executable *kernels;
  std::unique_ptr<Optimizer> optimizer;
  rt::CharCorpus corpus;
  std::vector<HistoryEntry> history;
  std::chrono::steady_clock::time_point start =
      std::chrono::steady_clock::now();
  double trainSeconds = 0;
  int64_t trainTokens = 0;
  // Of trainSeconds, the optimizer steps (update and constraints): the part
  // --optimizer-backend switches between compiled and reference.
  double optimizerSeconds = 0;
  int64_t stepsTimed = 0;

  // Data parallelism (lipt/Train/Distributed.h); no communicator in a
  // single process.
  std::unique_ptr<Communicator> comm;
  std::unique_ptr<GradientAverager> averager;
  std::vector<int> owners; // per leaf: the rank that steps it
  bool agreedStop = false;
  double commSeconds = 0;           // waiting for gradients and weights
  rt::JsonValue rankTimings;        // gathered at the end, for the report
  std::unique_ptr<OutputLock> lock; // rank 0's, for the run's lifetime
};

/// DDP's first-bucket size: small enough that the head's gradients are on
/// the wire while the blocks' are still being computed.
constexpr int64_t kGradientBucketBytes = 1 << 20;

void Run::loadData() {
  loadCorpusFor(spec, opts.modelFile, opts.dataPath, corpus);
}

std::pair<double, double> Run::evaluate() {
  torch::NoGradGuard noGrad;
  double loss = 0, correct = 0;
  forEachValidationBatch(
      spec, corpus, spec.evalBatches,
      [&](const std::vector<int32_t> &in, const std::vector<int32_t> &target) {
        if (interrupted) // the caller checkpoints and stops
          return false;
        torch::Tensor logits = model.forward(localIds(in));
        torch::Tensor t = localIds(target);
        loss += torch::nn::functional::cross_entropy(
                    logits.reshape({-1, spec.vocab}), t.reshape({-1}))
                    .item<double>();
        correct +=
            (logits.argmax(-1) == t).to(torch::kFloat64).mean().item<double>();
        return true;
      });
  double ranks = 1;
  if (comm) { // the ranks' shares of every batch weigh the same
    std::vector<double> sums =
        sumAndAgreeOnStop({loss, correct}, "the validation loss");
    loss = sums[0];
    correct = sums[1];
    ranks = comm->size();
  }
  if (stopRequested())
    return {NAN, NAN};
  double batches = double(spec.evalBatches) * ranks;
  return {loss / batches, correct / batches};
}

std::string vocabularyJson(const std::string &vocab) {
  rt::JsonValue codes = rt::JsonValue::makeArray();
  for (unsigned char c : vocab)
    codes.array.push_back((long long)c);
  return rt::writeJson(codes);
}

void Run::saveCheckpoint(int64_t step) {
  if (comm)
    shareOptimizerState();
  if (!isRoot())
    return;
  std::map<std::string, std::string> meta{
      {"format", "pt"},
      {"lipt.config", toJson(spec)},
      {"lipt.step", std::to_string(step)},
      {"lipt.run_id", runId},
      {"lipt.interval_loss",
       hexDouble(intervalLossSum) + " " + std::to_string(intervalLossCount)},
      {"lipt.vocabulary", vocabularyJson(corpus.vocabulary)}};
  meta["lipt.history"] = rt::writeJson(historyJson());

  // Both files go into a directory of their own, which is then published
  // in one step (publishCheckpoint): a crash at any instant leaves the
  // previous pair whole.
  char stepName[32];
  std::snprintf(stepName, sizeof stepName, "step-%09lld", (long long)step);
  std::string dir = opts.outDir + "/" + stepName;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec); // an attempt a crash cut off
  if (std::filesystem::create_directory(dir, ec); ec)
    throw TrainError(dir + ": cannot create the checkpoint directory (" +
                     ec.message() + ")");
  rt::Safetensors opt;
  opt.metadata = meta;
  opt.metadata["lipt.optimizer"] = rt::nameOf(spec.optimizer);
  for (auto &[key, value] : optimizer->counters())
    opt.metadata[key] = std::to_string(*value);
  for (auto &[suffix, list] : optimizer->state())
    for (size_t i = 0; i < model.weights.size(); ++i)
      opt.tensors.push_back({model.weights[i].name + "." + suffix,
                             toHost(model.weightIn(*list, i))});
  check(rt::writeSafetensors(dir + "/optimizer.safetensors", opt));

  rt::Safetensors file;
  file.metadata = meta;
  file.tensors = model.toNamedTensors();
  check(rt::writeSafetensors(dir + "/model.safetensors", file));
  if (step == opts.killInCheckpointAtStep)
    std::raise(SIGKILL);
  publishCheckpoint(stepName);
}

/// DIR/checkpoint is a symlink to the newest complete step directory,
/// replaced by one rename; DIR/model.safetensors and optimizer.safetensors
/// are links through it, so readers of the stable names always see one
/// step's pair. Older step directories are removed once the new one is
/// published.
void Run::publishCheckpoint(const std::string &stepName) {
  auto link = [&](const std::string &target, const std::string &name) {
    std::string tmp = path(".link.tmp");
    ::unlink(tmp.c_str());
    if (::symlink(target.c_str(), tmp.c_str()) != 0 ||
        std::rename(tmp.c_str(), path(name.c_str()).c_str()) != 0)
      throw TrainError(path(name.c_str()) + ": cannot publish the " +
                       "checkpoint (" + std::strerror(errno) + ")");
  };
  link(stepName, "checkpoint");
  for (const char *name : {"model.safetensors", "optimizer.safetensors"}) {
    std::string target = std::string("checkpoint/") + name;
    char current[256];
    ssize_t n = ::readlink(path(name).c_str(), current, sizeof current - 1);
    if (n < 0 || std::string(current, n) != target)
      link(target, name); // once per directory (or over an old layout)
  }
  std::error_code ec;
  std::vector<std::filesystem::path> stale;
  for (std::filesystem::directory_iterator it(opts.outDir, ec), end;
       it != end && !ec; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.rfind("step-", 0) == 0 && name != stepName)
      stale.push_back(it->path());
  }
  for (const std::filesystem::path &p : stale)
    std::filesystem::remove_all(p, ec);
}

int64_t Run::resumeFrom() {
  rt::Safetensors file, opt;
  std::string modelPath = path("model.safetensors"),
              optPath = path("optimizer.safetensors");
  check(rt::readSafetensors(modelPath, file));
  check(rt::readSafetensors(optPath, opt));
  requireChecksum(file, modelPath);
  requireChecksum(opt, optPath);
  auto metaOf = [](const rt::Safetensors &f, const std::string &key,
                   const std::string &p) -> std::string {
    auto it = f.metadata.find(key);
    if (it == f.metadata.end())
      throw TrainError(p + ": metadata '" + key + "' is missing");
    return it->second;
  };
  ModelSpec saved;
  rt::Status s = fromJson(metaOf(file, "lipt.config", modelPath), saved);
  if (!s)
    throw TrainError(modelPath + ": " + s.message);
  saved.steps = spec.steps; // --steps may extend a run
  if (toJson(saved) != toJson(spec))
    throw TrainError(modelPath +
                     " was trained with a different model or "
                     "configuration than " +
                     opts.modelFile);
  runId = metaOf(file, "lipt.run_id", modelPath);
  if (metaOf(opt, "lipt.run_id", optPath) != runId)
    throw TrainError(optPath + " belongs to run " +
                     metaOf(opt, "lipt.run_id", optPath) + " but " + modelPath +
                     " to run " + runId +
                     " (two runs wrote into one directory)");
  {
    std::istringstream interval(metaOf(file, "lipt.interval_loss", modelPath));
    std::string sum;
    if (!(interval >> sum >> intervalLossCount) || intervalLossCount < 0)
      throw TrainError(modelPath + ": metadata 'lipt.interval_loss' is not "
                                   "'<sum> <count>'");
    intervalLossSum = std::strtod(sum.c_str(), nullptr);
  }
  std::string step = metaOf(file, "lipt.step", modelPath);
  if (metaOf(opt, "lipt.step", optPath) != step)
    throw TrainError(optPath + " is at step " +
                     metaOf(opt, "lipt.step", optPath) + " but " + modelPath +
                     " at step " + step + " (a checkpoint write was cut off)");
  if (metaOf(file, "lipt.vocabulary", modelPath) !=
      vocabularyJson(corpus.vocabulary))
    throw TrainError(modelPath +
                     " was trained on a corpus with a different "
                     "vocabulary than " +
                     opts.dataPath);
  check(model.load(file, modelPath));
  torch::NoGradGuard noGrad;
  for (auto &[suffix, list] : optimizer->state())
    for (size_t i = 0; i < model.weights.size(); ++i) {
      std::string name = model.weights[i].name + "." + suffix;
      const rt::HostTensor *t = opt.find(name);
      torch::Tensor dst = model.weightIn(*list, i);
      rt::TensorType want{rt::DType::f32,
                          {dst.sizes().begin(), dst.sizes().end()}};
      if (!t || !(t->type == want))
        throw TrainError(optPath + ": tensor '" + name + "' is " +
                         (t ? t->type.str() : std::string("missing")) +
                         ", expected " + want.str());
      dst.copy_(fromHost(*t));
    }
  for (auto &[key, value] : optimizer->counters())
    *value = std::stoll(metaOf(opt, key, optPath));
  rt::JsonValue hist = parseJsonOr(metaOf(file, "lipt.history", modelPath),
                                   rt::JsonValue::makeArray());
  for (const rt::JsonValue &o : hist.array) {
    auto num = [&](const char *k) {
      const rt::JsonValue *v = o.get(k);
      return v && v->kind == rt::JsonValue::Number ? v->number : 0.0;
    };
    const rt::JsonValue *stepOf = o.get("step");
    history.push_back({stepOf && stepOf->isInteger ? stepOf->integer : 0,
                       num("train_loss"), num("val_loss"), num("val_accuracy"),
                       num("lr"), num("tokens_per_s"), num("elapsed_s")});
  }
  char *end = nullptr;
  long long k = std::strtoll(step.c_str(), &end, 10);
  if (*end || k < 0)
    throw TrainError(modelPath + ": metadata 'lipt.step' is not a step");
  return k;
}

void Run::progress(int64_t step, double loss, double tps, bool done) {
  if (!opts.progress)
    return;
  double eta =
      step ? trainSeconds / double(step) * double(spec.steps - step) : 0;
  opts.progress(step, spec.steps, loss, tps, eta, done);
}

void Run::log(const std::string &line) const {
  if (opts.log)
    opts.log(line);
}

/// The largest |activation| on the first validation batch: the residual
/// stream (the paper's NanoGPT comparison) and the logits.
rt::JsonValue Run::maxActivationJson() {
  torch::NoGradGuard noGrad;
  double residual = 0, logits = 0;
  forEachValidationBatch(
      spec, corpus, 1,
      [&](const std::vector<int32_t> &in, const std::vector<int32_t> &) {
        torch::Tensor ids = idsTensor(in);
        torch::Tensor x = model.embed.index_select(0, ids.reshape({-1}))
                              .view({ids.size(0), ids.size(1), spec.d});
        logits = model.forwardEmbedded(x, &residual).abs().max().item<double>();
        return true;
      });
  rt::JsonValue out = rt::JsonValue::makeObject();
  out.set("residual_stream", residual);
  out.set("logits", logits);
  out.set("note", "largest |x| on the first validation batch");
  return out;
}

void Run::writeReport(int64_t step, bool wasInterrupted,
                      const Certificate *cert, double tokensPerSecond) {
  rt::JsonValue report = rt::JsonValue::makeObject();
  report.set("model_file", opts.modelFile);
  report.set("data", opts.dataPath);
  report.set("config", parseJsonOr(toJson(spec), rt::JsonValue()));
  report.set("steps_done", (long long)step);
  report.set("interrupted", wasInterrupted);
  report.set("optimizer_backend", backendName(opts.backend));
  report.set("device", deviceDescription(opts.device));
  report.set("threads", (long long)torch::get_num_threads());
  report.set("blas_core", rt::blasCoreName());
  report.set("kernel_compilations", opts.kernelCompilations);
  report.set("tokens_per_s", tokensPerSecond);
  report.set("optimizer_ms_per_step",
             stepsTimed ? 1e3 * optimizerSeconds / double(stepsTimed) : 0.0);
  report.set("step_ms",
             stepsTimed ? 1e3 * trainSeconds / double(stepsTimed) : 0.0);
  report.set("world_size", (long long)(comm ? comm->size() : 1));
  if (comm)
    report.set("ranks", rankTimings);
  report.set("history", historyJson());
  if (!history.empty()) {
    report.set("final_val_loss", history.back().valLoss);
    report.set("final_val_accuracy", history.back().valAccuracy);
  }
  if (cert) {
    report.set("certificate", cert->toJson());
    report.set("max_activation", maxActivationJson());
  }
  std::string tmp = path("report.json.tmp");
  {
    std::ofstream out(tmp);
    out << rt::writeJson(report, 2) << "\n";
    if (!out)
      throw TrainError(tmp + ": cannot write the report");
  }
  if (std::rename(tmp.c_str(), path("report.json").c_str()) != 0)
    throw TrainError(path("report.json") + ": cannot write the report");
}

/// Before the first step: the data, the job's other ranks, the optimizer,
/// and either a resumed checkpoint or fresh weights; prints what is about to
/// run. Returns the first step.
int64_t Run::begin() {
  setThreads(opts.threads);
  loadData();
  joinWorld();
  if (spec.optimizer == OptimizerKind::muon)
    optimizer = std::make_unique<Muon>(model, kernels, opts.backend);
  else
    optimizer = std::make_unique<AdamW>(model, kernels, opts.backend);
  if (comm) {
    std::vector<double> costs;
    for (size_t i = 0; i < model.leaves().size(); ++i)
      costs.push_back(optimizer->leafCost(i));
    owners = assignOwners(costs, comm->size());
    std::vector<bool> mine;
    for (int owner : owners)
      mine.push_back(owner == comm->rank());
    optimizer->setOwned(mine);
    averager = std::make_unique<GradientAverager>(*comm, model.leaves(),
                                                  kGradientBucketBytes);
  }

  // Rank 0 alone owns the output directory; the others get its start.
  int64_t first = 0;
  std::string rootError;
  if (isRoot()) {
    try {
      first = startOrResume();
    } catch (const TrainError &e) {
      if (!comm)
        throw;
      rootError = e.what();
    }
  }
  if (comm)
    first = shareStart(first, rootError);
  log(format(
      "training %s: d %lld, %lld layers, %lld heads, vocab %lld; %s, "
      "lr %g (%s), batch %lld x seq %lld, steps %lld%s; data %s; on %s, %d "
      "threads, OpenBLAS %s kernels; optimizer kernels compiled %d "
      "time(s) in this process; out %s",
      opts.modelFile.c_str(), (long long)spec.d, (long long)spec.layers(),
      (long long)spec.heads, (long long)spec.vocab, rt::nameOf(spec.optimizer),
      spec.lr, rt::nameOf(spec.lrSchedule), (long long)spec.batch,
      (long long)spec.seqLen, (long long)spec.steps,
      first ? (" (resuming at " + std::to_string(first) + ")").c_str() : "",
      opts.dataPath.c_str(), deviceDescription(opts.device).c_str(),
      torch::get_num_threads(), rt::blasCoreName().c_str(),
      opts.kernelCompilations, opts.outDir.c_str()));
  if (comm)
    log(format("data parallel: %d ranks over Gloo, batch %lld per rank, "
               "%lld gradient buckets, optimizer leaves per rank split by "
               "cost",
               comm->size(), (long long)(spec.batch / comm->size()),
               (long long)averager->bucketCount()));
  return first;
}

/// Rank 0's start: the lock on the output directory, then the checkpoint
/// to resume or fresh weights. Returns the first step.
int64_t Run::startOrResume() {
  lock = std::make_unique<OutputLock>(opts.outDir);
  bool haveCheckpoint = std::ifstream(path("model.safetensors")).good();
  if (opts.resume) {
    if (!haveCheckpoint)
      throw TrainError("--resume: no checkpoint in " + opts.outDir +
                       " (model.safetensors)");
    return resumeFrom();
  }
  if (haveCheckpoint)
    throw TrainError(opts.outDir + " already holds a checkpoint; pass "
                                   "--resume to continue it, or choose "
                                   "another --out");
  model.initialize(uint64_t(spec.seed));
  return 0;
}

/// Joins the data-parallel job opts.world describes (nothing for one
/// process). The ranks compare a hash of everything that must agree: the
/// configuration (with --steps), the corpus, where the run stops, and the
/// optimizer backend.
void Run::joinWorld() {
  const WorldConfig &world = opts.world;
  if (!world.distributed())
    return;
  if (opts.device != rt::DeviceKind::cpu)
    throw TrainError("data-parallel training runs on the CPU (Gloo); a GPU "
                     "run is one process: drop --nproc or --device=cuda");
  if (spec.batch % world.worldSize != 0)
    throw TrainError("rank " + std::to_string(world.rank) + ": the batch (" +
                     std::to_string(spec.batch) +
                     ") does not split evenly across " +
                     std::to_string(world.worldSize) +
                     " ranks: choose a world size that divides it");
  rt::Fnv1a64 hash;
  hash.addString(toJson(spec));
  hash.addString(corpus.vocabulary);
  for (const std::vector<int32_t> *split : {&corpus.train, &corpus.validation})
    hash.add(split->data(), split->size() * sizeof(int32_t));
  hash.addString(std::to_string(opts.stopAfter));
  hash.addString(backendName(opts.backend));
  comm = Communicator::connect(world, hash.str(), opts.modelFile);
}

/// Every rank starts from rank 0's step, weights, optimizer state and
/// counters (fresh or resumed, from a checkpoint of any world size); when
/// rank 0 could not start, every rank stops with an error.
int64_t Run::shareStart(int64_t first, const std::string &rootError) {
  std::vector<torch::Tensor> start{
      torch::tensor({rootError.empty() ? first : int64_t(-1)}, torch::kLong)};
  comm->broadcast(start, {0}, "the first step");
  if (start[0].item<int64_t>() < 0)
    throw TrainError(isRoot() ? rootError
                              : "rank " + std::to_string(comm->rank()) +
                                    ": rank 0 could not start the run (its "
                                    "error says why)");
  std::vector<torch::Tensor> state;
  for (const torch::Tensor &leaf : model.leaves())
    state.push_back(leaf.detach());
  for (auto &[suffix, list] : optimizer->state())
    state.insert(state.end(), list->begin(), list->end());
  auto counters = optimizer->counters();
  // One slot more than the counters: Muon has none, and an empty tensor
  // is not something to hand Gloo.
  torch::Tensor values =
      torch::zeros({int64_t(counters.size()) + 1}, torch::kLong);
  for (size_t k = 0; k < counters.size(); ++k)
    values[int64_t(k)] = *counters[k].second;
  state.push_back(values);
  comm->broadcast(state, std::vector<int>(state.size(), 0),
                  "rank 0's weights and optimizer state");
  for (size_t k = 0; k < counters.size(); ++k)
    *counters[k].second = values[int64_t(k)].item<int64_t>();
  return start[0].item<int64_t>();
}

/// The step's loss over the whole batch (the mean of the ranks' means),
/// and whether any rank was asked to stop.
double Run::agreeOnStep(double localLoss) {
  return sumAndAgreeOnStop({localLoss}, "the training loss")[0] /
         double(comm->size());
}

/// `values` summed across ranks, in one all-reduce that also carries this
/// rank's interrupt flag: after it every rank knows whether any was asked
/// to stop (agreedStop), so all stop after the same step.
std::vector<double> Run::sumAndAgreeOnStop(std::vector<double> values,
                                           const char *what) {
  values.push_back(interrupted ? 1.0 : 0.0);
  torch::Tensor sums = torch::tensor(values, torch::kDouble);
  comm->allreduceSum(sums, what);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = sums[int64_t(i)].item<double>();
  agreedStop = agreedStop || values.back() > 0;
  values.pop_back();
  return values;
}

/// After the sharded optimizer step: each leaf from the rank that stepped
/// it, to every rank.
void Run::shareUpdatedWeights() {
  std::vector<torch::Tensor> weights;
  for (const torch::Tensor &leaf : model.leaves())
    weights.push_back(leaf.detach());
  comm->broadcast(weights, owners, "the updated weights");
}

/// Before a checkpoint: each leaf's optimizer state from the rank that
/// keeps it (the others' copies are stale), so rank 0 saves all of it.
void Run::shareOptimizerState() {
  std::vector<torch::Tensor> state;
  std::vector<int> roots;
  for (auto &[suffix, list] : optimizer->state())
    for (size_t i = 0; i < list->size(); ++i) {
      state.push_back((*list)[i]);
      roots.push_back(owners[i]);
    }
  comm->broadcast(state, roots, "the optimizer state");
}

/// Every rank's timings and leaves, for the report (collective).
rt::JsonValue Run::ranksJson() {
  int n = comm->size();
  torch::Tensor t = torch::zeros({n, 2}, torch::kDouble);
  double steps = double(std::max<int64_t>(stepsTimed, 1));
  t[comm->rank()][0] = 1e3 * optimizerSeconds / steps;
  t[comm->rank()][1] = 1e3 * commSeconds / steps;
  comm->allreduceSum(t, "the ranks' timings");
  rt::JsonValue out = rt::JsonValue::makeArray();
  for (int r = 0; r < n; ++r) {
    rt::JsonValue o = rt::JsonValue::makeObject();
    o.set("rank", (long long)r);
    o.set("optimizer_ms_per_step", t[r][0].item<double>());
    o.set("communication_ms_per_step", t[r][1].item<double>());
    rt::JsonValue leaves = rt::JsonValue::makeArray();
    double cost = 0;
    for (size_t i = 0; i < owners.size(); ++i)
      if (owners[i] == r) {
        leaves.array.push_back(leafName(i));
        cost += optimizer->leafCost(i);
      }
    o.set("leaves", leaves);
    o.set("optimizer_cost", cost);
    out.array.push_back(o);
  }
  return out;
}

/// One training step at `step`: forward, backward, the optimizer. Returns
/// the loss; a non-finite loss is an error before any update.
double Run::trainStep(int64_t step, bool fromScratch) {
  auto t0 = std::chrono::steady_clock::now();
  rt::SplitMix64 rng(trainSeed(spec.seed, step));
  std::vector<int32_t> in, target;
  check(corpus.sample(corpus.train, spec.batch, spec.seqLen, rng, in, target));
  for (const torch::Tensor &t : model.leaves())
    if (t.grad().defined())
      t.grad().zero_();
  torch::Tensor logits = model.forward(localIds(in));
  torch::Tensor loss = torch::nn::functional::cross_entropy(
      logits.reshape({-1, spec.vocab}), localIds(target).reshape({-1}));
  if (step == opts.injectNanAtStep)
    loss = loss * std::numeric_limits<float>::quiet_NaN();
  double value = loss.item<double>();
  if (comm) // a NaN on any rank is a NaN on all of them
    value = agreeOnStep(value);
  if (!std::isfinite(value)) {
    progress(step, lastLoss, tokensPerSecond(), true);
    std::string last =
        history.empty() && fromScratch
            ? "no checkpoint was written yet"
            : "the last good checkpoint in " + opts.outDir + " is intact";
    throw TrainError("the training loss became " + std::to_string(value) +
                     " at step " + std::to_string(step) + " (lr " +
                     std::to_string(lrAt(step)) +
                     "); stopping before the update. " + last);
  }
  if (averager)
    averager->arm();
  loss.backward();
  if (averager)
    commSeconds += averager->finish();
  auto t1 = std::chrono::steady_clock::now();
  optimizer->step(lrAt(step));
  auto t2 = std::chrono::steady_clock::now();
  optimizerSeconds += std::chrono::duration<double>(t2 - t1).count();
  if (comm) { // the other ranks' leaves: not optimizer work, waiting
    shareUpdatedWeights();
    auto t3 = std::chrono::steady_clock::now();
    commSeconds += std::chrono::duration<double>(t3 - t2).count();
    t2 = t3;
  }
  trainSeconds += std::chrono::duration<double>(t2 - t0).count();
  ++stepsTimed;
  trainTokens += spec.batch * spec.seqLen;
  intervalLossSum += value;
  ++intervalLossCount;
  lastLoss = value;
  progress(step + 1, value, tokensPerSecond(), false);
  return value;
}

/// After step `done` (1-based): evaluates, records the history entry and
/// checkpoints. False when a signal arrived during the evaluation (then
/// nothing is recorded).
bool Run::evaluateAndCheckpoint(int64_t done) {
  auto [valLoss, valAcc] = evaluate();
  if (stopRequested())
    return false;
  double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  history.push_back({done, intervalLossSum / double(intervalLossCount), valLoss,
                     valAcc, lrAt(done - 1), tokensPerSecond(), elapsed});
  // An evaluation only because --stop-after-step ends here keeps the
  // interval open, so the next one averages what an uninterrupted run
  // averages.
  if (done % spec.evalInterval == 0 || done == spec.steps) {
    intervalLossSum = 0;
    intervalLossCount = 0;
  }
  log(format("step %lld/%lld train_loss %.4f val_loss %.4f val_acc %.3f "
             "tok/s %.0f elapsed %.1fs",
             (long long)done, (long long)spec.steps, history.back().trainLoss,
             valLoss, valAcc, tokensPerSecond(), elapsed));
  saveCheckpoint(done);
  return true;
}

TrainOutcome Run::execute() {
  int64_t first = begin();
  catchInterrupts();
  int64_t step = first;
  int64_t end =
      opts.stopAfter > 0 ? std::min(spec.steps, opts.stopAfter) : spec.steps;
  for (; step < end && !stopRequested(); ++step) {
    trainStep(step, first == 0);
    bool last = step + 1 == end;
    if (((step + 1) % spec.evalInterval == 0 || last) &&
        !evaluateAndCheckpoint(step + 1)) {
      ++step; // interrupted during the evaluation: no history entry
      break;
    }
  }
  return finish(step);
}

/// After the loop: checkpoint an interrupted run, report a stopped one, or
/// certify a finished one.
TrainOutcome Run::finish(int64_t step) {
  if (comm)
    rankTimings = ranksJson();
  if (stopRequested()) {
    progress(step, lastLoss, tokensPerSecond(), true);
    saveCheckpoint(step);
    if (!isRoot())
      return TrainOutcome::interrupted;
    writeReport(step, true, nullptr, tokensPerSecond());
    log(format("interrupted at step %lld; checkpoint saved in %s (continue "
               "with --resume)",
               (long long)step, opts.outDir.c_str()));
    return TrainOutcome::interrupted;
  }
  if (!isRoot()) // rank 0 alone reports and certifies
    return step < spec.steps ? TrainOutcome::stopped : TrainOutcome::finished;
  if (step < spec.steps) {
    writeReport(step, false, nullptr, tokensPerSecond());
    log(format("stopped after step %lld of %lld as asked; checkpoint in %s "
               "(continue with --resume)",
               (long long)step, (long long)spec.steps, opts.outDir.c_str()));
    return TrainOutcome::stopped;
  }
  Certificate cert;
  try {
    cert = certifyTrained(model);
  } catch (const CertificationInterrupted &) {
    // The last step's checkpoint is written; only the certificate is missing.
    writeReport(step, true, nullptr, tokensPerSecond());
    log(format("interrupted during certification; the step-%lld checkpoint "
               "in %s is complete (certify it with --certify)",
               (long long)step, opts.outDir.c_str()));
    return TrainOutcome::interrupted;
  }
  writeReport(step, false, &cert, tokensPerSecond());
  if (!cert.applicable) {
    log(format("certificate: none (%s); empirical (c) %.4g",
               cert.reason.c_str(), cert.empiricalC));
  } else {
    std::string b = cert.capsB ? std::to_string(*cert.capsB) : "unbounded";
    log(format("certificate: (c) empirical %.4g <= (a) sound %.4g [reference "
               "variant %.4g] <= (b) caps %s; paper convention %.4g",
               cert.empiricalC, cert.soundA, cert.referenceA, b.c_str(),
               cert.paperSound));
  }
  log("report: " + path("report.json"));
  if (!cert.failure.empty())
    throw TrainError("certificate FAILED: " + cert.failure);
  return TrainOutcome::finished;
}

} // namespace

TrainResult train(const ModelSpec &spec, rt::Executable *kernels,
                  const TrainOptions &options) {
  TrainResult result;
  try {
    if (options.backend == OptimizerBackend::compiled && !kernels)
      throw TrainError("the compiled backend needs the optimizer program");
    if (kernels && kernels->device().kind != options.device)
      throw TrainError(
          std::string("the optimizer kernels were compiled for the ") +
          (kernels->device().kind == rt::DeviceKind::cuda ? "GPU" : "CPU") +
          " but the run is on the " +
          (options.device == rt::DeviceKind::cuda ? "GPU" : "CPU"));
    if (options.device == rt::DeviceKind::cuda)
      check(cudaTrainingAvailable());
    result.outcome = Run(spec, kernels, options).execute();
  } catch (const std::exception &e) {
    result.status = rt::Status::error(e.what());
  }
  return result;
}

rt::Status cudaTrainingAvailable() {
  if (rt::Status gpu = rt::cuda::available(); !gpu)
    return rt::Status::error("--device=cuda: " + gpu.message);
  if (!at::hasCUDA())
    return rt::Status::error(
        "--device=cuda: this lipt-run's LibTorch has no CUDA (Debian's "
        "LibTorch is CPU-only); build the runtime-only lipt-run against a "
        "LibTorch with CUDA (cmake -DLIPT_RUNTIME_ONLY=ON "
        "-DCMAKE_PREFIX_PATH=<torch.utils.cmake_prefix_path>, as "
        "scripts/device-check.sh does) and train a --target=cuda artifact");
  return rt::Status::success();
}

rt::Status certifyCheckpoint(const std::string &checkpoint,
                             const std::string &outFile, int threads,
                             std::string &json, bool &wasInterrupted) {
  wasInterrupted = false;
  try {
    setThreads(threads);
    std::unique_ptr<TorchModel> model = loadCheckpointModel(checkpoint);
    catchInterrupts();
    Certificate cert;
    try {
      cert = certifyTrained(*model);
    } catch (const CertificationInterrupted &) {
      wasInterrupted = true;
      return rt::Status::success();
    }
    rt::JsonValue out = cert.toJson();
    out.set("checkpoint", checkpoint);
    json = rt::writeJson(out, 2) + "\n";
    if (!outFile.empty()) {
      std::ofstream f(outFile);
      f << json;
      if (!f)
        throw TrainError(outFile + ": cannot write the certificate");
    }
    if (!cert.failure.empty())
      throw TrainError("certificate FAILED: " + cert.failure);
    return rt::Status::success();
  } catch (const std::exception &e) {
    return rt::Status::error(e.what());
  }
}

} // namespace lipt_train
