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

/// The metadata key of the checksum lipt writes into every file: FNV-1a
/// (64 bit) over the metadata, each tensor's name, dtype and shape, and the
/// data. It catches a flipped byte or an edited field (safetensors itself has
/// no checksum); it is not a signature against someone who recomputes it.
inline constexpr const char *kChecksumKey = "lipt.checksum";

struct Safetensors {
  std::map<std::string, std::string> metadata;
  /// True when the file carried kChecksumKey and it matched (the read fails
  /// when it does not match).
  bool checksumVerified = false;
  /// In the order of their data offsets (the order they were written).
  std::vector<NamedTensor> tensors;
  /// The tensor called `name`, or nullptr.
  const HostTensor *find(const std::string &name) const;
};

/// "fnv1a64:<16 hex digits>" of `file` (its metadata without kChecksumKey,
/// its tensors' names, types and bytes, in order).
std::string checksumOf(const Safetensors &file);

/// Writes `file` to `path` atomically, with kChecksumKey added. Tensor names
/// must be unique and not
/// "__metadata__".
Status writeSafetensors(const std::string &path, const Safetensors &file);
/// Validates the bytes of a safetensors file; errors begin with `path`.
Status parseSafetensors(std::string_view fileBytes, const std::string &path,
                        Safetensors &out);
/// Reads and validates `path` (readFileBytes, then parseSafetensors).
Status readSafetensors(const std::string &path, Safetensors &out);

} // namespace lipt_runtime

#endif // LIPT_RUNTIME_SAFETENSORS_H
