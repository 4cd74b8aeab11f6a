// libjpeg-turbo decoding from memory with a setjmp error manager: libjpeg's fatal errors (and
// the warnings that mean the data is damaged) jump back here and become a status code.
#include <stddef.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>
#include "codec_common.h"

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char text[JMSG_LENGTH_MAX];
} yy_jpeg_error_manager;

static void yy_jpeg_error_exit(j_common_ptr cinfo) {
    yy_jpeg_error_manager *err = (yy_jpeg_error_manager *)cinfo->err;
    err->base.format_message(cinfo, err->text);
    longjmp(err->jump, 1);
}

// libjpeg only warns on a truncated or damaged entropy-coded segment and fills the rest with
// grey; for a medical image that is garbage, so those warnings are fatal here.
static void yy_jpeg_emit_message(j_common_ptr cinfo, int level) {
    yy_jpeg_error_manager *err = (yy_jpeg_error_manager *)cinfo->err;
    if (level >= 0) return;  // trace messages
    int code = err->base.msg_code;
    if (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER || code == JWRN_MUST_RESYNC || code == JWRN_NOT_SEQUENTIAL
        || code == JWRN_BOGUS_PROGRESSION) {
        yy_jpeg_error_exit(cinfo);
    }
    err->base.num_warnings++;
}

static int yy_has_rgb_component_ids(struct jpeg_decompress_struct *cinfo) {
    if (cinfo->num_components != 3) return 0;
    int a = cinfo->comp_info[0].component_id, b = cinfo->comp_info[1].component_id,
        c = cinfo->comp_info[2].component_id;
    return (a == 'R' && b == 'G' && c == 'B') || (a == 'r' && b == 'g' && c == 'b');
}

int yy_jpeg_decode(const uint8_t *src, size_t length, int color_mode, int declared_ybr, uint64_t max_pixels,
                   yy_decoded_image *out, char *message, size_t message_capacity) {
    memset(out, 0, sizeof(*out));
    if (length < 4) return yy_fail(YY_CODEC_CORRUPT, message, message_capacity, "JPEG stream of %zu bytes", length);

    struct jpeg_decompress_struct cinfo;
    yy_jpeg_error_manager err;
    memset(&cinfo, 0, sizeof(cinfo));
    memset(&err, 0, sizeof(err));
    cinfo.err = jpeg_std_error(&err.base);
    err.base.error_exit = yy_jpeg_error_exit;
    err.base.emit_message = yy_jpeg_emit_message;
    // Volatile: the buffer must survive a longjmp so it can be freed.
    uint8_t *volatile pixels = NULL;

    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        memset(out, 0, sizeof(*out));
        // A 12-bit or lossless (SOF3) frame is valid JPEG that this libjpeg build cannot decode.
        int code = err.base.msg_code;
        int unsupported = code == JERR_BAD_PRECISION || code == JERR_SOF_UNSUPPORTED || code == JERR_NOT_COMPILED;
        return yy_fail(unsupported ? YY_CODEC_UNSUPPORTED : YY_CODEC_CORRUPT, message, message_capacity, "libjpeg: %s",
                       err.text);
    }
    jpeg_CreateDecompress(&cinfo, JPEG_LIB_VERSION, sizeof(cinfo));
    jpeg_mem_src(&cinfo, src, (unsigned long)length);
    jpeg_save_markers(&cinfo, JPEG_APP0, 64);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 14, 64);
    jpeg_read_header(&cinfo, TRUE);

    if (cinfo.data_precision != 8) {
        jpeg_destroy_decompress(&cinfo);
        return yy_fail(YY_CODEC_UNSUPPORTED, message, message_capacity,
                       "%d-bit JPEG: this libjpeg decodes 8-bit samples only", cinfo.data_precision);
    }
    if (max_pixels && (uint64_t)cinfo.image_width * cinfo.image_height > max_pixels) {
        jpeg_destroy_decompress(&cinfo);
        return yy_fail(YY_CODEC_TOO_LARGE, message, message_capacity, "JPEG of %ux%u pixels exceeds the limit",
                       cinfo.image_width, cinfo.image_height);
    }

    int transform = 0;
    if (cinfo.num_components == 3) {
        switch (color_mode) {
        case YY_JPEG_COLOR_YCBCR_TO_RGB: transform = 1; break;
        case YY_JPEG_COLOR_FROM_MARKERS:
            if (yy_has_rgb_component_ids(&cinfo)) transform = 0;
            else if (cinfo.saw_Adobe_marker) transform = cinfo.Adobe_transform != 0;
            else if (cinfo.saw_JFIF_marker) transform = 1;
            else transform = declared_ybr != 0;
            break;
        default: transform = 0; break;
        }
        cinfo.jpeg_color_space = transform ? JCS_YCbCr : JCS_RGB;
        cinfo.out_color_space = JCS_RGB;
    } else if (cinfo.num_components == 1) {
        cinfo.jpeg_color_space = JCS_GRAYSCALE;
        cinfo.out_color_space = JCS_GRAYSCALE;
    } else {
        // Four components (CMYK/YCCK) are not a DICOM photometric interpretation: keep them as stored.
        cinfo.jpeg_color_space = cinfo.num_components == 4 ? JCS_CMYK : cinfo.jpeg_color_space;
        cinfo.out_color_space = cinfo.jpeg_color_space;
    }

    jpeg_start_decompress(&cinfo);
    size_t row_bytes = (size_t)cinfo.output_width * cinfo.output_components;
    size_t total = row_bytes * cinfo.output_height;
    pixels = malloc(total ? total : 1);
    if (!pixels) {
        jpeg_destroy_decompress(&cinfo);
        return yy_fail(YY_CODEC_NO_MEMORY, message, message_capacity, "no memory for %zu bytes", total);
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = (JSAMPROW)(pixels + row_bytes * cinfo.output_scanline);
        if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) {
            // Only a suspending source returns 0 lines; the memory source never should.
            snprintf(err.text, sizeof(err.text), "no scanline returned at row %u", cinfo.output_scanline);
            longjmp(err.jump, 1);
        }
    }
    jpeg_finish_decompress(&cinfo);
    out->data = pixels;
    out->size = total;
    out->width = cinfo.output_width;
    out->height = cinfo.output_height;
    out->components = (uint32_t)cinfo.output_components;
    out->bytes_per_sample = 1;
    out->precision = 8;
    out->color_transformed = transform;
    jpeg_destroy_decompress(&cinfo);
    return YY_CODEC_OK;
}
