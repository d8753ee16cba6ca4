#ifndef CHIREDIS_SHIM_H
#define CHIREDIS_SHIM_H
// hiredis, the Redis project's own C client (Debian libhiredis-dev, 0.14 on bookworm: no TLS
// library, hence no rediss://; docs/architecture.md). Only the non-variadic *Argv calls are used
// from Swift: redisCommand/redisAppendCommand are variadic and unavailable there.
#include <hiredis/hiredis.h>
#endif
