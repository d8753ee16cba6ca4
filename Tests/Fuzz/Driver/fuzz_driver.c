#define _GNU_SOURCE
#include <sys/mman.h>
#include "fuzz_driver.h"

// Both come from the fuzz target (Swift, @_cdecl) and from libFuzzer (-sanitize=fuzzer).
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

int gt_fuzz_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}

int gt_fuzz_memory_file(void) {
    return memfd_create("gt-fuzz-input", MFD_CLOEXEC);
}
