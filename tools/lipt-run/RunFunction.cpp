//===- RunFunction.cpp - lipt-run --function on any Executable ------------===//
//
// No MLIR here: the runtime-only lipt-run (runtime-only/RuntimeMain.cpp)
// and the full one share it.
//
//===----------------------------------------------------------------------===//

#include "RunFunction.h"

#include "lipt/Runtime/Artifact.h"
#include "lipt/Runtime/Cuda.h"
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

/// Device copies of a call's tensors, for a CUDA executable: rank-0 inputs
/// stay on the host (Cuda.h), everything else is copied over; freed at the
/// end of the call.
class DeviceStaging {
public:
  ~DeviceStaging() {
    for (void *p : buffers)
      rt::cuda::release(p);
  }
  /// Replaces `view` by a device copy (of its contents when `copy`).
  rt::Status stage(rt::TensorView &view, bool copy) {
    uint64_t bytes = 0;
    if (rt::Status s =
            rt::checkedByteSize(view.type, rt::kMaxCompiledTensorBytes, bytes);
        !s)
      return s;
    void *device = nullptr;
    if (rt::Status s = rt::cuda::allocate(bytes, device); !s)
      return s;
    buffers.push_back(device);
    if (copy)
      if (rt::Status s = rt::cuda::copyToDevice(device, view.data, bytes); !s)
        return s;
    view.data = device;
    view.device = {rt::DeviceKind::cuda, 0};
    return rt::Status::success();
  }

private:
  std::vector<void *> buffers;
};

/// Runs `name` on `exe`'s device: host views as they are on the CPU,
/// staged through device copies on a GPU.
rt::Status invokeOnDevice(rt::Executable &exe, const std::string &name,
                          std::vector<rt::TensorView> inputs,
                          std::vector<rt::TensorView> outputs) {
  if (exe.device().kind == rt::DeviceKind::cpu)
    return exe.invoke(name, inputs, outputs);
  if (rt::Status s = rt::cuda::available(); !s)
    return rt::Status::error("--device=cuda: " + s.message);
  DeviceStaging staging;
  std::vector<rt::TensorView> hostOutputs = outputs;
  for (rt::TensorView &v : inputs)
    if (!v.type.shape.empty())
      if (rt::Status s = staging.stage(v, /*copy=*/true); !s)
        return s;
  for (rt::TensorView &v : outputs)
    if (rt::Status s = staging.stage(v, /*copy=*/false); !s)
      return s;
  if (rt::Status s = exe.invoke(name, inputs, outputs); !s)
    return s;
  for (size_t i = 0; i < outputs.size(); ++i) {
    uint64_t bytes = 0;
    rt::checkedByteSize(outputs[i].type, rt::kMaxCompiledTensorBytes, bytes);
    if (rt::Status s =
            rt::cuda::copyToHost(hostOutputs[i].data, outputs[i].data, bytes);
        !s)
      return s;
  }
  return rt::Status::success();
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

  rt::Status s = invokeOnDevice(exe, functionName, inViews, outViews);
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
  // Listing reads the manifest: any artifact lists on any machine.
  if (!options.list && exe->device().kind != options.device) {
    bool cuda = exe->device().kind == rt::DeviceKind::cuda;
    return fail(options.source + " was compiled for " +
                (cuda ? "cuda" : "cpu") +
                "; run it with --device=" + (cuda ? "cuda" : "cpu") +
                ", or recompile it with "
                "lipt-compile --target=" +
                (cuda ? "cpu" : "cuda"));
  }
  return runFunction(*exe, options);
}
