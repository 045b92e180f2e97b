//===- lipt-run.cpp - run lipt modules
//--------------------------------------===//
//
//   lipt-run x.mlir --function=NAME --input=2x3xf32=[...] --input=@w.npy
//                   [--output=@out.npy | --output=-]...
//
// Runs one function of a module through the compiled CPU path, in the manner
// of iree-run-module. Outputs without an --output are printed. Every bad
// input (unknown function, wrong count, shape or dtype, missing or corrupt
// file) is an error naming it and a non-zero exit.
//
//===----------------------------------------------------------------------===//

#include "lipt/Execution/CpuExecutable.h"
#include "lipt/Runtime/TensorIO.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
namespace cl = llvm::cl;
namespace rt = lipt_runtime;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<module.mlir>"),
                                      cl::Required);
static cl::opt<std::string>
    functionName("function", cl::desc("Function of the module to run"),
                 cl::value_desc("name"));
static cl::list<std::string>
    inputs("input", cl::desc("An input, in order: 2x3xf32=[...] or @file.npy"),
           cl::value_desc("tensor"));
static cl::list<std::string>
    outputs("output",
            cl::desc("Where result i goes, in order: @file.npy, or - to "
                     "print (the default for results without one)"),
            cl::value_desc("@file.npy|-"));
static cl::opt<bool> listFunctions("list-functions",
                                   cl::desc("Print the module's functions "
                                            "and their signatures"));

static int fail(const std::string &message) {
  llvm::errs() << "lipt-run: error: " << message << "\n";
  return 1;
}

static std::string signatureText(const rt::FunctionSignature &sig) {
  std::string s = sig.name + "(";
  for (size_t i = 0; i < sig.inputs.size(); ++i)
    s += (i ? ", " : "") + sig.inputs[i].str();
  s += ") -> (";
  for (size_t i = 0; i < sig.outputs.size(); ++i)
    s += (i ? ", " : "") + sig.outputs[i].str();
  return s + ")";
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "lipt module runner\n");

  DialectRegistry registry;
  lipt::registerCpuExecutionDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  std::string error;
  auto file = openInputFile(inputFile, &error);
  if (!file)
    return fail(error);
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1; // the parser reported where

  if (!listFunctions && functionName.empty())
    return fail("pass --function=NAME to run a function of " + inputFile +
                " (training from a model file is not implemented yet)");

  FailureOr<std::unique_ptr<rt::Executable>> exe = lipt::compileForCpu(*module);
  if (failed(exe))
    return 1; // diagnostics were emitted with locations

  if (listFunctions) {
    for (const rt::FunctionSignature &sig : (*exe)->functions())
      llvm::outs() << signatureText(sig) << "\n";
    return 0;
  }
  const rt::FunctionSignature *sig = (*exe)->lookup(functionName);
  if (!sig) {
    std::string known;
    for (const rt::FunctionSignature &s : (*exe)->functions())
      known += (known.empty() ? "" : ", ") + s.name;
    return fail("no function '" + functionName + "' in " + inputFile +
                " (functions: " + (known.empty() ? "none" : known) + ")");
  }
  if (inputs.size() != sig->inputs.size())
    return fail("function " + signatureText(*sig) + " takes " +
                std::to_string(sig->inputs.size()) + " inputs, got " +
                std::to_string(inputs.size()) + " --input");
  if (outputs.size() > sig->outputs.size())
    return fail("function " + signatureText(*sig) + " has " +
                std::to_string(sig->outputs.size()) + " results, got " +
                std::to_string(outputs.size()) + " --output");

  std::vector<rt::HostTensor> in(inputs.size());
  std::vector<rt::TensorView> inViews;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string &spec = inputs[i];
    rt::Status s = spec.rfind("@", 0) == 0
                       ? rt::readNpy(spec.substr(1), in[i])
                       : rt::parseTensorLiteral(spec, in[i]);
    if (!s)
      return fail("--input #" + std::to_string(i) + ": " + s.message);
    if (!(in[i].type == sig->inputs[i]))
      return fail("--input #" + std::to_string(i) + " is " + in[i].type.str() +
                  " but " + functionName + " expects " + sig->inputs[i].str());
    inViews.push_back(in[i].view());
  }
  std::vector<rt::HostTensor> out;
  std::vector<rt::TensorView> outViews;
  for (const rt::TensorType &t : sig->outputs)
    out.emplace_back(t);
  for (rt::HostTensor &t : out)
    outViews.push_back(t.view());

  rt::Status s = (*exe)->invoke(functionName, inViews, outViews);
  if (!s)
    return fail(s.message);

  for (size_t i = 0; i < out.size(); ++i) {
    std::string dest = i < outputs.size() ? outputs[i] : "-";
    if (dest == "-") {
      llvm::outs() << rt::formatTensor(out[i]) << "\n";
      continue;
    }
    if (dest.rfind("@", 0) != 0)
      return fail("--output #" + std::to_string(i) + " '" + dest +
                  "' must be @file.npy or -");
    rt::Status w = rt::writeNpy(dest.substr(1), out[i]);
    if (!w)
      return fail("--output #" + std::to_string(i) + ": " + w.message);
  }
  return 0;
}
