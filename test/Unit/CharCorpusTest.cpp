//===- CharCorpusTest.cpp - character-level data
//---------------------------===//

#include "lipt/Runtime/CharCorpus.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

using namespace lipt_runtime;

namespace {

std::string writeTemp(const std::string &name, const std::string &text) {
  const char *dir = std::getenv("TMPDIR");
  std::string path = std::string(dir ? dir : "/tmp") + "/lipt-corpus-" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(CharCorpus, VocabularySplitAndRoundTrip) {
  std::string text;
  for (int i = 0; i < 100; ++i)
    text += "to be, or not to be\n";
  std::string path = writeTemp("small.txt", text);
  CharCorpus c;
  ASSERT_TRUE(CharCorpus::load(path, c).ok);
  EXPECT_EQ(c.vocabulary, std::string("\n ,benort"));
  EXPECT_EQ(c.train.size(), text.size() * 9 / 10);
  EXPECT_EQ(c.train.size() + c.validation.size(), text.size());
  std::vector<int32_t> all(c.train);
  all.insert(all.end(), c.validation.begin(), c.validation.end());
  EXPECT_EQ(c.decode(all), text);
  std::remove(path.c_str());
}

TEST(CharCorpus, SamplingIsDeterministicAndTargetsAreTheNextCharacter) {
  std::string text;
  for (int i = 0; i < 500; ++i)
    text += char('a' + i % 26);
  std::string path = writeTemp("alpha.txt", text);
  CharCorpus c;
  ASSERT_TRUE(CharCorpus::load(path, c).ok);
  std::vector<int32_t> x1, y1, x2, y2, x3, y3;
  SplitMix64 a(42), b(42), other(43);
  ASSERT_TRUE(c.sample(c.train, 4, 16, a, x1, y1).ok);
  ASSERT_TRUE(c.sample(c.train, 4, 16, b, x2, y2).ok);
  ASSERT_TRUE(c.sample(c.train, 4, 16, other, x3, y3).ok);
  EXPECT_EQ(x1, x2);
  EXPECT_EQ(y1, y2);
  EXPECT_NE(x1, x3);
  for (size_t i = 0; i < x1.size(); ++i) // the alphabet, shifted by one
    EXPECT_EQ(y1[i], (x1[i] + 1) % 26);
  std::remove(path.c_str());
}

TEST(CharCorpus, ClearErrors) {
  CharCorpus c;
  Status missing = CharCorpus::load("/nonexistent/tiny.txt", c);
  EXPECT_NE(missing.message.find("/nonexistent/tiny.txt: cannot open"),
            std::string::npos);
  EXPECT_NE(missing.message.find("scripts/get-tinyshakespeare.sh"),
            std::string::npos);
  std::string empty = writeTemp("empty.txt", "");
  EXPECT_NE(CharCorpus::load(empty, c).message.find("the corpus is empty"),
            std::string::npos);
  std::remove(empty.c_str());
  std::string tiny = writeTemp("tiny.txt", "abcdefghij");
  ASSERT_TRUE(CharCorpus::load(tiny, c).ok);
  std::vector<int32_t> x, y;
  SplitMix64 rng(0);
  Status shortSplit = c.sample(c.validation, 1, 8, rng, x, y);
  EXPECT_NE(shortSplit.message.find("fewer than seq_len + 1"),
            std::string::npos);
  std::remove(tiny.c_str());
  std::string resolved;
  Status bad = resolveCorpusPath("/nonexistent/data.txt", resolved);
  EXPECT_NE(bad.message.find("--data PATH or set LIPT_DATA"),
            std::string::npos);
}

TEST(CharCorpus, TinyShakespeareMatchesThePaper) {
  std::string path =
      std::string(LIPT_SOURCE_DIR) + "/../shared/data/tinyshakespeare.txt";
  if (!std::ifstream(path))
    GTEST_SKIP() << path << " is not here (scripts/get-tinyshakespeare.sh)";
  CharCorpus c;
  ASSERT_TRUE(CharCorpus::load(path, c).ok);
  EXPECT_EQ(c.vocabulary.size(), 65u);
  EXPECT_EQ(c.train.size(), 1003854u);
  EXPECT_EQ(c.validation.size(), 111540u);
}

} // namespace
