//===- Artifact.cpp - run a compiled lipt artifact without LLVM -----------===//

#include "lipt/Runtime/Artifact.h"
#include "lipt-c/Artifact.h"
#include "lipt/Runtime/Cuda.h"
#include "lipt/Runtime/Json.h"
#include "lipt/Runtime/Scratch.h"

#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <utility>
#include <vector>

namespace lipt_runtime {

namespace {

/// dlopen's handle, closed with the last Executable that uses it.
struct Library {
  void *handle = nullptr;
  ~Library() {
    if (handle)
      dlclose(handle);
  }
};

/// Calls an entry point with the memref descriptors of the views.
void callEntry(LiptArtifactEntry entry, const std::vector<TensorView> &inputs,
               const std::vector<TensorView> &outputs) {
  std::vector<std::vector<int64_t>> descriptors =
      memrefDescriptors(inputs, outputs);
  std::vector<void *> args;
  for (std::vector<int64_t> &d : descriptors)
    args.push_back(d.data());
  entry(args.data());
}

class ArtifactExecutable : public Executable {
public:
  ArtifactExecutable(std::shared_ptr<Library> library,
                     std::vector<FunctionSignature> sigs,
                     std::vector<LiptArtifactEntry> entries)
      : library(std::move(library)), sigs(std::move(sigs)),
        entries(std::move(entries)) {}

  Device device() const override { return {}; }
  const std::vector<FunctionSignature> &functions() const override {
    return sigs;
  }

  Status invoke(const std::string &name, const std::vector<TensorView> &inputs,
                const std::vector<TensorView> &outputs,
                Stream stream) override {
    const FunctionSignature *sig = nullptr;
    if (Status s = checkHostCall(*this, name, inputs, outputs, stream, sig); !s)
      return s;
    callEntry(entries[sig - sigs.data()], inputs, outputs);
    return Status::success();
  }

private:
  std::shared_ptr<Library> library;
  std::vector<FunctionSignature> sigs;
  std::vector<LiptArtifactEntry> entries; // parallel to sigs
};

/// Checks a CUDA call's views: rank-0 inputs in host memory, everything
/// else on the device.
Status checkCudaViews(const std::vector<TensorView> &inputs,
                      const std::vector<TensorView> &outputs) {
  auto check = [](const TensorView &v, const char *what, size_t i) {
    bool host = v.type.shape.empty() && std::string(what) == "input";
    DeviceKind want = host ? DeviceKind::cpu : DeviceKind::cuda;
    if (v.device.kind == want)
      return Status::success();
    return Status::error(std::string(what) + " #" + std::to_string(i) +
                         (host ? " is a rank-0 step scalar and must be in "
                                 "host memory"
                               : " must be in CUDA device memory"));
  };
  for (size_t i = 0; i < inputs.size(); ++i)
    if (Status s = check(inputs[i], "input", i); !s)
      return s;
  for (size_t i = 0; i < outputs.size(); ++i)
    if (Status s = check(outputs[i], "output", i); !s)
      return s;
  return Status::success();
}

/// A CUDA artifact: the entry points launch kernels and call cuBLAS
/// through liblipt_cuda_runtime.so on the stream given to invoke.
class CudaArtifactExecutable : public Executable {
public:
  CudaArtifactExecutable(std::shared_ptr<Library> library,
                         std::vector<FunctionSignature> sigs,
                         std::vector<LiptArtifactEntry> entries, bool tf32)
      : library(std::move(library)), sigs(std::move(sigs)),
        entries(std::move(entries)), tf32(tf32) {}

  Device device() const override { return {DeviceKind::cuda, 0}; }
  const std::vector<FunctionSignature> &functions() const override {
    return sigs;
  }

