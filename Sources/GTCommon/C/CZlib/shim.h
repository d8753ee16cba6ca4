#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H
// zlib: gt-serve inflates gzip request bodies (Content-Encoding: gzip) with a bound.
#include <zlib.h>

// inflateInit2 is a function-like macro, which Swift does not import. 16 + MAX_WBITS: gzip
// framing only (a zlib or raw deflate body is refused, as the header names gzip).
static inline int gt_inflate_init_gzip(z_stream *stream) { return inflateInit2(stream, 16 + MAX_WBITS); }
#endif
