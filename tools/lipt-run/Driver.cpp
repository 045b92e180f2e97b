//===- Driver.cpp - lipt-run without the compiler -------------------------===//

#include "Driver.h"
#include "Launcher.h"

#include "lipt/Runtime/Artifact.h"
#include "lipt/Runtime/CharCorpus.h"
#include "lipt/Runtime/Json.h"
#include "lipt/Train/Robustness.h"

#include <cstdio>
#include <filesystem>
#include <thread>
#include <unistd.h>

namespace rt = lipt_runtime;

namespace lipt_run {
namespace {

/// The corpus: --data, else the model's `data` (relative to the model
/// file), else $LIPT_DATA, else the shared copy.
rt::Status corpusPath(const Options &options, const lipt_train::ModelSpec &spec,
                      std::string &out) {
  std::string explicitPath = options.dataPath;
  if (explicitPath.empty() && !spec.data.empty()) {
    std::filesystem::path p(spec.data);
    if (p.is_relative())
      p = std::filesystem::path(options.run.source).parent_path() / p;
    explicitPath = p.string();
  }
  return rt::resolveCorpusPath(explicitPath, out);
}

/// An artifact: --function or --list-functions run it; without them, a
/// model file's artifact trains with its compiled kernels.
int runArtifactFile(const Options &options) {
  if (options.run.list || !options.run.function.empty())
    return runArtifact(options.run);
  std::unique_ptr<rt::Executable> kernels;
  rt::ArtifactInfo info;
  if (rt::Status loaded = rt::loadArtifact(options.run.source, kernels, &info);
      !loaded)
    return fail(loaded.message);
  if (info.model.empty())
    return runArtifact(options.run); // says what to pass
  if (info.target != options.run.device)
    return fail(info.target == rt::DeviceKind::cuda
                    ? options.run.source +
                          " holds CUDA optimizer kernels: train it with "
                          "--device=cuda, or compile the model with "
                          "lipt-compile --target=cpu to train on the CPU"
                    : options.run.source +
                          " holds CPU optimizer kernels: compile the model "
                          "with lipt-compile --target=cuda to train with "
                          "--device=cuda");
  lipt_train::ModelSpec spec;
  if (rt::Status s = lipt_train::fromJson(info.model, spec); !s)
    return fail(options.run.source + ": manifest field 'model': " + s.message);
  return trainSpec(options, std::move(spec), std::move(kernels), 0);
}

/// The run's reports on stderr: a progress bar on a terminal (rewritten in
/// place), a line per event, and a newline that ends a bar before a line.
class TerminalReporter {
public:
  void attach(lipt_train::TrainOptions &train) {
    train.log = [this](const std::string &line) {
      endBar();
      std::fprintf(stderr, "%s%s\n",
                   isStatus(line) ? "" : "lipt-run: ", line.c_str());
    };
    if (!isatty(2))
      return;
    train.progress = [this](int64_t step, int64_t steps, double loss,
                            double tps, double eta, bool done) {
      const int width = 30;
      std::string bar(size_t(width * double(step) / double(steps)), '#');
      bar.resize(width, ' ');
      std::fprintf(stderr, "\r[%s] %lld/%lld loss %.4f %.0f tok/s ETA %.0fs  ",
                   bar.c_str(), (long long)step, (long long)steps, loss, tps,
                   eta);
      barShown = !done;
      if (done)
        std::fputc('\n', stderr);
      std::fflush(stderr);
    };
  }
  void endBar() {
    if (barShown)
      std::fputc('\n', stderr);
    barShown = false;
  }

private:
  /// Per-step and result lines read as data (scripts grep them), so they
  /// carry no tool prefix.
  static bool isStatus(const std::string &line) {
    for (const char *prefix : {"step ", "certificate: ", "report: "})
      if (line.rfind(prefix, 0) == 0)
        return true;
    return false;
  }
  bool barShown = false;
};

/// The exit code of a run: 1 on an error, 130 when a signal stopped it.
/// A data-parallel rank's error names the rank.
int exitCode(const lipt_train::TrainResult &result, TerminalReporter &reporter,
             const lipt_train::WorldConfig &world) {
  reporter.endBar();
  if (!result.status) {
    const std::string &m = result.status.message;
    if (world.distributed() && m.rfind("rank ", 0) != 0)
      return fail("rank " + std::to_string(world.rank) + ": " + m);
    return fail(m);
  }
  return result.outcome == lipt_train::TrainOutcome::interrupted ? 130 : 0;
}

/// --certify: the certificate as JSON on stdout.
int certify(const Options &options) {
  std::string json;
  bool interrupted = false;
  rt::Status s = lipt_train::certifyCheckpoint(
      options.certify, options.certifyOut, options.threads, json, interrupted);
  std::fputs(json.c_str(), stdout);
  if (!s)
    return fail(s.message);
  if (interrupted) {
    std::fprintf(stderr, "lipt-run: interrupted; no certificate written\n");
    return 130;
  }
  return 0;
}

/// --eval: the validation loss and accuracy as JSON on stdout.
int evaluate(const Options &options, const CompilerHooks &hooks) {
  if (!options.evalWithTorch && !hooks.compileForward)
    return fail("--eval compiles the model's forward pass, and this lipt-run "
                "(the runtime-only build) has no compiler; pass "
                "--eval-backend=torch");
  lipt_train::EvalOptions eval;
  eval.checkpoint = options.evalCheckpoint;
  eval.threads = options.threads;
  eval.batches = options.evalBatches;
  if (rt::Status found = rt::resolveCorpusPath(options.dataPath, eval.dataPath);
      !found)
    return fail(found.message);
  lipt_train::EvalResult result;
  rt::Status s = lipt_train::evaluateCheckpoint(
      eval, options.evalWithTorch ? nullptr : &hooks.compileForward, result);
  if (!s)
    return fail(s.message);
  rt::JsonValue out = rt::JsonValue::makeObject();
  out.set("checkpoint", eval.checkpoint);
  out.set("backend", options.evalWithTorch ? "torch" : "compiled");
  out.set("data", eval.dataPath);
  out.set("val_loss", result.valLoss);
  out.set("val_acc", result.valAcc);
  out.set("batches", (long long)result.batches);
  out.set("tokens", (long long)result.tokens);
  std::fputs((rt::writeJson(out, 2) + "\n").c_str(), stdout);
  return 0;
}

/// --robustness: the report as JSON on stdout (also when an attack broke
/// the certificate, which is then the error).
int robustness(const Options &options) {
  lipt_train::RobustnessOptions robust;
  robust.checkpoint = options.robustnessCheckpoint;
  robust.threads = options.threads;
  robust.batches = options.evalBatches;
  if (rt::Status found =
          rt::resolveCorpusPath(options.dataPath, robust.dataPath);
      !found)
    return fail(found.message);
  rt::JsonValue report;
  rt::Status s = lipt_train::robustnessReport(robust, report);
  if (report.kind == rt::JsonValue::Object)
    std::fputs((rt::writeJson(report, 2) + "\n").c_str(), stdout);
  return s ? 0 : fail(s.message);
}

/// --nproc N: N local workers of this command line (Launcher.h); only for
/// training, and not inside a job that torchrun already started.
int launch(int argc, char **argv, const Options &options) {
  if (std::getenv("WORLD_SIZE"))
    return fail("--nproc starts its own workers, but this process is already "
                "part of a job (WORLD_SIZE is set, as torchrun sets it): "
                "drop --nproc, or unset the torchrun variables");
  if (options.run.list || !options.run.function.empty() ||
      !options.certify.empty() || !options.evalCheckpoint.empty() ||
      !options.robustnessCheckpoint.empty())
    return fail("--nproc trains data-parallel; --function, --certify, "
                "--eval and --robustness run in one process");
  if (options.run.source.empty())
    return fail("--nproc: no model file to train");
  int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  int threads = options.threads > 0 ? options.threads
                                    : std::max(1, cores / options.nproc);
  return launchWorkers(argc, argv, options.nproc, threads);
}

} // namespace

int trainSpec(const Options &options, lipt_train::ModelSpec spec,
              std::unique_ptr<rt::Executable> kernels, int compilations) {
  if (options.steps)
    spec.steps = *options.steps;
  lipt_train::TrainOptions train;
  train.modelFile = options.run.source;
  train.outDir = options.outDir;
  train.resume = options.resume;
  train.stopAfter = options.stopAfter;
  train.threads = options.threads;
  train.backend = options.backend;
  train.device = options.run.device;
  train.injectNanAtStep = options.injectNanAtStep;
  train.killInCheckpointAtStep = options.killInCheckpointAtStep;
  train.kernelCompilations = compilations;
  if (rt::Status world = lipt_train::readTorchrunEnvironment(train.world);
      !world)
    return fail(world.message);
  train.world.timeout = std::chrono::seconds(options.distTimeoutSeconds);
  bool root = train.world.rank == 0;
  if (rt::Status found = corpusPath(options, spec, train.dataPath); !found)
    return fail(found.message);
  // A GPU run that cannot start leaves no empty --out behind.
  if (train.device == rt::DeviceKind::cuda)
    if (rt::Status gpu = lipt_train::cudaTrainingAvailable(); !gpu)
      return fail(gpu.message);
  std::error_code ec;
  if (root)
    std::filesystem::create_directories(options.outDir, ec);
  if (ec)
    return fail(options.outDir +
                ": cannot create the output directory: " + ec.message());
  if (options.backend == lipt_train::OptimizerBackend::reference)
    kernels.reset();
  TerminalReporter reporter;
  if (root) // the other ranks speak only when they fail
    reporter.attach(train);
  return exitCode(lipt_train::train(spec, kernels.get(), train), reporter,
                  train.world);
}

int runLiptRun(int argc, char **argv, const CompilerHooks &hooks) {
  Options options;
  if (std::optional<int> exit = parseCommandLine(argc, argv, options))
    return *exit;
  bool runsFunction = options.run.list || !options.run.function.empty();
  bool onGpu = options.run.device == rt::DeviceKind::cuda;
  if (onGpu && (!options.certify.empty() || !options.evalCheckpoint.empty() ||
                !options.robustnessCheckpoint.empty()))
    return fail("--device=cuda trains or runs --function on a GPU; --eval, "
                "--certify and --robustness run on the CPU");
  if (onGpu && options.nproc > 1)
    return fail("--nproc trains data-parallel on the CPU (Gloo); a GPU run "
                "is one process: drop --nproc or --device=cuda");
  if (options.nproc > 1 || (options.nproc == 1 && std::getenv("WORLD_SIZE")))
    return launch(argc, argv, options);
  if (!options.certify.empty())
    return certify(options);
  if (!options.evalCheckpoint.empty())
    return evaluate(options, hooks);
  if (!options.robustnessCheckpoint.empty())
    return robustness(options);
  if (options.run.source.empty())
    return fail("no model file (usage: lipt-run model.mlir [--data PATH] "
                "[--steps N] [--out DIR] [--resume], or --certify "
                "CHECKPOINT)");
  // An artifact (lipt-compile's output) runs without compiling anything.
  if (rt::isArtifactFile(options.run.source))
    return runArtifactFile(options);
  if (!hooks.runModule) {
    if (rt::Status file =
            rt::checkRegularFile(options.run.source, rt::kMaxArtifactBytes);
        !file)
      return fail(options.run.source + ": " + file.message);
    return fail(options.run.source +
                " is not an artifact, and this lipt-run (the runtime-only "
                "build) has no compiler: compile it elsewhere with "
                "`lipt-compile x.mlir -o x.lipt.so`");
  }
  return hooks.runModule(options);
}

} // namespace lipt_run
