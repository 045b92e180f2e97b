//===- lipt-compile.cpp - compile lipt modules ahead of time --------------===//
//
//   lipt-compile x.mlir --target=cpu -o x.lipt.so [--target-cpu=host]
//   lipt-compile x.mlir --target=cuda -o x.lipt.so [--gpu=sm_90] [--tf32]
//                [--bf16-products]
//   lipt-compile x.mlir --target=cuda --emit=ptx -o DIR
//
// Writes an artifact (include/lipt-c/Artifact.h): a shared library with a
// JSON manifest and one C entry point per public function, which
// lipt_runtime::loadArtifact, `lipt-run x.lipt.so --function=NAME` and the
// runtime-only build run without LLVM. The input is IR text: lipt ops,
// anything lowered to linalg/tensor/arith, or foreign IR whose lipt custom
// calls lipt-cpu-pipeline imports. A model file's artifact holds its
// optimizer kernels and training spec: `lipt-run model.lipt.so` trains it.
//
//===----------------------------------------------------------------------===//

#include "lipt/Backend/Backend.h"
#include "lipt/Backend/Cuda/CudaBackend.h"
#include "lipt/ModelImport/ModelImport.h"
#include "lipt/Tools/CommandLine.h"
#include "lipt/Tools/ModuleFile.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory compileCategory("Compiling (lipt-compile)");
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<module.mlir>"),
                                      cl::cat(compileCategory));
static cl::opt<std::string> outputFile("o",
                                       cl::desc("The artifact to write "
                                                "(conventionally x.lipt.so)"),
                                       cl::value_desc("file"),
                                       cl::cat(compileCategory));
static cl::opt<std::string>
    target("target",
           cl::desc("What the artifact runs on (a backend: cpu, cuda)"),
           cl::init("cpu"), cl::cat(compileCategory));
static cl::opt<std::string>
    gpu("gpu",
        cl::desc("--target=cuda: the GPU architecture (default sm_90: H100, "
                 "H200)"),
        cl::init("sm_90"), cl::cat(compileCategory));
static cl::opt<bool>
    tf32("tf32",
         cl::desc("--target=cuda: f32 matrix products on TF32 tensor cores"),
         cl::init(false), cl::cat(compileCategory));
static cl::opt<bool> bf16Products(
    "bf16-products",
    cl::desc("--target=cuda: f32 matrix products take bf16 copies of their "
             "operands (tensor cores, f32 accumulation)"),
    cl::init(false), cl::cat(compileCategory));
static cl::opt<std::string>
    emit("emit",
         cl::desc("What to write: artifact (default, a shared library at -o) "
                  "or ptx (--target=cuda: each kernel module's PTX into the "
                  "folder -o)"),
         cl::init("artifact"), cl::cat(compileCategory));
static cl::opt<std::string> targetCpu(
    "target-cpu",
    cl::desc("The CPU the code may assume: an LLVM CPU name (default "
             "x86-64-v3: any x86 server of the last decade), or host (this "
             "machine: fastest here, may fail elsewhere)"),
    cl::init("x86-64-v3"), cl::cat(compileCategory));

static int fail(const std::string &message) {
  llvm::errs() << "lipt-compile: error: " << message << "\n";
  return 1;
}

/// The folder of liblipt_blas_shims.so: lib/ beside this tool's bin/.
static std::string runtimeLibDir(const char *argv0) {
  std::string exe =
      llvm::sys::fs::getMainExecutable(argv0, (void *)&runtimeLibDir);
  llvm::SmallString<256> dir(
      llvm::sys::path::parent_path(llvm::sys::path::parent_path(exe)));
  llvm::sys::path::append(dir, "lib");
  return std::string(dir);
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  lipt::showOnlyOwnOptionsInHelp({&compileCategory});
  cl::ParseCommandLineOptions(argc, argv, "lipt ahead-of-time compiler\n");
  if (inputFile.empty() || outputFile.empty())
    return fail("usage: lipt-compile x.mlir --target=cpu|cuda -o x.lipt.so");
  if (emit != "artifact" && emit != "ptx")
    return fail("--emit=" + emit + " is not one of artifact, ptx");
  const lipt::Backend *backend = lipt::lookupBackend(target);
  if (!backend) {
    std::string known;
    for (const std::string &name : lipt::backendNames())
      known += (known.empty() ? "" : ", ") + name;
    return fail("--target=" + target + " is not a backend of this build (" +
                known + ")");
  }
  bool forGpu = backend->deviceKind() == lipt_runtime::DeviceKind::cuda;
  if ((tf32 || bf16Products) && !forGpu)
    return fail(std::string(tf32 ? "--tf32" : "--bf16-products") +
                " chooses how a GPU multiplies; --target=" + target +
                " has no such choice");
  if (gpu.getNumOccurrences() && !forGpu)
    return fail("--gpu chooses a GPU architecture; --target=" + target +
                " compiles for a CPU (--target-cpu)");
  // A mistyped architecture is the command line's error, found before the
  // module is read (and not reported at a location in it).
  if (std::string error; forGpu && failed(lipt::ptxFeaturesFor(gpu, error)))
    return fail(error);

  std::unique_ptr<MLIRContext> context = lipt::createToolContext();
  lipt::ModuleFileReader reader(*context);
  std::string error;
  OwningOpRef<ModuleOp> module = reader.read(inputFile, error);
  if (!module)
    return error.empty() ? 1 : fail(error); // else the parser reported where

  lipt::ArtifactOptions options;
  options.targetCpu = targetCpu;
  options.runtimeLibDir = runtimeLibDir(argv[0]);
  options.gpuChip = gpu;
  options.tf32 = tf32;
  options.bf16Products = bf16Products;
  // A model file: its artifact holds the optimizer kernels of its weight
  // groups and its training spec, which lipt-run trains from. (The model's
  // forward pass is LibTorch's until the model ops lower, issue 12.)
  if (lipt::hasModel(*module)) {
    FailureOr<lipt_train::ModelSpec> spec = lipt::importModel(*module);
    if (failed(spec))
      return 1; // diagnostics name the op
    module = lipt::buildOptimizerKernels(*spec, context.get());
    if (!module)
      return 1;
    options.modelSpecJson = lipt_train::toJson(*spec);
  }
  LogicalResult written =
      emit == "ptx" ? backend->emitKernels(*module, outputFile, options)
                    : backend->writeArtifact(*module, outputFile, options);
  if (failed(written))
    return 1; // diagnostics name the op or the step
  return 0;
}