  Status invoke(const std::string &name, const std::vector<TensorView> &inputs,
                const std::vector<TensorView> &outputs,
                Stream stream) override {
    const FunctionSignature *sig = lookup(name);
    if (!sig)
      return Status::error("no function named '" + name + "'");
    if (Status s = checkArguments(*sig, inputs, outputs); !s)
      return s;
    if (Status s = checkCudaViews(inputs, outputs); !s)
      return s;
    if (Status s = cuda::available(); !s)
      return s;
    if (Status s = cuda::moduleLoadStatus(); !s)
      return s;
    cuda::beginCall(stream);
    cuda::setTf32(tf32);
    callEntry(entries[sig - sigs.data()], inputs, outputs);
    if (Status s = cuda::endCall(); !s)
      return Status::error("'" + name + "' on the GPU: " + s.message);
    return Status::success();
  }

private:
  std::shared_ptr<Library> library;
  std::vector<FunctionSignature> sigs;
  std::vector<LiptArtifactEntry> entries; // parallel to sigs
  bool tf32;
};

/// The string member `key` of `object`, or an error naming it.
Status stringField(const JsonValue &object, const char *key, std::string &out) {
  const JsonValue *v = object.get(key);
  if (!v || v->kind != JsonValue::String)
    return Status::error(std::string("field '") + key +
                         "' is missing or not a string");
  out = v->string;
  return Status::success();
}

Status typeList(const JsonValue &function, const char *key,
                std::vector<TensorType> &out) {
  const JsonValue *list = function.get(key);
  if (!list || list->kind != JsonValue::Array)
    return Status::error(std::string("field '") + key +
                         "' is missing or not a list");
  for (const JsonValue &t : list->array) {
    TensorType type;
    if (t.kind != JsonValue::String)
      return Status::error(std::string("field '") + key +
                           "' holds a non-string");
    uint64_t bytes = 0;
    Status s = parseTensorType(t.string, type);
    if (s)
      s = checkedByteSize(type, kMaxCompiledTensorBytes, bytes);
    if (!s)
      return Status::error(std::string("field '") + key + "': " + s.message);
    out.push_back(std::move(type));
  }
  return Status::success();
}

/// Reads the manifest's functions and finds each entry point.
Status readManifest(void *handle, const char *manifest,
                    std::vector<FunctionSignature> &sigs,
                    std::vector<LiptArtifactEntry> &entries,
                    ArtifactInfo &info) {
  JsonValue root;
  if (Status s = parseJson(manifest, root); !s)
    return Status::error("malformed manifest: " + s.message);
  std::string format, target;
  const JsonValue *abi = root.get("abi");
  if (!stringField(root, "format", format) || format != "lipt-artifact")
    return Status::error("manifest field 'format' is not \"lipt-artifact\"");
  if (!abi || !abi->isInteger || abi->integer != LIPT_ARTIFACT_ABI_VERSION)
    return Status::error(
        "manifest field 'abi' is not " +
        std::to_string(LIPT_ARTIFACT_ABI_VERSION) +
        ", the ABI this runtime reads; recompile it with this lipt-compile");
  if (Status s = stringField(root, "target", target); !s)
    return Status::error("manifest " + s.message);
  if (target != "cpu" && target != "cuda")
    return Status::error("manifest field 'target' is '" + target +
                         "'; this runtime runs cpu and cuda artifacts");
  info.target = target == "cuda" ? DeviceKind::cuda : DeviceKind::cpu;
  if (Status s = stringField(root, "cpu", info.cpu); !s)
    return Status::error("manifest " + s.message);
  if (info.target == DeviceKind::cuda) {
    if (Status s = stringField(root, "gpu", info.gpu); !s)
      return Status::error("manifest " + s.message);
    const JsonValue *tf32 = root.get("tf32");
    if (!tf32 || tf32->kind != JsonValue::Bool)
      return Status::error("manifest field 'tf32' is missing or not a bool");
    info.tf32 = tf32->boolean;
  }
  if (const JsonValue *model = root.get("model")) {
    if (model->kind != JsonValue::String)
      return Status::error("manifest field 'model' is not a string");
    info.model = model->string;
  }
  const JsonValue *functions = root.get("functions");
  if (!functions || functions->kind != JsonValue::Array)
    return Status::error("manifest field 'functions' is missing or not a list");
  for (const JsonValue &f : functions->array) {
    FunctionSignature sig;
    std::string entry;
    Status s = stringField(f, "name", sig.name);
    if (s)
      s = stringField(f, "entry", entry);
    if (s)
      s = typeList(f, "inputs", sig.inputs);
    if (s)
      s = typeList(f, "outputs", sig.outputs);
    if (!s)
      return Status::error("manifest function #" + std::to_string(sigs.size()) +
                           ": " + s.message);
    void *fn = dlsym(handle, entry.c_str());
    if (!fn)
      return Status::error("function '" + sig.name + "': no entry point '" +
                           entry + "' in the library");
    sigs.push_back(std::move(sig));
    entries.push_back(reinterpret_cast<LiptArtifactEntry>(fn));
  }
  return Status::success();
}

} // namespace

bool isArtifactFile(const std::string &path) {
  // Only regular files are opened: a FIFO without a writer would block.
  if (!checkRegularFile(path, kMaxArtifactBytes))
    return false;
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::memcmp(magic,
                                          "\x7f"
                                          "ELF",
                                          4) == 0;
}

Status loadArtifact(const std::string &path, std::unique_ptr<Executable> &out,
                    ArtifactInfo *info) {
  // An artifact's DT_NEEDED liblipt_blas_shims.so binds to the copy this
  // process has loaded. Naming one of its symbols here keeps the linker
  // (--as-needed) from dropping that library from a program that otherwise
  // calls nothing in it, such as the runtime-only lipt-run.
  static void *volatile shims =
      reinterpret_cast<void *>(&lipt_rt_scratch_alloc);
  (void)shims;
  if (Status file = checkRegularFile(path, kMaxArtifactBytes); !file)
    return Status::error(path + ": " + file.message);
  // dlopen searches the library path for a name without a slash.
  std::string openPath =
      path.find('/') == std::string::npos ? "./" + path : path;
  auto library = std::make_shared<Library>();
  library->handle = dlopen(openPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library->handle)
    return Status::error(path + ": cannot load the artifact: " + dlerror());
  auto *manifest = static_cast<const char *>(
      dlsym(library->handle, LIPT_ARTIFACT_MANIFEST_SYMBOL));
  if (!manifest)
    return Status::error(path + ": not a lipt artifact (no " +
                         LIPT_ARTIFACT_MANIFEST_SYMBOL + ")");
  std::vector<FunctionSignature> sigs;
  std::vector<LiptArtifactEntry> entries;
  ArtifactInfo read;
  if (Status s = readManifest(library->handle, manifest, sigs, entries, read);
      !s)
    return Status::error(path + ": " + s.message);
  if (read.target == DeviceKind::cuda)
    out = std::make_unique<CudaArtifactExecutable>(
        std::move(library), std::move(sigs), std::move(entries), read.tf32);
  else
    out = std::make_unique<ArtifactExecutable>(
        std::move(library), std::move(sigs), std::move(entries));
  if (info)
    *info = std::move(read);
  return Status::success();
}

} // namespace lipt_runtime
