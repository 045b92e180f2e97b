//===- FuzzMain.cpp - replay fuzzer inputs without libFuzzer --------------===//
//
// The `main` of a fuzz target built without libFuzzer (gcc, the sanitizer
// build, the normal build): it runs LLVMFuzzerTestOneInput on every file
// named on the command line, and on every file inside a named directory.
// The regression test replays the seed corpora and past findings this way,
// so a finding stays fixed in every build, not only the fuzzing one.
//
//===----------------------------------------------------------------------===//

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {
bool runFile(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot open file\n", path.c_str());
    return false;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.data()),
                         bytes.size());
  return true;
}
} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE|DIR...  (replays fuzzer inputs)\n",
                 argv[0]);
    return 2;
  }
  size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path arg(argv[i]);
    std::error_code error;
    if (!std::filesystem::is_directory(arg, error)) {
      if (!runFile(arg))
        return 1;
      ++count;
      continue;
    }
    // Sorted, so a failure names the same input on every run.
    std::vector<std::filesystem::path> files;
    for (const auto &entry : std::filesystem::directory_iterator(arg))
      if (entry.is_regular_file())
        files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto &file : files) {
      if (!runFile(file))
        return 1;
      ++count;
    }
  }
  std::printf("replayed %zu inputs\n", count);
  return 0;
}
