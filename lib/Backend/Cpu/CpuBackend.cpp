//===- CpuBackend.cpp - lower a module for the CPU and JIT-compile it -----===//
//
// Calling convention: lipt-cpu-pipeline turns tensor results into
// caller-allocated out-parameters (buffer-results-to-out-params) and every
// public function gets a C interface (_mlir_ciface_NAME) taking one memref
// descriptor pointer per input, then per output. Arguments are marked
// non-writable so compiled code never writes into an input.
//
//===----------------------------------------------------------------------===//

#include "lipt/Backend/Cpu/CpuBackend.h"
#include "lipt/Backend/HostCode.h"
#include "lipt/InitAll.h"
#include "lipt/Passes/Passes.h"
#include "lipt/Runtime/BlasShims.h"
#include "lipt/Runtime/Scratch.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/TargetSelect.h"

#ifndef LIPT_MLIR_C_RUNNER_UTILS
#define LIPT_MLIR_C_RUNNER_UTILS                                               \
  "/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so"
#endif

using namespace mlir;
namespace rt = lipt_runtime;

void mlir::lipt::registerCpuExecutionDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerLiptDialects(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

namespace {

/// Points compiled code's malloc/free at the runtime's scratch cache
/// (Scratch.h): the temporaries of one call are the next call's, without
/// fresh pages each time. Only this module's calls change; mlir-runner and
/// lipt-opt keep plain malloc.
LogicalResult useScratchAllocator(ModuleOp module) {
  for (auto [from, to] :
       {std::pair<StringRef, StringRef>{"malloc", "lipt_rt_scratch_alloc"},
        {"free", "lipt_rt_scratch_free"}}) {
    auto fn = module.lookupSymbol<LLVM::LLVMFuncOp>(from);
    if (!fn)
      continue;
    if (!fn.isExternal() || module.lookupSymbol(to))
      return module.emitError() << "internal error: cannot redirect '" << from
                                << "' to '" << to << "'";
    if (failed(SymbolTable::replaceAllSymbolUses(
            fn, StringAttr::get(module.getContext(), to), module)))
      return failure();
    fn.setSymName(to);
  }
  return success();
}

class CpuExecutable : public rt::Executable {
public:
  CpuExecutable(std::unique_ptr<ExecutionEngine> engine,
                std::vector<rt::FunctionSignature> sigs)
      : engine(std::move(engine)), sigs(std::move(sigs)) {}

  rt::Device device() const override { return {}; }
  const std::vector<rt::FunctionSignature> &functions() const override {
    return sigs;
  }

  rt::Status invoke(const std::string &name,
                    const std::vector<rt::TensorView> &inputs,
                    const std::vector<rt::TensorView> &outputs,
                    rt::Stream stream) override {
    const rt::FunctionSignature *sig = nullptr;
    if (rt::Status s =
            rt::checkHostCall(*this, name, inputs, outputs, stream, sig);
        !s)
      return s;
    std::vector<std::vector<int64_t>> descriptors =
        rt::memrefDescriptors(inputs, outputs);
    std::vector<void *> pointers;
    for (auto &d : descriptors)
      pointers.push_back(d.data());
    std::vector<void *> args;
    for (void *&p : pointers)
      args.push_back(&p);
    if (llvm::Error err = engine->invokePacked("_mlir_ciface_" + name, args))
      return rt::Status::error("calling '" + name +
                               "' failed: " + llvm::toString(std::move(err)));
    return rt::Status::success();
  }

private:
  std::unique_ptr<ExecutionEngine> engine;
  std::vector<rt::FunctionSignature> sigs;
};

} // namespace

FailureOr<std::vector<rt::FunctionSignature>>
mlir::lipt::lowerForCpu(ModuleOp module) {
  FailureOr<std::vector<rt::FunctionSignature>> sigs =
      prepareEntryPoints(module);
  if (failed(sigs))
    return failure();
  PassManager pm(module.getContext());
  buildLiptCpuPipeline(pm);
  if (failed(pm.run(module)) ||
      failed(checkOutParamConvention(module, *sigs)) ||
      failed(useScratchAllocator(module)))
    return failure();
  return sigs;
}

FailureOr<std::unique_ptr<rt::Executable>>
mlir::lipt::compileForCpu(ModuleOp module) {
  FailureOr<std::vector<rt::FunctionSignature>> lowered = lowerForCpu(module);
  if (failed(lowered))
    return failure();
  std::vector<rt::FunctionSignature> sigs = std::move(*lowered);

  static bool targetsInitialised = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)targetsInitialised;

  ExecutionEngineOptions options;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  // LLVM's O3 pipeline vectorizes the elementwise loops left after BLAS, but
  // only knows the vector width (AVX-512 here, 16 floats) from the host's
  // target machine; without it the cost model assumes scalar registers. The
  // transformer runs inside ExecutionEngine::create, so a local suffices.
  auto hostBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!hostBuilder)
    return module.emitError() << "cannot describe the host CPU: "
                              << llvm::toString(hostBuilder.takeError());
  auto hostMachine = hostBuilder->createTargetMachine();
  if (!hostMachine)
    return module.emitError() << "cannot target the host CPU: "
                              << llvm::toString(hostMachine.takeError());
  auto optimize = makeOptimizingTransformer(/*optLevel=*/3, /*sizeLevel=*/0,
                                            hostMachine->get());
  options.transformer = optimize;
  // memrefCopy and friends, which the lowering calls for non-trivial copies.
  SmallVector<StringRef> libs{LIPT_MLIR_C_RUNNER_UTILS};
  options.sharedLibPaths = libs;
  auto engine = ExecutionEngine::create(module, options);
  if (!engine)
    return module.emitError()
           << "JIT compilation failed: " << llvm::toString(engine.takeError());
  // The BLAS shims are linked into this process; the JIT finds them here.
  (*engine)->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    auto add = [&](const char *name, void *fn) {
      symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(fn),
                                 llvm::JITSymbolFlags::Exported};
    };
    add("_mlir_ciface_lipt_rt_gemm_f32",
        reinterpret_cast<void *>(&_mlir_ciface_lipt_rt_gemm_f32));
    add("_mlir_ciface_lipt_rt_gemm_f64",
        reinterpret_cast<void *>(&_mlir_ciface_lipt_rt_gemm_f64));
    add("_mlir_ciface_lipt_rt_syrk_f32",
        reinterpret_cast<void *>(&_mlir_ciface_lipt_rt_syrk_f32));
    add("_mlir_ciface_lipt_rt_syrk_f64",
        reinterpret_cast<void *>(&_mlir_ciface_lipt_rt_syrk_f64));
    add("lipt_rt_scratch_alloc",
        reinterpret_cast<void *>(&lipt_rt_scratch_alloc));
    add("lipt_rt_scratch_free",
        reinterpret_cast<void *>(&lipt_rt_scratch_free));
    return symbols;
  });
  // The JIT compiles lazily, on a function's first lookup. Look every entry
  // point up now, so compilation (and any failure) happens here and the
  // first invoke costs what every later one does (~0.5 s otherwise landed
  // in a training run's first optimizer step).
  for (const rt::FunctionSignature &sig : sigs)
    if (auto fn = (*engine)->lookupPacked("_mlir_ciface_" + sig.name); !fn)
      return module.emitError()
             << "JIT compilation of '" << sig.name
             << "' failed: " << llvm::toString(fn.takeError());
  return std::unique_ptr<rt::Executable>(
      new CpuExecutable(std::move(*engine), std::move(sigs)));
}

namespace {
class CpuBackend : public lipt::Backend {
public:
  StringRef name() const override { return "cpu"; }
  rt::DeviceKind deviceKind() const override { return rt::DeviceKind::cpu; }
  void buildPipeline(OpPassManager &pm) const override {
    lipt::buildLiptCpuPipeline(pm);
  }
  FailureOr<std::unique_ptr<rt::Executable>>
  compile(ModuleOp module) const override {
    return lipt::compileForCpu(module);
  }
  LogicalResult
  writeArtifact(ModuleOp module, const std::string &path,
                const lipt::ArtifactOptions &options) const override {
    return lipt::writeCpuArtifact(module, path, options);
  }
};
} // namespace

const lipt::Backend &mlir::lipt::getCpuBackend() {
  static const CpuBackend backend;
  return backend;
}
