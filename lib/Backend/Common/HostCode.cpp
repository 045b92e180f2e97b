//===- HostCode.cpp - entry points and artifact libraries -----------------===//
//
// lipt's calling convention on the host, and an artifact written from
// host code: LLVM IR, then an object file for the chosen CPU, linked by
// the system's C compiler driver into a shared library with the C ABI of
// include/lipt-c/Artifact.h (a JSON manifest and one `lipt_call_NAME(void
// **args)` entry per function). The runtime loads it with dlopen
// (runtime/Artifact.cpp); nothing of LLVM or MLIR is needed there.
//
//===----------------------------------------------------------------------===//

#include "lipt/Backend/HostCode.h"
#include "lipt-c/Artifact.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
namespace rt = lipt_runtime;

namespace {

/// The runtime type of a function argument/result, or an error.
FailureOr<rt::TensorType> toRuntimeType(Type type, func::FuncOp fn,
                                        StringRef what, unsigned index) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  rt::TensorType out;
  Type elt = tensor ? tensor.getElementType() : Type();
  bool ok = tensor && tensor.hasStaticShape();
  if (ok) {
    if (elt.isF32())
      out.dtype = rt::DType::f32;
    else if (elt.isF64())
      out.dtype = rt::DType::f64;
    else if (elt.isF16())
      out.dtype = rt::DType::f16;
    else if (elt.isBF16())
      out.dtype = rt::DType::bf16;
    else if (elt.isSignlessInteger(32))
      out.dtype = rt::DType::i32;
    else if (elt.isSignlessInteger(64))
      out.dtype = rt::DType::i64;
    else
      ok = false;
  }
  if (!ok)
    return fn.emitError()
           << "function '" << fn.getName() << "' " << what << " #" << index
           << " has type " << type
           << "; compiled functions take and return statically "
              "shaped tensors of f32, f64, f16, bf16, i32 or i64";
  out.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
  // Sizes are computed in int64 by the compiled code and the callers; a
  // shape past that would wrap and under-allocate.
  uint64_t bytes = 0;
  if (rt::Status size =
          rt::checkedByteSize(out, rt::kMaxCompiledTensorBytes, bytes);
      !size)
    return fn.emitError() << "function '" << fn.getName() << "' " << what
                          << " #" << index << ": " << size.message;
  return out;
}

/// The manifest (include/lipt-c/Artifact.h) of `sigs`.
std::string manifestJson(const std::vector<rt::FunctionSignature> &sigs,
                         lipt::HostLibrary &library) {
  llvm::json::Array functions;
  for (const rt::FunctionSignature &sig : sigs) {
    llvm::json::Array inputs, outputs;
    for (const rt::TensorType &t : sig.inputs)
      inputs.push_back(t.str());
    for (const rt::TensorType &t : sig.outputs)
      outputs.push_back(t.str());
    functions.push_back(
        llvm::json::Object{{"name", sig.name},
                           {"entry", LIPT_ARTIFACT_ENTRY_PREFIX + sig.name},
                           {"inputs", std::move(inputs)},
                           {"outputs", std::move(outputs)}});
  }
  llvm::json::Object manifest{{"format", "lipt-artifact"},
                              {"abi", LIPT_ARTIFACT_ABI_VERSION},
                              {"target", library.target},
                              {"functions", std::move(functions)}};
  for (auto &[key, value] : library.targetFields)
    manifest[key] = std::move(value);
  if (!library.modelSpecJson.empty())
    manifest["model"] = library.modelSpecJson;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::json::Value(std::move(manifest));
  return text;
}

/// Adds `void lipt_call_NAME(void **args)` for every function: loads each
/// descriptor pointer and calls the C interface the lowering made.
LogicalResult addEntryPoints(llvm::Module &module,
                             const std::vector<rt::FunctionSignature> &sigs,
                             std::string &error) {
  llvm::LLVMContext &ctx = module.getContext();
  llvm::Type *ptr = llvm::PointerType::getUnqual(ctx);
  auto *entryType =
      llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr}, false);
  for (const rt::FunctionSignature &sig : sigs) {
    llvm::Function *callee = module.getFunction("_mlir_ciface_" + sig.name);
    size_t arity = sig.inputs.size() + sig.outputs.size();
    if (!callee || callee->arg_size() != arity) {
      error = "internal error: no C interface for '" + sig.name + "'";
      return failure();
    }
    auto *entry =
        llvm::Function::Create(entryType, llvm::GlobalValue::ExternalLinkage,
                               LIPT_ARTIFACT_ENTRY_PREFIX + sig.name, module);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", entry));
    std::vector<llvm::Value *> args;
    for (size_t i = 0; i < arity; ++i)
      args.push_back(b.CreateLoad(
          ptr, b.CreateConstInBoundsGEP1_64(ptr, entry->getArg(0), i)));
    b.CreateCall(callee, args);
    b.CreateRetVoid();
  }
  return success();
}

