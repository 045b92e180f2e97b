//===- TensorIO.cpp - tensor literals and .npy files ----------------------===//

#include "lipt/Runtime/TensorIO.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace lipt_runtime {

namespace {
/// Literals are typed on a command line: 1 GiB is far beyond any real one,
/// and refusing more turns a typo (50000x50000) into an error, not a hang.
constexpr uint64_t kMaxLiteralBytes = uint64_t(1) << 30;

} // namespace

Status parseTensorLiteral(const std::string &text, HostTensor &out) {
  size_t eq = text.find('=');
  if (eq == std::string::npos)
    return Status::error("tensor literal '" + text +
                         "' needs the form 2x3xf32=[...] (or @file.npy)");
  TensorType type;
  Status s = parseTensorType(text.substr(0, eq), type);
  if (!s)
    return s;
  std::vector<double> values;
  // To the end of the text: an embedded NUL is a bad number, not the end.
  const char *p = text.c_str() + eq + 1, *last = text.c_str() + text.size();
  while (p < last) {
    if (std::isspace(static_cast<unsigned char>(*p)) || *p == ',' ||
        *p == '[' || *p == ']') {
      ++p;
      continue;
    }
    char *end = nullptr;
    double v = std::strtod(p, &end);
    if (end == p)
      return Status::error("bad number at '" + std::string(p).substr(0, 12) +
                           "' in tensor literal for " + type.str());
    values.push_back(v);
    p = end;
  }
  uint64_t bytes = 0;
  if (Status size = checkedByteSize(type, kMaxLiteralBytes, bytes); !size)
    return Status::error("tensor literal: " + size.message +
                         " (the limit for literal inputs; pass larger "
                         "tensors as @file.npy)");
  int64_t n = type.numElements();
  if (values.size() != 1 && int64_t(values.size()) != n)
    return Status::error("tensor literal for " + type.str() + " has " +
                         std::to_string(values.size()) + " values, expected " +
                         std::to_string(n) + " (or 1 to splat)");
  out = HostTensor(type);
  if (values.size() == 1 && n > 0) {
    // A splat converts once and copies bytes: a 1 GiB splat takes a memcpy's
    // time, not a billion conversions.
    out.set(0, values[0]);
    size_t size = dtypeSize(type.dtype);
    for (size_t filled = size; filled < out.bytes.size(); filled *= 2)
      std::memcpy(out.bytes.data() + filled, out.bytes.data(),
                  std::min(filled, out.bytes.size() - filled));
    return Status::success();
  }
  for (int64_t i = 0; i < n; ++i)
    out.set(i, values[i]);
  return Status::success();
}

std::string formatTensor(const HostTensor &t) {
  std::ostringstream os;
  os << t.type.str() << "=";
  const std::vector<int64_t> &shape = t.type.shape;
  bool integer = t.type.dtype == DType::i32 || t.type.dtype == DType::i64;
  int precision = integer ? 19 : t.type.dtype == DType::f64 ? 16 : 7;
  if (shape.empty()) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.*g", precision, t.get(0));
    return os.str() + buf;
  }
  int64_t n = t.type.numElements();
  std::vector<int64_t> index(shape.size(), 0);
  for (size_t d = 0; d < shape.size(); ++d)
    os << "[";
  for (int64_t i = 0; i < n; ++i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.*g", precision, t.get(i));
    os << buf;
    // Advance the multi-index; close/open brackets for every dim that wraps.
    size_t d = shape.size();
    while (d > 0 && ++index[d - 1] == shape[d - 1]) {
      index[d - 1] = 0;
      --d;
    }
    size_t closed = shape.size() - d;
    if (i + 1 == n)
      closed = shape.size();
    if (closed == 0)
      os << " ";
    for (size_t c = 0; c < closed; ++c)
      os << "]";
    if (i + 1 < n)
      for (size_t c = 0; c < closed; ++c)
        os << "[";
  }
  return os.str();
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

namespace {
const char kMagic[] = "\x93NUMPY";

/// Value of `key` in the header dict, e.g. 'descr': '<f4' -> "<f4".
bool headerField(const std::string &h, const std::string &key,
                 std::string &value) {
  size_t k = h.find("'" + key + "'");
  if (k == std::string::npos)
    return false;
  size_t colon = h.find(':', k);
  if (colon == std::string::npos)
    return false;
  size_t start = h.find_first_not_of(" ", colon + 1);
  if (start == std::string::npos)
    return false;
  size_t end;
  if (h[start] == '\'') {
    end = h.find('\'', start + 1);
    value = h.substr(start + 1, end - start - 1);
  } else if (h[start] == '(') {
    end = h.find(')', start);
    value = h.substr(start + 1, end - start - 1);
  } else {
    end = h.find_first_of(",}", start);
    value = h.substr(start, end - start);
  }
  return end != std::string::npos;
}
} // namespace

