//===- CheckpointFile.cpp - a lipt checkpoint's config and weights --------===//

#include "lipt/Train/CheckpointFile.h"

namespace rt = lipt_runtime;

namespace lipt_train {

static const char *const kConfigKey = "lipt.config";

bool hasCheckpointConfig(const rt::Safetensors &file) {
  return file.metadata.count(kConfigKey) != 0;
}

rt::Status checkpointConfig(const rt::Safetensors &file,
                            const std::string &path, ModelSpec &out) {
  auto it = file.metadata.find(kConfigKey);
  if (it == file.metadata.end())
    return rt::Status::error(path + ": metadata 'lipt.config' is missing (not "
                                    "a lipt checkpoint)");
  if (rt::Status s = fromJson(it->second, out); !s)
    return rt::Status::error(path + ": " + s.message);
  return rt::Status::success();
}

rt::Status checkpointWeights(const rt::Safetensors &file,
                             const std::string &path, const ModelSpec &spec,
                             std::vector<rt::NamedTensor> &out) {
  for (const WeightInfo &w : weightsOf(spec)) {
    const rt::HostTensor *t = file.find(w.name);
    if (!t)
      return rt::Status::error(path + ": tensor '" + w.name + "' is missing");
    out.push_back({w.name, *t});
  }
  return rt::Status::success();
}

} // namespace lipt_train
