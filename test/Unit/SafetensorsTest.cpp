//===- SafetensorsTest.cpp - checkpoints round-trip and fail loudly -------===//

#include "lipt/Runtime/Safetensors.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

using namespace lipt_runtime;

namespace {

std::string tempPath(const std::string &name) {
  const char *dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/lipt-" +
         std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + name;
}

Safetensors sample() {
  Safetensors f;
  f.metadata["config"] = R"({"d": 256, "layers": 3, "name": "quote\"d"})";
  const DType types[] = {DType::f32, DType::f64, DType::f16, DType::bf16};
  const char *names[] = {"embed.weight", "blocks.0.attn.q.weight",
                         "blocks.0.mlp.in.weight", "head.weight"};
  for (int i = 0; i < 4; ++i) {
    HostTensor t(TensorType{types[i], {3, 5}});
    for (int64_t j = 0; j < 15; ++j)
      t.set(j, 0.25 * j - 1.5 + i);
    f.tensors.push_back({names[i], t});
  }
  return f;
}

/// A file made of `header` (with its 8-byte little-endian length) and data.
std::string withHeader(const std::string &header, const std::string &data) {
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i)
    bytes[i] = char(uint64_t(header.size()) >> (8 * i));
  return bytes + header + data;
}

void writeBytes(const std::string &path, const std::string &bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(Safetensors, AFlippedDataByteFailsTheChecksum) {
  std::string path = tempPath("flipped.safetensors");
  ASSERT_TRUE(writeSafetensors(path, sample()).ok);
  std::string bytes = readBytes(path);
  bytes[bytes.size() - 3] ^= 0x10;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  Safetensors read;
  Status s = readSafetensors(path, read);
  EXPECT_FALSE(s.ok);
  EXPECT_NE(s.message.find("changed after it was written"), std::string::npos)
      << s.message;
}

TEST(Safetensors, RoundTripsEveryDTypeAndTheMetadata) {
  std::string path = tempPath("roundtrip.safetensors");
  Safetensors written = sample();
  ASSERT_TRUE(writeSafetensors(path, written).ok);
  Safetensors read;
  Status s = readSafetensors(path, read);
  ASSERT_TRUE(s.ok) << s.message;
  // The writer adds its checksum, and the reader verified it.
  EXPECT_TRUE(read.checksumVerified);
  EXPECT_EQ(read.metadata.at(kChecksumKey), checksumOf(written));
  read.metadata.erase(kChecksumKey);
  EXPECT_EQ(read.metadata, written.metadata);
  ASSERT_EQ(read.tensors.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(read.tensors[i].name, written.tensors[i].name);
    EXPECT_TRUE(read.tensors[i].tensor.type == written.tensors[i].tensor.type);
    EXPECT_EQ(read.tensors[i].tensor.bytes, written.tensors[i].tensor.bytes);
  }
  // Atomic write: nothing left beside the file.
  EXPECT_FALSE(std::ifstream(path + ".tmp").good());
  std::remove(path.c_str());
}

TEST(Safetensors, AnIndependentPythonReaderLoadsIt) {
  // Debian ships no safetensors package: this reader implements the format
  // from its specification with json/struct/numpy only.
  if (std::system("/usr/bin/python3 -c 'import numpy' 2>/dev/null") != 0)
    GTEST_SKIP() << "/usr/bin/python3 with numpy is not installed";
  std::string path = tempPath("python.safetensors");
  ASSERT_TRUE(writeSafetensors(path, sample()).ok);
  std::string script = R"PY(
import json, struct, sys
import numpy as np
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
data = raw[8 + n:]
assert json.loads(header['__metadata__']['config'])['layers'] == 3
dt = {'F32': np.float32, 'F64': np.float64, 'F16': np.float16}
for name, i in [('embed.weight', 0), ('blocks.0.attn.q.weight', 1),
                ('blocks.0.mlp.in.weight', 2), ('head.weight', 3)]:
    e = header[name]
    b, end = e['data_offsets']
    buf = data[b:end]
    if e['dtype'] == 'BF16':
        bits = np.frombuffer(buf, np.uint16).astype(np.uint32) << 16
        x = bits.view(np.float32)
    else:
        x = np.frombuffer(buf, dt[e['dtype']])
    x = x.astype(np.float64).reshape(e['shape'])
    want = (0.25 * np.arange(15) - 1.5 + i).reshape(3, 5)
    assert np.array_equal(x, want), (name, x)
print('python reader ok')
)PY";
  std::string scriptPath = tempPath("reader.py");
  writeBytes(scriptPath, script);
  EXPECT_EQ(
      std::system(("/usr/bin/python3 " + scriptPath + " " + path).c_str()), 0);
  std::remove(path.c_str());
  std::remove(scriptPath.c_str());
}

