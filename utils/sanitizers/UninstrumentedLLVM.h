/*===- UninstrumentedLLVM.h - ASan next to an uninstrumented libLLVM ------===*
 *
 * Included first in every file of an ASan build (CMakeLists.txt). Debian's
 * libLLVM/libMLIR are not instrumented, but LLVM's headers poison and
 * unpoison memory by hand when the including file is (BumpPtrAllocator,
 * which backs MLIRContext's attribute and type storage): a slab that lipt's
 * instrumented copy of the allocator poisoned is then handed out by
 * libMLIR's uninstrumented copy, which does not unpoison it, and the next
 * read from lipt's code reports a use-after-poison that is not one. The
 * hand poisoning is turned off; ASan's own checks (heap, stack, globals,
 * use-after-free) are not affected.
 *
 *===----------------------------------------------------------------------===*/

#ifndef LIPT_UTILS_SANITIZERS_UNINSTRUMENTEDLLVM_H
#define LIPT_UTILS_SANITIZERS_UNINSTRUMENTEDLLVM_H

#include <sanitizer/asan_interface.h>

#undef __asan_poison_memory_region
#undef __asan_unpoison_memory_region
#define __asan_poison_memory_region(p, size) ((void)(p), (void)(size))
#define __asan_unpoison_memory_region(p, size) ((void)(p), (void)(size))

#endif
