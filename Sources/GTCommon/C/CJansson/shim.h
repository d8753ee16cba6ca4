#ifndef CJANSSON_SHIM_H
#define CJANSSON_SHIM_H
#include <jansson.h>

// json_typeof is a function-like macro, which Swift cannot call: a typed forwarder.
static inline json_type gt_json_typeof(const json_t *j) { return json_typeof(j); }
#endif
