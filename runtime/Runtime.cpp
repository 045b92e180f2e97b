//===- Runtime.cpp - lipt execution API on raw buffers --------------------===//

#include "lipt/Runtime/Runtime.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace lipt_runtime {

const char *dtypeName(DType t) {
  switch (t) {
  case DType::f32:
    return "f32";
  case DType::f64:
    return "f64";
  case DType::f16:
    return "f16";
  case DType::bf16:
    return "bf16";
  case DType::i32:
    return "i32";
  case DType::i64:
    return "i64";
  }
  return "?";
}

bool parseDType(const std::string &name, DType &out) {
  for (DType t : {DType::f32, DType::f64, DType::f16, DType::bf16, DType::i32,
                  DType::i64})
    if (name == dtypeName(t)) {
      out = t;
      return true;
    }
  return false;
}

size_t dtypeSize(DType t) {
  switch (t) {
  case DType::f64:
  case DType::i64:
    return 8;
  case DType::f32:
  case DType::i32:
    return 4;
  case DType::f16:
  case DType::bf16:
    return 2;
  }
  return 0;
}

int64_t TensorType::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string TensorType::str() const {
  std::string s;
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s + dtypeName(dtype);
}

const FunctionSignature *Executable::lookup(const std::string &name) const {
  for (const FunctionSignature &f : functions())
    if (f.name == name)
      return &f;
  return nullptr;
}

Status checkArguments(const FunctionSignature &sig,
                      const std::vector<TensorView> &inputs,
                      const std::vector<TensorView> &outputs) {
  auto check = [&](const char *what, const std::vector<TensorType> &want,
                   const std::vector<TensorView> &got) -> Status {
    if (want.size() != got.size())
      return Status::error("function '" + sig.name + "' takes " +
                           std::to_string(want.size()) + " " + what + ", got " +
                           std::to_string(got.size()));
    for (size_t i = 0; i < want.size(); ++i) {
      if (!(want[i] == got[i].type))
        return Status::error("function '" + sig.name + "' " + what + " #" +
                             std::to_string(i) + " must be " + want[i].str() +
                             ", got " + got[i].type.str());
      if (!got[i].data && want[i].numElements() > 0)
        return Status::error("function '" + sig.name + "' " + what + " #" +
                             std::to_string(i) + " has no data");
    }
    return Status::success();
  };
  Status s = check("inputs", sig.inputs, inputs);
  if (!s)
    return s;
  return check("outputs", sig.outputs, outputs);
}

Status checkRegularFile(const std::string &path, uint64_t maxBytes) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return Status::error(std::string("cannot open file (") +
                         std::strerror(errno) + ")");
  if (S_ISDIR(st.st_mode))
    return Status::error("is a directory, not a file");
  if (!S_ISREG(st.st_mode))
    return Status::error("is not a regular file (a device, FIFO or socket)");
  if (uint64_t(st.st_size) > maxBytes)
    return Status::error("is " + std::to_string(st.st_size) +
                         " bytes, more than the " + std::to_string(maxBytes) +
                         " lipt reads");
  if (::access(path.c_str(), R_OK) != 0)
    return Status::error(std::string("cannot open file (") +
                         std::strerror(errno) + ")");
  return Status::success();
}

Status parseTensorType(const std::string &spec, TensorType &type) {
  std::vector<int64_t> shape;
  size_t pos = 0;
  while (true) {
    size_t x = spec.find('x', pos);
    std::string part = spec.substr(pos, x == std::string::npos ? x : x - pos);
    if (x == std::string::npos) {
      if (!parseDType(part, type.dtype))
        return Status::error("unknown element type '" + part + "' in '" + spec +
                             "' (expected f32, f64, f16, bf16, i32 or i64)");
      type.shape = shape;
      return Status::success();
    }
    char *end = nullptr;
    errno = 0;
    long long d = std::strtoll(part.c_str(), &end, 10);
    if (part.empty() || *end != '\0' || d < 0 || errno == ERANGE)
      return Status::error("bad dimension '" + part + "' in '" + spec + "'");
    shape.push_back(d);
    pos = x + 1;
  }
}

namespace {
std::vector<int64_t> descriptorOf(const TensorView &view) {
  size_t rank = view.type.shape.size();
  std::vector<int64_t> d(3 + 2 * rank);
  d[0] = d[1] = reinterpret_cast<int64_t>(view.data);
  d[2] = 0;
  int64_t stride = 1;
  for (size_t i = rank; i-- > 0;) {
    d[3 + i] = view.type.shape[i];
    d[3 + rank + i] = stride;
    stride *= view.type.shape[i];
  }
  return d;
}
} // namespace

std::vector<std::vector<int64_t>>
memrefDescriptors(const std::vector<TensorView> &inputs,
                  const std::vector<TensorView> &outputs) {
  std::vector<std::vector<int64_t>> out;
  for (const std::vector<TensorView> *views : {&inputs, &outputs})
    for (const TensorView &v : *views)
      out.push_back(descriptorOf(v));
  return out;
}

