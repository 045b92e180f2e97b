//===- CheckpointFile.h - a lipt checkpoint's config and weights -*- C++
//-*-===//
//
// What every reader of a lipt checkpoint (model.safetensors) needs first: the
// model config it carries (metadata 'lipt.config') and its weights in
// checkpoint order (lipt_train::weightsOf). Errors name the file and field.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_TRAIN_CHECKPOINTFILE_H
#define LIPT_TRAIN_CHECKPOINTFILE_H

#include "lipt/Runtime/Safetensors.h"
#include "lipt/Train/ModelSpec.h"

namespace lipt_train {

/// True when `file` carries a lipt model config.
bool hasCheckpointConfig(const lipt_runtime::Safetensors &file);

/// The model config of `file` (read from `path`).
lipt_runtime::Status checkpointConfig(const lipt_runtime::Safetensors &file,
                                      const std::string &path, ModelSpec &out);

/// `spec`'s weights from `file`, in checkpoint order; each must be present.
lipt_runtime::Status
checkpointWeights(const lipt_runtime::Safetensors &file,
                  const std::string &path, const ModelSpec &spec,
                  std::vector<lipt_runtime::NamedTensor> &out);

} // namespace lipt_train

#endif // LIPT_TRAIN_CHECKPOINTFILE_H
