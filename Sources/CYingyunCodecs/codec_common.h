// Helpers shared by the decoder wrappers (not part of the public header).
#ifndef CYINGYUN_CODEC_COMMON_H
#define CYINGYUN_CODEC_COMMON_H

#include <stdarg.h>
#include <stdio.h>
#include "include/CYingyunCodecs.h"

/// Writes a formatted message into the caller's buffer (always NUL-terminated) and returns `code`.
static inline int yy_fail(int code, char *message, size_t capacity, const char *format, ...) {
    if (message && capacity > 0) {
        va_list args;
        va_start(args, format);
        vsnprintf(message, capacity, format, args);
        va_end(args);
    }
    return code;
}

#endif