class CorruptSafetensors : public ::testing::Test {
protected:
  /// Reads `bytes` as a checkpoint; returns the error message.
  std::string errorFor(const std::string &bytes) {
    std::string path = tempPath("corrupt.safetensors");
    writeBytes(path, bytes);
    Safetensors out;
    Status s = readSafetensors(path, out);
    std::remove(path.c_str());
    EXPECT_FALSE(s.ok);
    return s.message;
  }
  std::string valid() {
    std::string path = tempPath("valid.safetensors");
    EXPECT_TRUE(writeSafetensors(path, sample()).ok);
    std::string bytes = readBytes(path);
    std::remove(path.c_str());
    return bytes;
  }
};

TEST_F(CorruptSafetensors, MissingFile) {
  Safetensors out;
  Status s = readSafetensors(tempPath("nope.safetensors"), out);
  EXPECT_NE(s.message.find("cannot open file"), std::string::npos);
}

TEST_F(CorruptSafetensors, TooShort) {
  EXPECT_NE(errorFor("abc").find("truncated"), std::string::npos);
}

TEST_F(CorruptSafetensors, TruncatedData) {
  std::string bytes = valid();
  std::string msg = errorFor(bytes.substr(0, bytes.size() - 10));
  EXPECT_NE(msg.find("head.weight"), std::string::npos) << msg;
  EXPECT_NE(msg.find("data_offsets"), std::string::npos) << msg;
}

TEST_F(CorruptSafetensors, TruncatedHeader) {
  std::string msg = errorFor(valid().substr(0, 40));
  EXPECT_NE(msg.find("header length"), std::string::npos) << msg;
}

TEST_F(CorruptSafetensors, MalformedJson) {
  std::string header = "{\"a\": {\"dtype\": \"F32\", ";
  EXPECT_NE(errorFor(withHeader(header, "")).find("malformed JSON header"),
            std::string::npos);
}

TEST_F(CorruptSafetensors, UnsupportedDType) {
  std::string header =
      R"({"w": {"dtype": "U8", "shape": [8], "data_offsets": [0, 8]}})";
  std::string msg = errorFor(withHeader(header, std::string(8, '\0')));
  EXPECT_NE(msg.find("tensor 'w': field 'dtype' is 'U8'"), std::string::npos)
      << msg;
}

TEST_F(CorruptSafetensors, SizeDisagreesWithShape) {
  std::string header =
      R"({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}})";
  std::string msg = errorFor(withHeader(header, std::string(8, '\0')));
  EXPECT_NE(msg.find("spans 8 bytes but 3xf32 needs 12"), std::string::npos)
      << msg;
}

TEST(Safetensors, RefusesDuplicateNames) {
  Safetensors f = sample();
  f.tensors.push_back(f.tensors[0]);
  Status s = writeSafetensors(tempPath("dup.safetensors"), f);
  EXPECT_FALSE(s.ok);
  EXPECT_NE(s.message.find("used twice"), std::string::npos);
}

} // namespace