Status checkHostCall(const Executable &exe, const std::string &name,
                     const std::vector<TensorView> &inputs,
                     const std::vector<TensorView> &outputs, Stream stream,
                     const FunctionSignature *&sig) {
  sig = exe.lookup(name);
  if (!sig)
    return Status::error("no function named '" + name + "'");
  if (stream)
    return Status::error("the CPU executable takes no stream");
  for (const auto *views : {&inputs, &outputs})
    for (size_t i = 0; i < views->size(); ++i)
      if ((*views)[i].device.kind != DeviceKind::cpu)
        return Status::error(
            "function '" + name + "' " +
            (views == &inputs ? "input #" : "output #") + std::to_string(i) +
            " is in GPU memory; this executable runs on the CPU");
  return checkArguments(*sig, inputs, outputs);
}

Status readFileBytes(const std::string &path, uint64_t maxBytes,
                     std::string &bytes) {
  if (Status file = checkRegularFile(path, maxBytes); !file)
    return Status::error(path + ": " + file.message);
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in)
    return Status::error(path + ": cannot open file");
  std::streamoff size = in.tellg();
  if (size < 0 || uint64_t(size) > maxBytes)
    return Status::error(path + ": cannot determine its size");
  bytes.assign(size_t(size), '\0');
  in.seekg(0);
  if (size > 0 && !in.read(&bytes[0], size))
    return Status::error(path + ": read failed (the file changed while read?)");
  return Status::success();
}

Status checkedByteSize(const TensorType &type, uint64_t limit,
                       uint64_t &bytes) {
  uint64_t n = dtypeSize(type.dtype);
  for (int64_t d : type.shape) {
    if (d < 0)
      return Status::error("shape " + type.str() + " has a negative dimension");
    if (d != 0 && n > limit / uint64_t(d))
      return Status::error("shape " + type.str() + " needs more than " +
                           std::to_string(limit) + " bytes");
    n *= uint64_t(d);
  }
  if (n > limit)
    return Status::error("shape " + type.str() + " needs " + std::to_string(n) +
                         " bytes, more than " + std::to_string(limit));
  bytes = n;
  return Status::success();
}

HostTensor::HostTensor(TensorType t)
    : type(std::move(t)), bytes(type.numElements() * dtypeSize(type.dtype)) {}

double HostTensor::get(int64_t i) const {
  const uint8_t *p = bytes.data() + i * dtypeSize(type.dtype);
  switch (type.dtype) {
  case DType::f32: {
    float f;
    std::memcpy(&f, p, 4);
    return f;
  }
  case DType::f64: {
    double d;
    std::memcpy(&d, p, 8);
    return d;
  }
  case DType::f16:
  case DType::bf16: {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return type.dtype == DType::f16 ? halfToFloat(h) : bfloat16ToFloat(h);
  }
  case DType::i32: {
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case DType::i64: {
    int64_t v;
    std::memcpy(&v, p, 8);
    return double(v);
  }
  }
  return 0;
}

void HostTensor::set(int64_t i, double v) {
  uint8_t *p = bytes.data() + i * dtypeSize(type.dtype);
  switch (type.dtype) {
  case DType::f32: {
    float f = float(v);
    std::memcpy(p, &f, 4);
    return;
  }
  case DType::f64:
    std::memcpy(p, &v, 8);
    return;
  case DType::f16:
  case DType::bf16: {
    uint16_t h = type.dtype == DType::f16 ? floatToHalf(float(v))
                                          : floatToBFloat16(float(v));
    std::memcpy(p, &h, 2);
    return;
  }
  case DType::i32: {
    int32_t i = int32_t(v);
    std::memcpy(p, &i, 4);
    return;
  }
  case DType::i64: {
    int64_t i = int64_t(v);
    std::memcpy(p, &i, 8);
    return;
  }
  }
}

uint16_t floatToBFloat16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((u & 0x7fffffff) > 0x7f800000) // NaN stays a (quiet) NaN
    return uint16_t((u >> 16) | 0x40);
  u += 0x7fff + ((u >> 16) & 1);
  return uint16_t(u >> 16);
}

float bfloat16ToFloat(uint16_t b) {
  uint32_t u = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

uint16_t floatToHalf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  uint32_t sign = (u >> 16) & 0x8000;
  int32_t exp = int32_t((u >> 23) & 0xff) - 127 + 15;
  uint32_t mant = u & 0x7fffff;
  if (((u >> 23) & 0xff) == 0xff) // inf / NaN
    return uint16_t(sign | 0x7c00 | (mant ? 0x200 : 0));
  if (exp >= 31)
    return uint16_t(sign | 0x7c00);
  if (exp <= 0) { // subnormal or zero
    if (exp < -10)
      return uint16_t(sign);
    mant |= 0x800000;
    uint32_t shift = uint32_t(14 - exp);
    uint32_t half = mant >> shift;
    uint32_t rem = mant & ((1u << shift) - 1), mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1)))
      ++half;
    return uint16_t(sign | half);
  }
  uint32_t half = sign | (uint32_t(exp) << 10) | (mant >> 13);
  uint32_t rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (half & 1)))
    ++half; // may carry into the exponent, which is correct rounding
  return uint16_t(half);
}

float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  uint32_t u;
  if (exp == 0) {
    if (mant == 0) {
      u = sign;
    } else { // subnormal: normalise
      exp = 127 - 15 + 1;
      while (!(mant & 0x400)) {
        mant <<= 1;
        --exp;
      }
      u = sign | (exp << 23) | ((mant & 0x3ff) << 13);
    }
  } else if (exp == 31) {
    u = sign | 0x7f800000 | (mant << 13);
  } else {
    u = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

} // namespace lipt_runtime
