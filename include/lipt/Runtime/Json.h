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

/// A JSON value. Objects keep their members in order (written in that
/// order); numbers keep their integer value when they were written as one.
struct JsonValue {
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  bool boolean = false;
  double number = 0;
  /// True when the number had no fraction or exponent and fits in int64;
  /// then `integer` holds it exactly.
  bool isInteger = false;
  long long integer = 0;
  std::string string;
  std::vector<JsonValue> array;
  std::vector<std::pair<std::string, JsonValue>> object;

  JsonValue() = default;
  JsonValue(bool b) : kind(Bool), boolean(b) {}
  JsonValue(double d) : kind(Number), number(d) {}
  JsonValue(int v) : JsonValue(static_cast<long long>(v)) {}
  JsonValue(long v) : JsonValue(static_cast<long long>(v)) {}
  JsonValue(long long v)
      : kind(Number), number(double(v)), isInteger(true), integer(v) {}
  JsonValue(std::string s) : kind(String), string(std::move(s)) {}
  JsonValue(const char *s) : kind(String), string(s) {}
  static JsonValue makeArray(std::vector<JsonValue> items = {});
  static JsonValue makeObject();

  /// The member called `key` of an object, or nullptr.
  const JsonValue *get(const std::string &key) const;
  /// Sets (or replaces) member `key` of an object.
  JsonValue &set(const std::string &key, JsonValue value);
};

/// Parses all of `text`; the error is "stopped at byte N" (callers say what
/// they were reading). Nesting deeper than 16 levels is an error.
Status parseJson(std::string_view text, JsonValue &out);

/// `value` as JSON text: compact when `indent` is 0, else pretty-printed
/// with that many spaces per level. Doubles print with 17 significant
/// digits (they read back exactly); a non-finite double prints as null.
std::string writeJson(const JsonValue &value, int indent = 0);

/// `s` as a JSON string literal, quotes included.
std::string jsonQuote(const std::string &s);

} // namespace lipt_runtime

#endif // LIPT_RUNTIME_JSON_H
