//===- lipt-run.cpp - train, certify and run lipt modules -----------------===//
//
//   lipt-run model.mlir [--data PATH] [--steps N] [--out DIR] [--resume]
//   lipt-run --certify DIR/model.safetensors
//   lipt-run x.mlir --function=NAME --input=2x3xf32=[...] --input=@w.npy
//                   [--output=@out.npy | --output=-]...
//   lipt-run x.lipt.so ...   (an artifact from lipt-compile: the same)
//
// Without --function, trains the model of the file (lipt/Train/Trainer.h).
// With it, runs one function of a module through the compiled CPU path, in
// the manner of iree-run-module; outputs without an --output are printed.
// Every bad input (unknown function, wrong count, shape or dtype, missing or
// corrupt file, malformed model) is an error naming it and a non-zero exit.
//
// This file is what the full build adds to the runtime-only lipt-run
// (Driver.h): reading .mlir files, importing their model and compiling.
//
//===----------------------------------------------------------------------===//

#include "Driver.h"

#include "lipt/Backend/Cpu/CpuBackend.h"
#include "lipt/Backend/Cuda/CudaBackend.h"
#include "lipt/ModelImport/ModelFunction.h"
#include "lipt/ModelImport/ModelImport.h"
#include "lipt/Runtime/HostTuning.h"
#include "lipt/Tools/ModuleFile.h"

#include "llvm/Support/InitLLVM.h"

using namespace mlir;
namespace rt = lipt_runtime;
using lipt_run::fail;

/// Trains the model of `module`: its optimizer kernels are compiled once
/// here (the learning rate and the soft cap's strength are applied on the
/// host, so a schedule never recompiles).
static int trainModel(ModuleOp module, MLIRContext &context,
                      const lipt_run::Options &options) {
  const std::string &file = options.run.source;
  if (!lipt::hasModel(module))
    return fail(file + " has no model to train (no function ends in "
                       "lipt.head); pass --function=NAME to run one of "
                       "its functions");
  FailureOr<lipt_train::ModelSpec> spec = lipt::importModel(module);
  if (failed(spec))
    return 1; // diagnostics name the op
  // Before compiling anything: a machine that cannot train on a GPU says
  // so at once.
  bool onGpu = options.run.device == rt::DeviceKind::cuda;
  if (onGpu)
    if (rt::Status gpu = lipt_train::cudaTrainingAvailable(); !gpu)
      return fail(gpu.message);
  std::unique_ptr<rt::Executable> kernels;
  int compilations = 0;
  if (options.backend == lipt_train::OptimizerBackend::compiled) {
    OwningOpRef<ModuleOp> kernelModule =
        lipt::buildOptimizerKernels(*spec, &context);
    if (!kernelModule)
      return 1;
    const lipt::Backend &backend =
        onGpu ? lipt::getCudaBackend() : lipt::getCpuBackend();
    FailureOr<std::unique_ptr<rt::Executable>> exe =
        backend.compile(*kernelModule);
    if (failed(exe))
      return fail("the optimizer kernels did not compile");
    kernels = std::move(*exe);
    compilations = 1;
  }
  return lipt_run::trainSpec(options, *spec, std::move(kernels), compilations);
}

/// A .mlir file: trains its model, or runs one of its functions.
static int runModule(const lipt_run::Options &options) {
  std::unique_ptr<MLIRContext> context = lipt::createToolContext();
  lipt::ModuleFileReader reader(*context);
  std::string error;
  OwningOpRef<ModuleOp> module = reader.read(options.run.source, error);
  if (!module)
    return error.empty() ? 1 : fail(error); // else the parser reported where
  if (!options.run.list && options.run.function.empty())
    return trainModel(*module, *context, options);
  const lipt::Backend &backend = options.run.device == rt::DeviceKind::cuda
                                     ? lipt::getCudaBackend()
                                     : lipt::getCpuBackend();
  FailureOr<std::unique_ptr<rt::Executable>> exe = backend.compile(*module);
  if (failed(exe))
    return 1; // diagnostics were emitted with locations
  return lipt_run::runFunction(**exe, options.run);
}

/// --eval's compiled forward: the checkpoint's model function
/// (buildModelFunction, batch = the config's batch) through the CPU backend,
/// called with the checkpoint's weights bound to its weight arguments.
static rt::Status compileForward(const lipt_train::ModelSpec &spec,
                                 const std::vector<rt::NamedTensor> &weights,
                                 lipt_train::ForwardFn &out) {
  std::unique_ptr<MLIRContext> context = lipt::createToolContext();
  OwningOpRef<ModuleOp> module =
      lipt::buildModelFunction(spec, spec.batch, context.get());
  FailureOr<std::unique_ptr<rt::Executable>> exe =
      lipt::getCpuBackend().compile(*module);
  if (failed(exe))
    return rt::Status::error("the model's forward pass did not compile");
  std::shared_ptr<rt::Executable> model = std::move(*exe);
  auto bound = std::make_shared<std::vector<rt::NamedTensor>>(weights);
  rt::TensorType tokenType{rt::DType::i32, {spec.batch, spec.seqLen}};
  rt::TensorType logitType{rt::DType::f32,
                           {spec.batch, spec.seqLen, spec.vocab}};
  out = [model, bound, tokenType, logitType](const std::vector<int32_t> &tokens,
                                             std::vector<float> &logits) {
    if (int64_t(tokens.size()) != tokenType.numElements())
      return rt::Status::error("the compiled forward takes " + tokenType.str() +
                               " tokens");
    std::vector<rt::TensorView> inputs{
        {const_cast<int32_t *>(tokens.data()), tokenType, {}}};
    for (rt::NamedTensor &w : *bound)
      inputs.push_back(w.tensor.view());
    logits.resize(size_t(logitType.numElements()));
    return model->invoke("model", inputs, {{logits.data(), logitType, {}}});
  };
  return rt::Status::success();
}

int main(int argc, char **argv) {
  // Before anything else: BLAS and OpenMP read these settings at load time.
  rt::tuneHostOrReexec(argv, "lipt-run");
  llvm::InitLLVM init(argc, argv); // stack traces on a crash
  lipt_run::CompilerHooks hooks;
  hooks.runModule = runModule;
  hooks.compileForward = compileForward;
  return lipt_run::runLiptRun(argc, argv, hooks);
}
