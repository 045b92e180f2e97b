//===- Driver.cpp - lipt-run without the compiler -------------------------===//

#include "Driver.h"

#include "lipt/Runtime/Artifact.h"
#include "lipt/Runtime/CharCorpus.h"

#include <filesystem>

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
  lipt_train::ModelSpec spec;
  if (rt::Status s = lipt_train::fromJson(info.model, spec); !s)
    return fail(options.run.source + ": manifest field 'model': " + s.message);
  return trainSpec(options, std::move(spec), std::move(kernels), 0);
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
  train.injectNanAtStep = options.injectNanAtStep;
  train.killInCheckpointAtStep = options.killInCheckpointAtStep;
  train.kernelCompilations = compilations;
  if (rt::Status found = corpusPath(options, spec, train.dataPath); !found)
    return fail(found.message);
  std::error_code ec;
  std::filesystem::create_directories(options.outDir, ec);
  if (ec)
    return fail(options.outDir +
                ": cannot create the output directory: " + ec.message());
  if (options.backend == lipt_train::OptimizerBackend::reference)
    kernels.reset();
  return lipt_train::train(spec, kernels.get(), train);
}

int runLiptRun(int argc, char **argv, ModuleRunner moduleRunner) {
  Options options;
  if (std::optional<int> exit = parseCommandLine(argc, argv, options))
    return *exit;
  if (!options.certify.empty())
    return lipt_train::certifyCheckpoint(options.certify, options.certifyOut,
                                         options.threads);
  if (options.run.source.empty())
    return fail("no model file (usage: lipt-run model.mlir [--data PATH] "
                "[--steps N] [--out DIR] [--resume], or --certify "
                "CHECKPOINT)");
  // An artifact (lipt-compile's output) runs without compiling anything.
  if (rt::isArtifactFile(options.run.source))
    return runArtifactFile(options);
  if (!moduleRunner) {
    if (rt::Status file =
            rt::checkRegularFile(options.run.source, rt::kMaxArtifactBytes);
        !file)
      return fail(options.run.source + ": " + file.message);
    return fail(options.run.source +
                " is not an artifact, and this lipt-run (the runtime-only "
                "build) has no compiler: compile it elsewhere with "
                "`lipt-compile x.mlir -o x.lipt.so`");
  }
  return moduleRunner(options);
}

} // namespace lipt_run
