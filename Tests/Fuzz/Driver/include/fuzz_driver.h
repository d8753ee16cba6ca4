#ifndef GT_FUZZ_DRIVER_H
#define GT_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer on the target's LLVMFuzzerTestOneInput with the command line's options.
/// SwiftPM gives every executable its own `main`, so libFuzzer's is never linked; this starts
/// libFuzzer's driver from there instead.
int gt_fuzz_main(int argc, char **argv);

/// An anonymous in-memory file (memfd_create, which Swift's Glibc does not export), for a target
/// that reads its input through a file descriptor as the tools read stdin; -1 on failure.
int gt_fuzz_memory_file(void);

#endif
