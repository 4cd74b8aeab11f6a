// libjpeg-turbo baseline encoding into memory with a setjmp error manager.
#include <stddef.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include "codec_common.h"

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char text[JMSG_LENGTH_MAX];
} yy_jpeg_encode_error;

static void yy_jpeg_encode_error_exit(j_common_ptr cinfo) {
    yy_jpeg_encode_error *err = (yy_jpeg_encode_error *)cinfo->err;
    err->base.format_message(cinfo, err->text);
    longjmp(err->jump, 1);
}

static void yy_jpeg_encode_quiet(j_common_ptr cinfo, int level) { (void)cinfo; (void)level; }

int yy_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, uint32_t components, int quality,
                   yy_encoded *out, char *message, size_t message_capacity) {
    memset(out, 0, sizeof(*out));
    if ((components != 1 && components != 3) || width == 0 || height == 0 || width > 65500 || height > 65500)
        return yy_fail(YY_CODEC_UNSUPPORTED, message, message_capacity, "JPEG of %u components, %ux%u", components,
                       width, height);
    struct jpeg_compress_struct cinfo;
    yy_jpeg_encode_error err;
    memset(&cinfo, 0, sizeof(cinfo));
    memset(&err, 0, sizeof(err));
    cinfo.err = jpeg_std_error(&err.base);
    err.base.error_exit = yy_jpeg_encode_error_exit;
    err.base.emit_message = yy_jpeg_encode_quiet;
    // libjpeg grows `dest` with malloc through its address; after a longjmp it is read from memory.
    unsigned char *dest = NULL;
    unsigned long size = 0;
    if (setjmp(err.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(dest);
        return yy_fail(YY_CODEC_CORRUPT, message, message_capacity, "libjpeg: %s", err.text);
    }
    // jpeg_create_compress is a macro; the function takes the library version and struct size.
    jpeg_CreateCompress(&cinfo, JPEG_LIB_VERSION, sizeof(cinfo));
    jpeg_mem_dest(&cinfo, &dest, &size);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = (int)components;
    cinfo.in_color_space = components == 3 ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality < 1 ? 1 : quality > 100 ? 100 : quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t row_bytes = (size_t)width * components;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + row_bytes * cinfo.next_scanline);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    out->data = dest;
    out->size = size;
    return YY_CODEC_OK;
}
