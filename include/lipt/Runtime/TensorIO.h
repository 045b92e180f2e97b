//===- TensorIO.h - tensor literals and .npy files --------------*- C++ -*-===//
//
// The input/output formats of `lipt-run --function`, after iree-run-module:
//   2x3xf32=[[1, 2, 3], [4, 5, 6]]   (brackets, commas optional)
//   2x3xf32=0.5                      (one value: splat)
//   @path/to/file.npy                (little-endian f32/f64/f16, C order)
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_RUNTIME_TENSORIO_H
#define LIPT_RUNTIME_TENSORIO_H

#include "lipt/Runtime/Runtime.h"

#include <string>

namespace lipt_runtime {

/// Parses "2x3xf32=..." into `out`. Errors name the problem and position.
Status parseTensorLiteral(const std::string &text, HostTensor &out);
/// Formats as "2x3xf32=[[1 2 3][4 5 6]]" (%g precision 7, or 16 for f64).
std::string formatTensor(const HostTensor &t);

/// Validates the bytes of a NumPy .npy file (format 1.0-3.0); errors begin
/// with `path` and name the field.
Status parseNpy(std::string_view file, const std::string &path,
                HostTensor &out);
/// Reads a .npy file (readFileBytes, then parseNpy).
Status readNpy(const std::string &path, HostTensor &out);
/// Writes `t` as a .npy file; bf16 has no NumPy dtype and is refused.
Status writeNpy(const std::string &path, const HostTensor &t);

} // namespace lipt_runtime

#endif // LIPT_RUNTIME_TENSORIO_H
