//===- Json.cpp - the JSON reader of lipt's own file formats --------------===//

#include "lipt/Runtime/Json.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <tuple>

namespace lipt_runtime {

namespace {
class JsonParser {
public:
  explicit JsonParser(std::string_view text) : s(text) {}
  bool parse(JsonValue &out, std::string &error) {
    if (!value(out, 0) || (skip(), pos != s.size())) {
      error = "stopped at byte " + std::to_string(pos);
      return false;
    }
    return true;
  }

private:
  void skip() {
    while (pos < s.size() && std::strchr(" \t\r\n", s[pos]))
      ++pos;
  }
  bool value(JsonValue &out, int depth) {
    skip();
    if (pos >= s.size() || depth > 16)
      return false;
    char c = s[pos];
    if (c == '{') {
      out.kind = JsonValue::Object;
      ++pos;
      skip();
      if (pos < s.size() && s[pos] == '}')
        return ++pos, true;
      while (true) {
        JsonValue key, v;
        skip();
        if (!string(key) || (skip(), pos >= s.size() || s[pos] != ':'))
          return false;
        ++pos;
        if (!value(v, depth + 1))
          return false;
        out.object.emplace_back(key.string, std::move(v));
        skip();
        if (pos < s.size() && s[pos] == ',') {
          ++pos;
          continue;
        }
        return pos < s.size() && s[pos++] == '}';
      }
    }
    if (c == '[') {
      out.kind = JsonValue::Array;
      ++pos;
      skip();
      if (pos < s.size() && s[pos] == ']')
        return ++pos, true;
      while (true) {
        JsonValue v;
        if (!value(v, depth + 1))
          return false;
        out.array.push_back(std::move(v));
        skip();
        if (pos < s.size() && s[pos] == ',') {
          ++pos;
          continue;
        }
        return pos < s.size() && s[pos++] == ']';
      }
    }
    if (c == '"')
      return string(out);
    if (c == '-' || (c >= '0' && c <= '9'))
      return numberValue(out);
    for (auto [word, kind, truth] : {std::tuple{"true", JsonValue::Bool, true},
                                     {"false", JsonValue::Bool, false},
                                     {"null", JsonValue::Null, false}})
      if (s.compare(pos, std::strlen(word), word) == 0) {
        pos += std::strlen(word);
        out.kind = kind;
        out.boolean = truth;
        return true;
      }
    return false;
  }
  bool numberValue(JsonValue &out) {
    size_t start = pos;
    bool integral = true;
    if (s[pos] == '-')
      ++pos;
    while (pos < s.size() &&
           (std::isdigit(static_cast<unsigned char>(s[pos])) ||
            std::strchr(".eE+-", s[pos]))) {
      integral &= std::isdigit(static_cast<unsigned char>(s[pos])) != 0;
      ++pos;
    }
    std::string text(s.substr(start, pos - start));
    char *end = nullptr;
    out.kind = JsonValue::Number;
    out.number = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || text == "-")
      return false;
    if (integral) {
      errno = 0;
      long long v = std::strtoll(text.c_str(), nullptr, 10);
      out.isInteger = errno == 0;
      out.integer = v;
    }
    return true;
  }
  bool string(JsonValue &out) {
    if (pos >= s.size() || s[pos] != '"')
      return false;
    ++pos;
    out.kind = JsonValue::String;
    while (pos < s.size() && s[pos] != '"') {
      char c = s[pos++];
      if (c != '\\') {
        out.string += c;
        continue;
      }
      if (pos >= s.size())
        return false;
      char e = s[pos++];
      switch (e) {
      case 'n':
        out.string += '\n';
        break;
      case 't':
        out.string += '\t';
        break;
      case 'r':
        out.string += '\r';
        break;
      case 'u': {
        // Exactly four hex digits (std::stoul would throw on others).
        unsigned code = 0;
        for (int i = 0; i < 4; ++i, ++pos) {
          if (pos >= s.size() ||
              !std::isxdigit(static_cast<unsigned char>(s[pos])))
            return false;
          char h = s[pos];
          code = code * 16 + (h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
        }
        if (code < 0x80) {
          out.string += char(code);
        } else if (code < 0x800) {
          out.string += char(0xc0 | (code >> 6));
          out.string += char(0x80 | (code & 0x3f));
        } else {
          out.string += char(0xe0 | (code >> 12));
          out.string += char(0x80 | ((code >> 6) & 0x3f));
          out.string += char(0x80 | (code & 0x3f));
        }
        break;
      }
      default:
        out.string += e; // \" \\ \/
      }
    }
    return pos < s.size() && s[pos++] == '"';
  }

  std::string_view s;
  size_t pos = 0;
};

} // namespace

Status parseJson(std::string_view text, JsonValue &out) {
  std::string error;
  out = JsonValue();
  if (!JsonParser(text).parse(out, error))
    return Status::error(error);
  return Status::success();
}

JsonValue JsonValue::makeArray(std::vector<JsonValue> items) {
  JsonValue v;
  v.kind = Array;
  v.array = std::move(items);
  return v;
}

JsonValue JsonValue::makeObject() {
  JsonValue v;
  v.kind = Object;
  return v;
}

const JsonValue *JsonValue::get(const std::string &key) const {
  for (const auto &kv : object)
    if (kv.first == key)
      return &kv.second;
  return nullptr;
}

JsonValue &JsonValue::set(const std::string &key, JsonValue value) {
  for (auto &kv : object)
    if (kv.first == key)
      return kv.second = std::move(value);
  object.emplace_back(key, std::move(value));
  return object.back().second;
}

namespace {
void write(const JsonValue &v, int indent, int depth, std::string &out) {
  auto newline = [&](int level) {
    if (indent == 0)
      return;
    out += '\n';
    out.append(size_t(indent) * level, ' ');
  };
  switch (v.kind) {
  case JsonValue::Null:
    out += "null";
    return;
  case JsonValue::Bool:
    out += v.boolean ? "true" : "false";
    return;
  case JsonValue::Number: {
    if (v.isInteger) {
      out += std::to_string(v.integer);
      return;
    }
    if (!std::isfinite(v.number)) {
      out += "null";
      return;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v.number);
    out += buf;
    return;
  }
  case JsonValue::String:
    out += jsonQuote(v.string);
    return;
  case JsonValue::Array:
    out += '[';
    for (size_t i = 0; i < v.array.size(); ++i) {
      out += i ? "," : "";
      newline(depth + 1);
      write(v.array[i], indent, depth + 1, out);
    }
    if (!v.array.empty())
      newline(depth);
    out += ']';
    return;
  case JsonValue::Object:
    out += '{';
    for (size_t i = 0; i < v.object.size(); ++i) {
      out += i ? "," : "";
      newline(depth + 1);
      out += jsonQuote(v.object[i].first);
      out += indent ? ": " : ":";
      write(v.object[i].second, indent, depth + 1, out);
    }
    if (!v.object.empty())
      newline(depth);
    out += '}';
    return;
  }
}
} // namespace

std::string writeJson(const JsonValue &value, int indent) {
  std::string out;
  write(value, indent, 0, out);
  return out;
}

std::string jsonQuote(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += char(c);
    }
  }
  return out + "\"";
}

} // namespace lipt_runtime
