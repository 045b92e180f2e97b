//===- Safetensors.cpp - safetensors checkpoints --------------------------===//

#include "lipt/Runtime/Safetensors.h"
#include "lipt/Runtime/Hash.h"
#include "lipt/Runtime/Json.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace lipt_runtime {

namespace {

const char *safetensorsDType(DType t) {
  switch (t) {
  case DType::f32:
    return "F32";
  case DType::f64:
    return "F64";
  case DType::f16:
    return "F16";
  case DType::bf16:
    return "BF16";
  case DType::i32:
    return "I32";
  case DType::i64:
    return "I64";
  }
  return "?";
}

bool parseSafetensorsDType(const std::string &s, DType &out) {
  for (DType t : {DType::f32, DType::f64, DType::f16, DType::bf16, DType::i32,
                  DType::i64})
    if (s == safetensorsDType(t)) {
      out = t;
      return true;
    }
  return false;
}

} // namespace

const HostTensor *Safetensors::find(const std::string &name) const {
  for (const NamedTensor &t : tensors)
    if (t.name == name)
      return &t.tensor;
  return nullptr;
}

std::string checksumOf(const Safetensors &file) {
  Fnv1a64 h;
  for (const auto &[key, value] : file.metadata)
    if (key != kChecksumKey) {
      h.addString(key);
      h.addString(value);
    }
  for (const NamedTensor &t : file.tensors) {
    h.addString(t.name);
    h.addString(t.tensor.type.str());
    h.add(t.tensor.bytes.data(), t.tensor.bytes.size());
  }
  return h.str();
}

Status writeSafetensors(const std::string &path, const Safetensors &file) {
  std::map<std::string, std::string> metadata = file.metadata;
  metadata[kChecksumKey] = checksumOf(file);
  std::set<std::string> names;
  std::string header = "{";
  {
    header += "\"__metadata__\":{";
    bool first = true;
    for (const auto &[k, v] : metadata) {
      header += (first ? "" : ",") + jsonQuote(k) + ":" + jsonQuote(v);
      first = false;
    }
    header += "}";
  }
  uint64_t offset = 0;
  for (const NamedTensor &t : file.tensors) {
    if (t.name == "__metadata__" || !names.insert(t.name).second)
      return Status::error(path + ": tensor name '" + t.name +
                           "' is reserved or used twice");
    std::string shape;
    for (int64_t d : t.tensor.type.shape)
      shape += (shape.empty() ? "" : ",") + std::to_string(d);
    uint64_t size = t.tensor.bytes.size();
    if (header.size() > 1)
      header += ",";
    header += jsonQuote(t.name) + ":{\"dtype\":\"" +
              safetensorsDType(t.tensor.type.dtype) + "\",\"shape\":[" + shape +
              "],\"data_offsets\":[" + std::to_string(offset) + "," +
              std::to_string(offset + size) + "]}";
    offset += size;
  }
  header += "}";
  header += std::string((8 - header.size() % 8) % 8, ' '); // align the data

  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      return Status::error(tmp + ": cannot create file");
    unsigned char len[8];
    for (int i = 0; i < 8; ++i)
      len[i] = static_cast<unsigned char>(uint64_t(header.size()) >> (8 * i));
    out.write(reinterpret_cast<const char *>(len), 8);
    out.write(header.data(), header.size());
    for (const NamedTensor &t : file.tensors)
      out.write(reinterpret_cast<const char *>(t.tensor.bytes.data()),
                t.tensor.bytes.size());
    out.flush();
    if (!out)
      return Status::error(tmp + ": write failed (disk full?)");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    return Status::error(path + ": cannot replace with " + tmp);
  return Status::success();
}

