// CharLS (JPEG-LS) decoding through its C API; CharLS reports errors as return codes.
#include <stdlib.h>
#include <string.h>
#include <charls/charls.h>
#include "codec_common.h"

int yy_jls_decode(const uint8_t *src, size_t length, uint64_t max_pixels, yy_decoded_image *out,
                  char *message, size_t message_capacity) {
    memset(out, 0, sizeof(*out));
    if (length < 4) return yy_fail(YY_CODEC_CORRUPT, message, message_capacity, "JPEG-LS stream of %zu bytes", length);
    charls_jpegls_decoder *decoder = charls_jpegls_decoder_create();
    if (!decoder) return yy_fail(YY_CODEC_NO_MEMORY, message, message_capacity, "CharLS setup failed");
    int status = YY_CODEC_OK;
    uint8_t *planar = NULL, *pixels = NULL;
    charls_jpegls_errc e = charls_jpegls_decoder_set_source_buffer(decoder, src, length);
    if (e == CHARLS_JPEGLS_ERRC_SUCCESS) e = charls_jpegls_decoder_read_header(decoder);
    charls_frame_info frame;
    memset(&frame, 0, sizeof(frame));
    if (e == CHARLS_JPEGLS_ERRC_SUCCESS) e = charls_jpegls_decoder_get_frame_info(decoder, &frame);
    int32_t near = 0;
    charls_interleave_mode interleave = CHARLS_INTERLEAVE_MODE_NONE;
    if (e == CHARLS_JPEGLS_ERRC_SUCCESS) e = charls_jpegls_decoder_get_near_lossless(decoder, 0, &near);
    if (e == CHARLS_JPEGLS_ERRC_SUCCESS) e = charls_jpegls_decoder_get_interleave_mode(decoder, &interleave);
    if (e != CHARLS_JPEGLS_ERRC_SUCCESS) {
        status = yy_fail(YY_CODEC_CORRUPT, message, message_capacity, "CharLS header: %s", charls_get_error_message(e));
        goto done;
    }
    if (frame.bits_per_sample < 2 || frame.bits_per_sample > 16 || frame.component_count < 1) {
        status = yy_fail(YY_CODEC_UNSUPPORTED, message, message_capacity, "JPEG-LS with %d bits, %d components",
                         frame.bits_per_sample, frame.component_count);
        goto done;
    }
    if (max_pixels && (uint64_t)frame.width * frame.height > max_pixels) {
        status = yy_fail(YY_CODEC_TOO_LARGE, message, message_capacity, "JPEG-LS image of %ux%u pixels exceeds the limit",
                         frame.width, frame.height);
        goto done;
    }
    uint32_t bytes = frame.bits_per_sample <= 8 ? 1 : 2;
    uint32_t components = (uint32_t)frame.component_count;
    size_t count = (size_t)frame.width * frame.height;
    size_t total = count * components * bytes;
    size_t needed = 0;
    e = charls_jpegls_decoder_get_destination_size(decoder, 0, &needed);
    if (e != CHARLS_JPEGLS_ERRC_SUCCESS || needed != total) {
        status = yy_fail(YY_CODEC_CORRUPT, message, message_capacity, "CharLS destination size: %s",
                         e ? charls_get_error_message(e) : "unexpected");
        goto done;
    }
    planar = malloc(total ? total : 1);
    if (!planar) { status = yy_fail(YY_CODEC_NO_MEMORY, message, message_capacity, "no memory for %zu bytes", total); goto done; }
    e = charls_jpegls_decoder_decode_to_buffer(decoder, planar, total, 0);
    if (e != CHARLS_JPEGLS_ERRC_SUCCESS) {
        status = yy_fail(YY_CODEC_CORRUPT, message, message_capacity, "CharLS decode: %s", charls_get_error_message(e));
        goto done;
    }
    // CharLS writes interleave mode "none" component by component; line and sample modes by pixel.
    if (components > 1 && interleave == CHARLS_INTERLEAVE_MODE_NONE) {
        pixels = malloc(total);
        if (!pixels) { status = yy_fail(YY_CODEC_NO_MEMORY, message, message_capacity, "no memory"); goto done; }
        for (uint32_t c = 0; c < components; c++)
            for (size_t i = 0; i < count; i++)
                memcpy(pixels + (i * components + c) * bytes, planar + (c * count + i) * bytes, bytes);
        free(planar);
        planar = NULL;
    } else {
        pixels = planar;
        planar = NULL;
    }
    out->data = pixels;
    pixels = NULL;
    out->size = total;
    out->width = frame.width;
    out->height = frame.height;
    out->components = components;
    out->bytes_per_sample = bytes;
    out->precision = (uint32_t)frame.bits_per_sample;
    out->near_lossless = near;

done:
    free(planar);
    free(pixels);
    charls_jpegls_decoder_destroy(decoder);
    return status;
}
