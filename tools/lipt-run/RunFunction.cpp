//===- RunFunction.cpp - lipt-run --function on any Executable ------------===//
//
// No MLIR here: the runtime-only lipt-run (runtime-only/RuntimeMain.cpp)
// and the full one share it.
//
//===----------------------------------------------------------------------===//

#include "RunFunction.h"

#include "lipt/Runtime/Artifact.h"
#include "lipt/Runtime/Safetensors.h"
#include "lipt/Runtime/TensorIO.h"
#include "lipt/Train/CheckpointFile.h"

#include <iostream>

namespace rt = lipt_runtime;

int lipt_run::fail(const std::string &message) {
  std::cout.flush();
  std::cerr << "lipt-run: error: " << message << std::endl;
  return 1;
}

std::string lipt_run::signatureText(const rt::FunctionSignature &sig) {
  std::string s = sig.name + "(";
  for (size_t i = 0; i < sig.inputs.size(); ++i)
    s += (i ? ", " : "") + sig.inputs[i].str();
  s += ") -> (";
  for (size_t i = 0; i < sig.outputs.size(); ++i)
    s += (i ? ", " : "") + sig.outputs[i].str();
  return s + ")";
}

namespace {

/// The tensors of `path` in checkpoint order: the order of its lipt config's
/// weights when it has one, else the file's.
rt::Status readWeights(const std::string &path,
                       std::vector<rt::NamedTensor> &out) {
  rt::Safetensors file;
  if (rt::Status s = rt::readSafetensors(path, file); !s)
    return s;
  if (!lipt_train::hasCheckpointConfig(file)) {
    out = std::move(file.tensors);
    return rt::Status::success();
  }
  lipt_train::ModelSpec spec;
  if (rt::Status s = lipt_train::checkpointConfig(file, path, spec); !s)
    return s;
  return lipt_train::checkpointWeights(file, path, spec, out);
}

} // namespace

int lipt_run::runFunction(rt::Executable &exe,
                          const RunFunctionOptions &options) {
  const std::string &functionName = options.function;
  const std::vector<std::string> &inputs = options.inputs,
                                 &outputs = options.outputs;
  if (options.list) {
    for (const rt::FunctionSignature &sig : exe.functions())
      std::cout << signatureText(sig) << "\n";
    return 0;
  }
  const rt::FunctionSignature *sig = exe.lookup(functionName);
  if (!sig) {
    std::string known;
    for (const rt::FunctionSignature &s : exe.functions())
      known += (known.empty() ? "" : ", ") + s.name;
    return fail("no function '" + functionName + "' in " + options.source +
                " (functions: " + (known.empty() ? "none" : known) + ")");
  }
  std::vector<rt::NamedTensor> weights;
  if (!options.weights.empty())
    if (rt::Status s = readWeights(options.weights, weights); !s)
      return fail("--weights: " + s.message);
  if (inputs.size() + weights.size() != sig->inputs.size())
    return fail("function " + signatureText(*sig) + " takes " +
                std::to_string(sig->inputs.size()) + " inputs, got " +
                std::to_string(inputs.size()) + " --input" +
                (weights.empty() ? std::string()
                                 : " and " + std::to_string(weights.size()) +
                                       " --weights tensors"));
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
  for (size_t k = 0; k < weights.size(); ++k) {
    size_t i = inputs.size() + k;
    if (!(weights[k].tensor.type == sig->inputs[i]))
      return fail("--weights: tensor '" + weights[k].name + "' is " +
                  weights[k].tensor.type.str() + " but argument #" +
                  std::to_string(i) + " of " + functionName + " is " +
                  sig->inputs[i].str());
    inViews.push_back(weights[k].tensor.view());
  }
  std::vector<rt::HostTensor> out;
  std::vector<rt::TensorView> outViews;
  for (const rt::TensorType &t : sig->outputs)
    out.emplace_back(t);
  for (rt::HostTensor &t : out)
    outViews.push_back(t.view());

  rt::Status s = exe.invoke(functionName, inViews, outViews);
  if (!s)
    return fail(s.message);

  for (size_t i = 0; i < out.size(); ++i) {
    std::string dest = i < outputs.size() ? outputs[i] : "-";
    if (dest == "-") {
      std::cout << rt::formatTensor(out[i]) << "\n";
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

int lipt_run::runArtifact(const RunFunctionOptions &options) {
  if (!options.list && options.function.empty())
    return fail(options.source +
                " is an artifact of functions; pass --function=NAME or "
                "--list-functions (only a model file's artifact trains)");
  std::unique_ptr<rt::Executable> exe;
  if (rt::Status loaded = rt::loadArtifact(options.source, exe); !loaded)
    return fail(loaded.message);
  return runFunction(*exe, options);
}
