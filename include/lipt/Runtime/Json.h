//===- Json.h - the JSON reader of lipt's own file formats ------*- C++ -*-===//
//
// Safetensors headers and artifact manifests are JSON; the runtime reads them
// without LLVM (the runtime-only build has none). Objects, arrays, strings,
// integers, true/false/null; nesting is limited to 16 levels, so a hostile
// file cannot exhaust the stack.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_RUNTIME_JSON_H
#define LIPT_RUNTIME_JSON_H

#include "lipt/Runtime/Runtime.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lipt_runtime {

struct JsonValue {
  enum Kind { Object, Array, String, Number, Other } kind = Other;
  std::vector<std::pair<std::string, JsonValue>> object;
  std::vector<JsonValue> array;
  std::string string;
  long long number = 0;
  /// The member called `key` of an object, or nullptr.
  const JsonValue *get(const std::string &key) const {
    for (const auto &kv : object)
      if (kv.first == key)
        return &kv.second;
    return nullptr;
  }
};

/// Parses all of `text`; the error is "stopped at byte N" (callers say what
/// they were reading).
Status parseJson(std::string_view text, JsonValue &out);

/// `s` as a JSON string literal, quotes included.
std::string jsonQuote(const std::string &s);

} // namespace lipt_runtime

#endif // LIPT_RUNTIME_JSON_H