/// Only the manifest and the entry points stay visible: every other
/// definition becomes internal. A public function keeps its IR name (a
/// module's `step`, say), and an exported `step` would be bound by the
/// dynamic loader to whatever the process defines first under that name
/// (glibc has a legacy `step`): the artifact would call into libc.
void hideAllButEntryPoints(llvm::Module &module) {
  // llvm.global_ctors (the CUDA backend's kernel loading) keeps its
  // appending linkage.
  auto keep = [](llvm::StringRef name) {
    return name == LIPT_ARTIFACT_MANIFEST_SYMBOL ||
           name.starts_with(LIPT_ARTIFACT_ENTRY_PREFIX) ||
           name.starts_with("llvm.");
  };
  for (llvm::Function &f : module.functions())
    if (!f.isDeclaration() && !keep(f.getName()))
      f.setLinkage(llvm::GlobalValue::InternalLinkage);
  for (llvm::GlobalVariable &g : module.globals())
    if (!g.isDeclaration() && !keep(g.getName()))
      g.setLinkage(llvm::GlobalValue::InternalLinkage);
}

void addManifest(llvm::Module &module, const std::string &json) {
  llvm::Constant *text =
      llvm::ConstantDataArray::getString(module.getContext(), json);
  new llvm::GlobalVariable(module, text->getType(), /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage, text,
                           LIPT_ARTIFACT_MANIFEST_SYMBOL);
}

std::unique_ptr<llvm::TargetMachine>
targetMachineFor(const std::string &cpuName, std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  std::string cpu = cpuName, features;
  if (cpu == "host") {
    cpu = llvm::sys::getHostCPUName().str();
    for (const auto &[name, enabled] : llvm::sys::getHostCPUFeatures())
      features += (features.empty() ? "" : ",") +
                  std::string(enabled ? "+" : "-") + name.str();
  }
  // An unknown name would make LLVM assume a 32-bit CPU and abort later.
  std::unique_ptr<llvm::MCSubtargetInfo> subtargets(
      target->createMCSubtargetInfo(triple, "", ""));
  if (!subtargets || !subtargets->isCPUStringValid(cpu)) {
    error = "--target-cpu=" + cpu + " is not a CPU LLVM knows for " +
            triple.str() +
            " (try x86-64-v3, x86-64-v4, a name like "
            "sapphirerapids, or host)";
    return nullptr;
  }
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    error = "cannot target CPU '" + cpu + "'";
  return machine;
}

/// Writes `module` as an object file at `path`.
LogicalResult emitObject(llvm::Module &module, llvm::TargetMachine &machine,
                         const std::string &path, std::string &error) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    error = path + ": " + ec.message();
    return failure();
  }
  llvm::legacy::PassManager passes;
  if (machine.addPassesToEmitFile(passes, os, nullptr,
                                  llvm::CodeGenFileType::ObjectFile)) {
    error = "the target cannot emit object files";
    return failure();
  }
  passes.run(module);
  os.close();
  if (os.has_error()) {
    error = path + ": write failed";
    return failure();
  }
  return success();
}

/// Links `object` into the shared library `output` with the C compiler
/// driver. --no-undefined: a symbol neither the runtime library nor libc
/// and libm provide is an error here, not when the artifact is loaded.
LogicalResult linkSharedLibrary(const std::string &object,
                                const std::string &output,
                                const lipt::HostLibrary &library,
                                std::string &error) {
  llvm::ErrorOr<std::string> cc = llvm::sys::findProgramByName("cc");
  if (!cc) {
    error = "no C compiler driver ('cc') to link the artifact with";
    return failure();
  }
  llvm::SmallString<128> log;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("lipt-link", "log", log)) {
    error = "cannot create a temporary file: " + ec.message();
    return failure();
  }
  std::vector<std::string> owned{"-L" + library.runtimeLibDir};
  for (const std::string &name : library.libraries)
    owned.push_back("-l" + name);
  llvm::SmallVector<llvm::StringRef> args{*cc, "-shared", "-o", output, object};
  args.append(owned.begin(), owned.end());
  args.append({"-lm", "-Wl,--no-undefined", "-Wl,-z,noexecstack"});
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.str(),
                                                log.str()};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*cc, args, std::nullopt, redirects, 0, 0,
                                     &message);
  if (rc != 0) {
    auto text = llvm::MemoryBuffer::getFile(log);
    error = "linking the artifact failed" +
            (message.empty() ? "" : ": " + message) +
            (text ? "\n" + (*text)->getBuffer().str() : "");
  }
  llvm::sys::fs::remove(log);
  return success(rc == 0);
}

} // namespace

