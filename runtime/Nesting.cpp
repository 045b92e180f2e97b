//===- Nesting.cpp - how deeply a text nests its brackets -----------------===//

#include "lipt/Runtime/Nesting.h"

#include <algorithm>
#include <string>

size_t lipt_runtime::maxNestingDepth(std::string_view text,
                                     std::string_view open,
                                     std::string_view close,
                                     std::string_view lineComment) {
  size_t depth = 0, deepest = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (!lineComment.empty() &&
               text.substr(i, lineComment.size()) == lineComment) {
      i = std::min(text.find('\n', i), text.size());
    } else if (open.find(c) != std::string_view::npos) {
      deepest = std::max(deepest, ++depth);
    } else if (close.find(c) != std::string_view::npos && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

lipt_runtime::Status lipt_runtime::checkIRNesting(std::string_view irText) {
  size_t depth = maxNestingDepth(irText, "[{(<", "]})>", "//");
  if (depth <= kMaxIRNesting)
    return Status::success();
  return Status::error("brackets nest " + std::to_string(depth) +
                       " levels deep; lipt reads IR nested at most " +
                       std::to_string(kMaxIRNesting) + " deep");
}