Status parseNpy(std::string_view file, const std::string &path,
                HostTensor &out) {
  uint64_t fileSize = file.size();
  if (fileSize < 8 || file.substr(0, 6) != std::string_view(kMagic, 6))
    return Status::error(path + ": not a .npy file (bad magic)");
  unsigned char major = static_cast<unsigned char>(file[6]);
  int lenSize = major == 1 ? 2 : 4;
  if (fileSize < uint64_t(8 + lenSize))
    return Status::error(path + ": truncated header");
  uint32_t headerLen = 0;
  for (int i = lenSize - 1; i >= 0; --i)
    headerLen = headerLen * 256 + static_cast<unsigned char>(file[8 + i]);
  uint64_t dataStart = 6 + 2 + lenSize + uint64_t(headerLen);
  if (dataStart > fileSize)
    return Status::error(path + ": header length " + std::to_string(headerLen) +
                         " exceeds the file (" + std::to_string(fileSize) +
                         " bytes)");
  std::string header(file.substr(8 + lenSize, headerLen));

  std::string descr, fortran, shapeText;
  if (!headerField(header, "descr", descr) ||
      !headerField(header, "fortran_order", fortran) ||
      !headerField(header, "shape", shapeText))
    return Status::error(path + ": header lacks descr, fortran_order or shape");
  TensorType type;
  if (descr == "<f4")
    type.dtype = DType::f32;
  else if (descr == "<f8")
    type.dtype = DType::f64;
  else if (descr == "<f2")
    type.dtype = DType::f16;
  else if (descr == "<i4")
    type.dtype = DType::i32;
  else if (descr == "<i8")
    type.dtype = DType::i64;
  else
    return Status::error(path + ": field 'descr' is '" + descr +
                         "'; lipt reads little-endian float16/32/64 and "
                         "int32/64 (<f2, <f4, <f8, <i4, <i8)");
  if (fortran.find("False") == std::string::npos)
    return Status::error(path + ": field 'fortran_order' must be False (C "
                                "order)");
  std::stringstream ss(shapeText);
  std::string dim;
  while (std::getline(ss, dim, ',')) {
    size_t a = dim.find_first_not_of(" ");
    if (a == std::string::npos)
      continue;
    char *end = nullptr;
    errno = 0;
    long long d = std::strtoll(dim.c_str() + a, &end, 10);
    if (d < 0 || end == dim.c_str() + a || errno == ERANGE)
      return Status::error(path + ": bad dimension in field 'shape' (" +
                           shapeText + ")");
    type.shape.push_back(d);
  }
  // Checked against the bytes the file has before anything is allocated.
  uint64_t bytes = 0, dataSize = fileSize - dataStart;
  if (Status size = checkedByteSize(type, kMaxTensorFileBytes, bytes); !size)
    return Status::error(path + ": field 'shape': " + size.message);
  if (bytes > dataSize)
    return Status::error(path + ": data truncated: expected " +
                         std::to_string(bytes) + " bytes for " + type.str() +
                         ", the file has " + std::to_string(dataSize));
  if (bytes != dataSize)
    return Status::error(path + ": " + std::to_string(dataSize - bytes) +
                         " trailing bytes after the " + type.str() + " data");
  out = HostTensor(type);
  if (bytes != 0)
    std::memcpy(out.bytes.data(), file.data() + dataStart, bytes);
  return Status::success();
}

Status readNpy(const std::string &path, HostTensor &out) {
  std::string bytes;
  if (Status read = readFileBytes(path, kMaxTensorFileBytes, bytes); !read)
    return read;
  return parseNpy(bytes, path, out);
}

Status writeNpy(const std::string &path, const HostTensor &t) {
  const char *descr = nullptr;
  switch (t.type.dtype) {
  case DType::f32:
    descr = "<f4";
    break;
  case DType::f64:
    descr = "<f8";
    break;
  case DType::f16:
    descr = "<f2";
    break;
  case DType::i32:
    descr = "<i4";
    break;
  case DType::i64:
    descr = "<i8";
    break;
  case DType::bf16:
    return Status::error(path + ": NumPy has no bfloat16 dtype; convert the "
                                "result to f32 to write it as .npy");
  }
  std::string shape;
  for (int64_t d : t.type.shape)
    shape += std::to_string(d) + ", ";
  if (t.type.shape.size() > 1)
    shape.erase(shape.size() - 2); // "(2, 3)"; a 1-tuple keeps "(2,)"
  else if (t.type.shape.size() == 1)
    shape.erase(shape.size() - 1);
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': (" + shape + "), }";
  // Pad so the data starts on a 64-byte boundary; the header ends in '\n'.
  size_t total = 10 + header.size() + 1;
  header += std::string((64 - total % 64) % 64, ' ') + "\n";
  std::ofstream out(path, std::ios::binary);
  if (!out)
    return Status::error(path + ": cannot create file");
  uint16_t len = uint16_t(header.size());
  unsigned char prefix[10] = {0x93,
                              'N',
                              'U',
                              'M',
                              'P',
                              'Y',
                              1,
                              0,
                              static_cast<unsigned char>(len & 0xff),
                              static_cast<unsigned char>(len >> 8)};
  out.write(reinterpret_cast<const char *>(prefix), 10);
  out.write(header.data(), header.size());
  out.write(reinterpret_cast<const char *>(t.bytes.data()), t.bytes.size());
  // Buffered bytes reach the file (and a full disk shows) only on close.
  out.close();
  if (!out)
    return Status::error(path + ": write failed (disk full or no space?)");
  return Status::success();
}

} // namespace lipt_runtime
