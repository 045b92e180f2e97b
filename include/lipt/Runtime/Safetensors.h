//===- Safetensors.h - safetensors checkpoints ------------------*- C++ -*-===//
//
// The format any safetensors reader loads: an 8-byte little-endian header
// length, a JSON header ({"name": {"dtype", "shape", "data_offsets"}, ...,
// "__metadata__": {string: string}}), then the raw little-endian bytes.
// Writes are atomic (temporary file + rename): a crash mid-write leaves the
// previous checkpoint intact. Reads validate every field and name the file
// and field when something is wrong.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_RUNTIME_SAFETENSORS_H
#define LIPT_RUNTIME_SAFETENSORS_H

#include "lipt/Runtime/Runtime.h"

#include <map>
#include <string>
#include <vector>

namespace lipt_runtime {

struct NamedTensor {
  std::string name;
  HostTensor tensor;
};

struct Safetensors {
  std::map<std::string, std::string> metadata;
  /// In the order of their data offsets (the order they were written).
  std::vector<NamedTensor> tensors;
  /// The tensor called `name`, or nullptr.
  const HostTensor *find(const std::string &name) const;
};

/// Writes `file` to `path` atomically. Tensor names must be unique and not
/// "__metadata__".
Status writeSafetensors(const std::string &path, const Safetensors &file);
/// Reads and validates `path`.
Status readSafetensors(const std::string &path, Safetensors &out);

} // namespace lipt_runtime

#endif // LIPT_RUNTIME_SAFETENSORS_H