FailureOr<std::vector<rt::FunctionSignature>>
mlir::lipt::prepareEntryPoints(ModuleOp module) {
  std::vector<rt::FunctionSignature> sigs;
  MLIRContext *ctx = module.getContext();
  for (func::FuncOp fn : module.getOps<func::FuncOp>()) {
    if (fn.isPrivate() || fn.isExternal())
      continue;
    rt::FunctionSignature sig;
    sig.name = fn.getName().str();
    FunctionType type = fn.getFunctionType();
    for (auto [i, t] : llvm::enumerate(type.getInputs())) {
      FailureOr<rt::TensorType> rtType = toRuntimeType(t, fn, "argument", i);
      if (failed(rtType))
        return failure();
      sig.inputs.push_back(*rtType);
      fn.setArgAttr(i, bufferization::BufferizationDialect::kWritableAttrName,
                    BoolAttr::get(ctx, false));
    }
    for (auto [i, t] : llvm::enumerate(type.getResults())) {
      FailureOr<rt::TensorType> rtType = toRuntimeType(t, fn, "result", i);
      if (failed(rtType))
        return failure();
      sig.outputs.push_back(*rtType);
    }
    fn->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                UnitAttr::get(ctx));
    sigs.push_back(std::move(sig));
  }
  return sigs;
}

LogicalResult mlir::lipt::checkOutParamConvention(
    ModuleOp module, const std::vector<rt::FunctionSignature> &sigs) {
  // invoke() passes one descriptor per input and output and expects no
  // return value; anything else would read and write the wrong memory.
  for (const rt::FunctionSignature &sig : sigs) {
    auto fn = module.lookupSymbol<LLVM::LLVMFuncOp>("_mlir_ciface_" + sig.name);
    if (!fn || !isa<LLVM::LLVMVoidType>(fn.getFunctionType().getReturnType()) ||
        fn.getNumArguments() != sig.inputs.size() + sig.outputs.size())
      return module.emitError()
             << "internal error: '" << sig.name
             << "' was not lowered to the out-parameter calling convention";
  }
  return success();
}

LogicalResult mlir::lipt::checkOutputPath(ModuleOp module,
                                          const std::string &path) {
  // The output is replaced by a rename: never over a device, FIFO or
  // directory (as root, renaming onto /dev/full would replace the device).
  llvm::sys::fs::file_status status;
  if (!llvm::sys::fs::status(path, status) &&
      status.type() != llvm::sys::fs::file_type::regular_file)
    return mlir::emitError(module.getLoc())
           << path << ": exists and is not a regular file; the "
           << "artifact goes to a new or regular file";
  return success();
}

LogicalResult mlir::lipt::writeHostLibrary(
    ModuleOp module, const std::vector<rt::FunctionSignature> &sigs,
    const std::string &outputPath, HostLibrary library) {
  std::string error, manifest = manifestJson(sigs, library);
  std::unique_ptr<llvm::TargetMachine> machine =
      targetMachineFor(library.targetCpu, error);
  if (!machine)
    return mlir::emitError(module.getLoc()) << error;

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, "lipt-artifact");
  if (!llvmModule)
    return mlir::emitError(module.getLoc()) << "translation to LLVM IR failed";
  llvmModule->setTargetTriple(machine->getTargetTriple());
  llvmModule->setDataLayout(machine->createDataLayout());
  if (failed(addEntryPoints(*llvmModule, sigs, error)))
    return mlir::emitError(module.getLoc()) << error;
  addManifest(*llvmModule, manifest);
  hideAllButEntryPoints(*llvmModule);
  // The same optimization as the JIT: O3, vectorized for the chosen CPU.
  auto optimize =
      makeOptimizingTransformer(/*optLevel=*/3, /*sizeLevel=*/0, machine.get());
  if (llvm::Error err = optimize(llvmModule.get()))
    return mlir::emitError(module.getLoc())
           << "LLVM optimization failed: " << llvm::toString(std::move(err));

  // Object and library go to temporaries beside the output; the output is
  // replaced by a rename, so a failed compile leaves no half-written file.
  std::string object = outputPath + ".o.tmp", libraryPath = outputPath + ".tmp";
  LogicalResult built = emitObject(*llvmModule, *machine, object, error);
  if (succeeded(built))
    built = linkSharedLibrary(object, libraryPath, library, error);
  llvm::sys::fs::remove(object);
  if (succeeded(built))
    if (std::error_code ec = llvm::sys::fs::rename(libraryPath, outputPath)) {
      error = outputPath + ": " + ec.message();
      built = failure();
    }
  if (failed(built)) {
    llvm::sys::fs::remove(libraryPath);
    return mlir::emitError(module.getLoc()) << error;
  }
  return success();
}
