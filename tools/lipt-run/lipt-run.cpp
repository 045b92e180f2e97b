//===- lipt-run.cpp - train, certify and run lipt modules -----------------===//
//
//   lipt-run model.mlir [--data PATH] [--steps N] [--out DIR] [--resume]
//   lipt-run --certify DIR/model.safetensors
//   lipt-run x.mlir --function=NAME --input=2x3xf32=[...] --input=@w.npy
//                   [--output=@out.npy | --output=-]...
//
// Without --function, trains the model of the file (lipt/Train/Trainer.h).
// With it, runs one function of a module through the compiled CPU path, in
// the manner of iree-run-module; outputs without an --output are printed.
// Every bad input (unknown function, wrong count, shape or dtype, missing or
// corrupt file, malformed model) is an error naming it and a non-zero exit.
//
//===----------------------------------------------------------------------===//

#include "RunFunction.h"

#include "lipt/Backend/Cpu/CpuBackend.h"
#include "lipt/Dialect/LiptOps.h"
#include "lipt/Runtime/Artifact.h"
#include "lipt/Runtime/CharCorpus.h"
#include "lipt/Runtime/HostTuning.h"
#include "lipt/Runtime/TensorIO.h"
#include "lipt/Tools/CommandLine.h"
#include "lipt/Tools/ModuleFile.h"
#include "lipt/Train/ModelImport.h"
#include "lipt/Train/Trainer.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
namespace cl = llvm::cl;
namespace rt = lipt_runtime;

static cl::OptionCategory runCategory("Running one function (--function)");
static cl::opt<std::string>
    inputFile(cl::Positional, cl::desc("<module.mlir|artifact.lipt.so>"),
              cl::cat(runCategory));
static cl::opt<std::string>
    functionName("function", cl::desc("Function of the module to run"),
                 cl::value_desc("name"), cl::cat(runCategory));
static cl::list<std::string>
    inputs("input", cl::desc("An input, in order: 2x3xf32=[...] or @file.npy"),
           cl::value_desc("tensor"), cl::cat(runCategory));
static cl::list<std::string>
    outputs("output",
            cl::desc("Where result i goes, in order: @file.npy, or - to "
                     "print (the default for results without one)"),
            cl::value_desc("@file.npy|-"), cl::cat(runCategory));
static cl::opt<bool> listFunctions("list-functions",
                                   cl::desc("Print the module's functions "
                                            "and their signatures"),
                                   cl::cat(runCategory));

static cl::OptionCategory trainCategory("Training (without --function)");
static cl::opt<std::string>
    dataPath("data",
             cl::desc("The text corpus (default: the model's 'data', then "
                      "$LIPT_DATA, then ../shared/data/tinyshakespeare.txt)"),
             cl::value_desc("path"), cl::cat(trainCategory));
static cl::opt<int64_t> stepsFlag("steps",
                                  cl::desc("Train this many steps in all "
                                           "(overrides lipt.train's steps)"),
                                  cl::init(0), cl::cat(trainCategory));
static cl::opt<std::string>
    outDir("out", cl::desc("Where checkpoints and report.json go"),
           cl::value_desc("dir"), cl::init("lipt-out"), cl::cat(trainCategory));
static cl::opt<int64_t>
    stopAfter("stop-after-step",
              cl::desc("Checkpoint and stop after this step (the schedule "
                       "still spans all steps; continue with --resume)"),
              cl::init(0), cl::cat(trainCategory));
static cl::opt<bool> resume("resume",
                            cl::desc("Continue from the checkpoint in --out"),
                            cl::cat(trainCategory));
static cl::opt<std::string>
    certify("certify",
            cl::desc("Certify the Lipschitz bound of a checkpoint "
                     "(model.safetensors) and print it as JSON"),
            cl::value_desc("checkpoint"), cl::cat(trainCategory));
static cl::opt<std::string>
    certifyOut("certify-out", cl::desc("Also write --certify's JSON here"),
               cl::value_desc("file"), cl::cat(trainCategory));
static cl::opt<int> threads("cpu-threads",
                            cl::desc("CPU threads (default: every core)"),
                            cl::init(0), cl::cat(trainCategory));
static cl::opt<lipt_train::OptimizerBackend> backend(
    "optimizer-backend", cl::desc("How the optimizer step runs"),
    cl::values(clEnumValN(lipt_train::OptimizerBackend::compiled, "compiled",
                          "compiled lipt kernels (default)"),
               clEnumValN(lipt_train::OptimizerBackend::eager, "eager",
                          "the same algorithm in eager LibTorch (baseline)")),
    cl::init(lipt_train::OptimizerBackend::compiled), cl::cat(trainCategory));
static cl::opt<int64_t>
    injectNan("debug-inject-nan-at-step",
              cl::desc("Testing only: make the loss NaN at this step"),
              cl::init(-1), cl::Hidden, cl::cat(trainCategory));
static cl::opt<int64_t> killInCheckpoint(
    "debug-kill-in-checkpoint-at-step",
    cl::desc("Testing only: SIGKILL after writing this step's checkpoint "
             "files, before publishing them"),
    cl::init(-1), cl::Hidden, cl::cat(trainCategory));

using lipt_run::fail;

static lipt_run::RunFunctionOptions runOptions() {
  lipt_run::RunFunctionOptions options;
  options.source = inputFile;
  options.function = functionName;
  options.inputs = inputs;
  options.outputs = outputs;
  options.list = listFunctions;
  return options;
}