Status parseSafetensors(std::string_view fileBytes, const std::string &path,
                        Safetensors &out) {
  uint64_t fileSize = fileBytes.size();
  if (fileSize < 8)
    return Status::error(path + ": truncated: no 8-byte header length");
  uint64_t headerLen = 0;
  for (int i = 7; i >= 0; --i)
    headerLen = headerLen * 256 + static_cast<unsigned char>(fileBytes[i]);
  if (headerLen > fileSize - 8 || headerLen > (100u << 20))
    return Status::error(path + ": header length " + std::to_string(headerLen) +
                         " exceeds the file (" + std::to_string(fileSize) +
                         " bytes): truncated or "
                         "not safetensors");
  std::string header(fileBytes.substr(8, headerLen));
  JsonValue root;
  if (Status json = parseJson(header, root); !json)
    return Status::error(path + ": malformed JSON header: " + json.message);
  if (root.kind != JsonValue::Object)
    return Status::error(path + ": header is not a JSON object");
  uint64_t dataStart = 8 + headerLen, dataSize = fileSize - dataStart;
  out = Safetensors();
  std::vector<std::pair<uint64_t, NamedTensor>> byOffset;
  std::set<std::string> seen;
  for (const auto &[name, entry] : root.object) {
    std::string where = path + ": tensor '" + name + "'";
    if (!seen.insert(name).second)
      return Status::error(where + " appears twice in the header");
    if (name == "__metadata__") {
      if (entry.kind != JsonValue::Object)
        return Status::error(path + ": field '__metadata__' is not an object");
      for (const auto &[k, v] : entry.object) {
        if (v.kind != JsonValue::String)
          return Status::error(path + ": metadata '" + k + "' is not a string");
        out.metadata[k] = v.string;
      }
      continue;
    }
    const JsonValue *dtype = entry.get("dtype"), *shape = entry.get("shape"),
                    *offsets = entry.get("data_offsets");
    if (entry.kind != JsonValue::Object || !dtype || !shape || !offsets ||
        dtype->kind != JsonValue::String || shape->kind != JsonValue::Array ||
        offsets->kind != JsonValue::Array || offsets->array.size() != 2)
      return Status::error(where + ": needs dtype, shape and data_offsets");
    TensorType type;
    if (!parseSafetensorsDType(dtype->string, type.dtype))
      return Status::error(where + ": field 'dtype' is '" + dtype->string +
                           "'; lipt reads F32, F64, F16, BF16, I32 and I64");
    for (const JsonValue &d : shape->array) {
      if (!d.isInteger || d.integer < 0)
        return Status::error(where + ": field 'shape' has a bad dimension");
      type.shape.push_back(d.integer);
    }
    const JsonValue &b = offsets->array[0], &e = offsets->array[1];
    if (b.kind != JsonValue::Number || e.kind != JsonValue::Number ||
        b.integer < 0 || e.integer < b.integer ||
        uint64_t(e.integer) > dataSize)
      return Status::error(
          where + ": field 'data_offsets' [" + std::to_string(b.integer) +
          ", " + std::to_string(e.integer) + "] is outside the data (" +
          std::to_string(dataSize) + " bytes): truncated or corrupt");
    // The shape is checked against the bytes the file has before anything
    // is allocated: a header may claim any number of elements.
    uint64_t bytes = 0;
    Status size = checkedByteSize(type, kMaxTensorFileBytes, bytes);
    if (!size)
      return Status::error(where + ": field 'shape': " + size.message);
    if (uint64_t(e.integer - b.integer) != bytes)
      return Status::error(where + ": field 'data_offsets' spans " +
                           std::to_string(e.integer - b.integer) +
                           " bytes but " + type.str() + " needs " +
                           std::to_string(bytes));
    NamedTensor t{name, HostTensor(type)};
    if (bytes != 0)
      std::memcpy(t.tensor.bytes.data(),
                  fileBytes.data() + dataStart + b.integer, bytes);
    byOffset.emplace_back(uint64_t(b.integer), std::move(t));
  }
  std::sort(byOffset.begin(), byOffset.end(),
            [](const auto &x, const auto &y) { return x.first < y.first; });
  // The tensors tile the data section exactly: an overlap would let two
  // names share bytes, a hole or trailing bytes hide data nobody checks.
  uint64_t next = 0;
  for (const auto &[begin, t] : byOffset) {
    if (begin != next)
      return Status::error(
          path + ": tensor '" + t.name + "' starts at data offset " +
          std::to_string(begin) + ", expected " + std::to_string(next) +
          (begin < next ? " (it overlaps the tensor before it)"
                        : " (a gap of unused bytes precedes it)"));
    next = begin + t.tensor.bytes.size();
  }
  if (next != dataSize)
    return Status::error(path + ": " + std::to_string(dataSize - next) +
                         " trailing bytes after the last tensor's data");
  for (auto &entry : byOffset)
    out.tensors.push_back(std::move(entry.second));
  if (auto it = out.metadata.find(kChecksumKey); it != out.metadata.end()) {
    std::string actual = checksumOf(out);
    if (it->second != actual)
      return Status::error(path + ": metadata '" + kChecksumKey + "' is " +
                           it->second + " but the file hashes to " + actual +
                           ": its data or fields changed after it was "
                           "written (corrupt or edited)");
    out.checksumVerified = true;
  }
  return Status::success();
}

Status readSafetensors(const std::string &path, Safetensors &out) {
  std::string bytes;
  if (Status read = readFileBytes(path, kMaxTensorFileBytes, bytes); !read)
    return read;
  return parseSafetensors(bytes, path, out);
}

} // namespace lipt_runtime
