/* fuzz_frontend.c - libFuzzer harness over the whole front end: scanner,
 * parser, imports, checker, diagnostics and every emitter, into memory.
 * See fuzz_oracle.h for the input format and the checks; build and run
 * with `make fuzz FUZZ_TIME=SECONDS` (mk/reliability.mk). */
#include "fuzz_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char msg[512];
    const char *fail = fuzz_one(data, size, true, msg, sizeof msg);

    if (fail != NULL) {
        fprintf(stderr, "fuzz_frontend: check failed: %s\n", fail);
        abort();
    }
    return 0;
}