/// The corpus: --data, else the model's `data` (relative to the model
/// file), else $LIPT_DATA, else the shared copy.
static rt::Status corpusPath(const lipt_train::ModelSpec &spec,
                             std::string &out) {
  std::string explicitPath = dataPath;
  if (explicitPath.empty() && !spec.data.empty()) {
    llvm::SmallString<256> p(spec.data);
    if (llvm::sys::path::is_relative(p)) {
      p = llvm::sys::path::parent_path(inputFile);
      llvm::sys::path::append(p, spec.data);
    }
    explicitPath = std::string(p);
  }
  return rt::resolveCorpusPath(explicitPath, out);
}

/// Trains `spec` with `kernels` (compiled `compilations` times here: 1 from
/// a .mlir, 0 from an artifact; null for the eager backend).
static int trainSpec(lipt_train::ModelSpec spec,
                     std::unique_ptr<rt::Executable> kernels,
                     int compilations) {
  if (stepsFlag.getNumOccurrences()) {
    if (stepsFlag < 1)
      return fail("--steps must be >= 1");
    spec.steps = stepsFlag;
  }
  lipt_train::TrainOptions options;
  options.modelFile = inputFile;
  options.outDir = outDir;
  options.resume = resume;
  options.stopAfter = stopAfter;
  options.threads = threads;
  options.backend = backend;
  options.injectNanAtStep = injectNan;
  options.killInCheckpointAtStep = killInCheckpoint;
  options.kernelCompilations = compilations;
  rt::Status found = corpusPath(spec, options.dataPath);
  if (!found)
    return fail(found.message);
  if (std::error_code ec = llvm::sys::fs::create_directories(outDir))
    return fail(outDir +
                ": cannot create the output directory: " + ec.message());
  if (backend == lipt_train::OptimizerBackend::eager)
    kernels.reset();
  return lipt_train::train(spec, kernels.get(), options);
}

static int trainModel(ModuleOp module, MLIRContext &context) {
  if (!lipt::hasModel(module))
    return fail(inputFile + " has no model to train (no function ends in "
                            "lipt.head); pass --function=NAME to run one of "
                            "its functions");
  FailureOr<lipt_train::ModelSpec> spec = lipt::importModel(module);
  if (failed(spec))
    return 1; // diagnostics name the op
  // The optimizer kernels for this model's weight groups, compiled once: the
  // learning rate and the soft cap's strength are applied on the host, so a
  // schedule never recompiles.
  std::unique_ptr<rt::Executable> kernels;
  int compilations = 0;
  if (backend == lipt_train::OptimizerBackend::compiled) {
    OwningOpRef<ModuleOp> kernelModule =
        lipt::buildOptimizerKernels(*spec, &context);
    if (!kernelModule)
      return 1;
    FailureOr<std::unique_ptr<rt::Executable>> exe =
        lipt::compileForCpu(*kernelModule);
    if (failed(exe))
      return fail("the optimizer kernels did not compile");
    kernels = std::move(*exe);
    compilations = 1;
  }
  return trainSpec(*spec, std::move(kernels), compilations);
}

/// An artifact: a model file's (lipt-compile model.mlir) trains with its
/// compiled kernels; any artifact runs --function.
static int runArtifact() {
  if (!listFunctions && !functionName.empty())
    return lipt_run::runArtifact(runOptions());
  if (listFunctions)
    return lipt_run::runArtifact(runOptions());
  std::unique_ptr<rt::Executable> kernels;
  rt::ArtifactInfo info;
  if (rt::Status loaded = rt::loadArtifact(inputFile, kernels, &info); !loaded)
    return fail(loaded.message);
  if (info.model.empty())
    return lipt_run::runArtifact(runOptions()); // says what to pass
  lipt_train::ModelSpec spec;
  if (rt::Status s = lipt_train::fromJson(info.model, spec); !s)
    return fail(inputFile + ": manifest field 'model': " + s.message);
  return trainSpec(std::move(spec), std::move(kernels), 0);
}

int main(int argc, char **argv) {
  // Before anything else: BLAS and OpenMP read these settings at load time.
  rt::tuneHostOrReexec(argv, "lipt-run");
  llvm::InitLLVM init(argc, argv);
  lipt::showOnlyOwnOptionsInHelp({&runCategory, &trainCategory});
  cl::ParseCommandLineOptions(argc, argv, "lipt module runner\n");

  if (!certify.empty())
    return lipt_train::certifyCheckpoint(certify, certifyOut, threads);
  if (inputFile.empty())
    return fail("no model file (usage: lipt-run model.mlir [--data PATH] "
                "[--steps N] [--out DIR] [--resume], or --certify "
                "CHECKPOINT)");

  // An artifact (lipt-compile's output) runs without compiling anything.
  if (rt::isArtifactFile(inputFile))
    return runArtifact();

  std::unique_ptr<MLIRContext> context = lipt::createCpuToolContext();
  lipt::ModuleFileReader reader(*context);
  std::string error;
  OwningOpRef<ModuleOp> module = reader.read(inputFile, error);
  if (!module)
    return error.empty() ? 1 : fail(error); // else the parser reported where

  if (!listFunctions && functionName.empty())
    return trainModel(*module, *context);

  FailureOr<std::unique_ptr<rt::Executable>> exe = lipt::compileForCpu(*module);
  if (failed(exe))
    return 1; // diagnostics were emitted with locations

  return runFunction(**exe, runOptions());
}
