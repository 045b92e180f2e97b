//===- CommandLine.h - lipt tools' --help -----------------------*- C++ -*-===//

#ifndef LIPT_TOOLS_COMMANDLINE_H
#define LIPT_TOOLS_COMMANDLINE_H

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CommandLine.h"

#include <initializer_list>

namespace mlir::lipt {

/// Makes --help list only the tool's own options (those in `categories`,
/// and help/version); LLVM's hundreds of internal ones move behind
/// --help-hidden. (cl::HideUnrelatedOptions would hide them from
/// --help-hidden too.) Call before cl::ParseCommandLineOptions.
inline void showOnlyOwnOptionsInHelp(
    std::initializer_list<llvm::cl::OptionCategory *> categories) {
  for (auto &[name, option] : llvm::cl::getRegisteredOptions()) {
    bool ours =
        name == "help" || name == "help-list" || name == "version" ||
        llvm::any_of(option->Categories, [&](llvm::cl::OptionCategory *c) {
          return llvm::is_contained(categories, c);
        });
    if (!ours && option->getOptionHiddenFlag() == llvm::cl::NotHidden)
      option->setHiddenFlag(llvm::cl::Hidden);
  }
}

} // namespace mlir::lipt

#endif // LIPT_TOOLS_COMMANDLINE_H
