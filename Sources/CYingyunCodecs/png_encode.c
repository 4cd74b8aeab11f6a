// libpng encoding into memory with a setjmp error handler; libpng's own longjmp never reaches Swift.
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>
#include "codec_common.h"

typedef struct {
    uint8_t *data;
    size_t size;
    size_t capacity;
    int failed;
} yy_png_buffer;

static void yy_png_write(png_structp png, png_bytep bytes, png_size_t length) {
    yy_png_buffer *b = png_get_io_ptr(png);
    if (b->failed) return;
    if (b->size + length > b->capacity) {
        size_t capacity = b->capacity ? b->capacity : 65536;
        while (capacity < b->size + length) capacity *= 2;
        uint8_t *grown = realloc(b->data, capacity);
        if (!grown) {
            b->failed = 1;
            png_error(png, "out of memory");
        }
        b->data = grown;
        b->capacity = capacity;
    }
    memcpy(b->data + b->size, bytes, length);
    b->size += length;
}

// Output goes to memory: there is nothing to flush (a NULL flush function would call fflush on
// libpng's default stream).
static void yy_png_flush(png_structp png) { (void)png; }

typedef struct {
    jmp_buf jump;
    char text[200];
} yy_png_error_state;

static void yy_png_error(png_structp png, png_const_charp msg) {
    yy_png_error_state *state = png_get_error_ptr(png);
    snprintf(state->text, sizeof(state->text), "%s", msg);
    longjmp(state->jump, 1);
}

static void yy_png_warning(png_structp png, png_const_charp msg) { (void)png; (void)msg; }

int yy_png_encode(const void *pixels, uint32_t width, uint32_t height, uint32_t components, uint32_t bit_depth,
                  yy_encoded *out, char *message, size_t message_capacity) {
    memset(out, 0, sizeof(*out));
    if ((components != 1 && components != 3) || (bit_depth != 8 && bit_depth != 16) || width == 0 || height == 0)
        return yy_fail(YY_CODEC_UNSUPPORTED, message, message_capacity, "PNG of %u components, %u bits, %ux%u",
                       components, bit_depth, width, height);
    yy_png_error_state state;
    memset(&state, 0, sizeof(state));
    yy_png_buffer buffer = {NULL, 0, 0, 0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, yy_png_error, yy_png_warning);
    if (!png) return yy_fail(YY_CODEC_NO_MEMORY, message, message_capacity, "png_create_write_struct failed");
    png_infop info = png_create_info_struct(png);
    uint8_t *volatile row16 = NULL;
    if (!info || setjmp(state.jump)) {
        png_destroy_write_struct(&png, &info);
        free(buffer.data);
        free(row16);
        return yy_fail(YY_CODEC_CORRUPT, message, message_capacity, "libpng: %s", state.text[0] ? state.text : "failed");
    }
    png_set_write_fn(png, &buffer, yy_png_write, yy_png_flush);
    png_set_IHDR(png, info, width, height, (int)bit_depth, components == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    // Thumbnails are written once and read often, but are small: speed over the last few percent.
    png_set_compression_level(png, 6);
    png_write_info(png, info);
    size_t row_samples = (size_t)width * components;
    if (bit_depth == 16) {
        row16 = malloc(row_samples * 2);
        if (!row16) png_error(png, "out of memory");
    }
    for (uint32_t y = 0; y < height; y++) {
        if (bit_depth == 8) {
            png_write_row(png, (png_const_bytep)pixels + row_samples * y);
        } else {
            // PNG stores 16-bit samples big endian.
            const uint16_t *src = (const uint16_t *)pixels + row_samples * y;
            for (size_t i = 0; i < row_samples; i++) {
                row16[2 * i] = (uint8_t)(src[i] >> 8);
                row16[2 * i + 1] = (uint8_t)src[i];
            }
            png_write_row(png, row16);
        }
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(row16);
    out->data = buffer.data;
    out->size = buffer.size;
    return YY_CODEC_OK;
}

void yy_encoded_free(yy_encoded *encoded) {
    if (!encoded) return;
    free(encoded->data);
    encoded->data = NULL;
    encoded->size = 0;
}
