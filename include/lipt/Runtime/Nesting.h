//===- Nesting.h - how deeply a text nests its brackets ---------*- C++ -*-===//
//
// Recursive-descent parsers (LLVM's JSON, MLIR's attribute parser) use one
// stack frame per nesting level: a hostile file nested 100,000 deep
// overflows the stack before the parser can report anything. Readers check
// the depth first, with this linear scan.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_RUNTIME_NESTING_H
#define LIPT_RUNTIME_NESTING_H

#include "lipt/Runtime/Runtime.h"

#include <cstddef>
#include <string_view>

namespace lipt_runtime {

/// The deepest nesting of the bracket pairs open[i]/close[i] in `text`,
/// outside "..." strings (with backslash escapes) and, when `lineComment`
/// is not empty, outside comments that run to the end of the line. A
/// closing bracket without an opening one is ignored (MLIR's `->`).
size_t maxNestingDepth(std::string_view text, std::string_view open,
                       std::string_view close,
                       std::string_view lineComment = {});

/// How deeply lipt's tools let MLIR text nest ([{(<): a model nests a few
/// levels, a hostile file 20,000.
inline constexpr size_t kMaxIRNesting = 256;
/// Fails, saying how deep, when `irText` nests beyond kMaxIRNesting. Every
/// reader of IR text (lipt-run, the fuzzers) calls this before MLIR's parser.
Status checkIRNesting(std::string_view irText);

} // namespace lipt_runtime

#endif // LIPT_RUNTIME_NESTING_H
