#ifndef CYINGYUN_ZLIB_SHIM_H
#define CYINGYUN_ZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro; Swift cannot call it.
static inline int cyingyun_inflateInit2(z_stream *strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
static inline int cyingyun_deflateInit2(z_stream *strm, int level, int windowBits) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
#endif
