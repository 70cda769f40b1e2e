/* fuzz_readers.c - libFuzzer harness over the generated code's readers:
 * the input becomes the rows of the seed's tables (or of
 * tests/reliability/edges.def's), or a whole database file, and every
 * generated read function runs on it.  See fuzz_readers.h for the input
 * format and the checks; build and run with `make fuzz-readers
 * FUZZ_TIME=SECONDS` (mk/reliability.mk; `make fuzz` runs both harnesses). */
#include "fuzz_readers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char msg[1024];
    const char *fail = readers_one(data, size, msg, sizeof msg, NULL);

    if (fail != NULL) {
        fprintf(stderr, "fuzz_readers: check failed: %s\n", fail);
        abort();
    }
    return 0;
}
