//===- Hash.h - FNV-1a, the one hash lipt writes into files -----*- C++ -*-===//
//
// 64-bit FNV-1a: the checkpoint checksum (Safetensors.h) and the job hash
// that data-parallel ranks compare (lipt/Train/Distributed.h). Stable across
// machines and compilers, unlike std::hash; not a cryptographic digest.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_RUNTIME_HASH_H
#define LIPT_RUNTIME_HASH_H

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace lipt_runtime {

class Fnv1a64 {
public:
  void add(const void *data, size_t n) {
    const unsigned char *p = static_cast<const unsigned char *>(data);
    for (size_t i = 0; i < n; ++i)
      state = (state ^ p[i]) * 0x100000001b3ull;
  }
  /// The string and its terminator, so "ab","c" and "a","bc" differ.
  void addString(const std::string &s) { add(s.c_str(), s.size() + 1); }
  uint64_t value() const { return state; }
  /// "fnv1a64:<16 hex digits>".
  std::string str() const {
    char text[32];
    std::snprintf(text, sizeof text, "fnv1a64:%016llx",
                  (unsigned long long)state);
    return text;
  }

private:
  uint64_t state = 0xcbf29ce484222325ull;
};

} // namespace lipt_runtime

#endif // LIPT_RUNTIME_HASH_H
