// OpenJPEG decoding from memory. OpenJPEG reports errors through callbacks and return values
// (no longjmp); the first error message is kept for the caller.
#include <stdlib.h>
#include <string.h>
// Debian installs OpenJPEG 2.5 under openjpeg-2.5/; its own includes are relative, so no -I is needed.
#include <openjpeg-2.5/openjpeg.h>
#include "codec_common.h"

typedef struct {
    const uint8_t *data;
    size_t length;
    size_t position;
} yy_memory_stream;

static OPJ_SIZE_T yy_j2k_read(void *buffer, OPJ_SIZE_T count, void *user) {
    yy_memory_stream *s = user;
    if (s->position >= s->length) return (OPJ_SIZE_T)-1;
    size_t n = s->length - s->position;
    if (n > count) n = count;
    memcpy(buffer, s->data + s->position, n);
    s->position += n;
    return n;
}

static OPJ_OFF_T yy_j2k_skip(OPJ_OFF_T count, void *user) {
    yy_memory_stream *s = user;
    if (count < 0) {
        if ((size_t)(-count) > s->position) return -1;
        s->position -= (size_t)(-count);
        return count;
    }
    size_t n = s->length - s->position;
    if ((uint64_t)count < n) n = (size_t)count;
    s->position += n;
    return (OPJ_OFF_T)n;
}

static OPJ_BOOL yy_j2k_seek(OPJ_OFF_T offset, void *user) {
    yy_memory_stream *s = user;
    if (offset < 0 || (uint64_t)offset > s->length) return OPJ_FALSE;
    s->position = (size_t)offset;
    return OPJ_TRUE;
}

typedef struct {
    char text[256];
    int seen;
} yy_j2k_messages;

static void yy_j2k_error(const char *msg, void *user) {
    yy_j2k_messages *m = user;
    if (m->seen) return;
    m->seen = 1;
    snprintf(m->text, sizeof(m->text), "%s", msg);
    size_t n = strlen(m->text);
    while (n > 0 && (m->text[n - 1] == '\n' || m->text[n - 1] == ' ')) m->text[--n] = 0;
}

static void yy_j2k_quiet(const char *msg, void *user) { (void)msg; (void)user; }

int yy_j2k_decode(const uint8_t *src, size_t length, uint64_t max_pixels, yy_decoded_image *out,
                  char *message, size_t message_capacity) {
    memset(out, 0, sizeof(*out));
    if (length < 12) return yy_fail(YY_CODEC_CORRUPT, message, message_capacity, "JPEG 2000 stream of %zu bytes", length);
    // A JP2 file starts with its signature box; a bare codestream with SOC (FF 4F FF 51).
    static const uint8_t jp2_signature[12] = {0, 0, 0, 12, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A};
    OPJ_CODEC_FORMAT format = memcmp(src, jp2_signature, 12) == 0 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K;
    if (format == OPJ_CODEC_J2K && !(src[0] == 0xFF && src[1] == 0x4F))
        return yy_fail(YY_CODEC_CORRUPT, message, message_capacity,
                       "no JPEG 2000 SOC marker or JP2 signature (starts %02X %02X)", src[0], src[1]);

    yy_memory_stream memory = {src, length, 0};
    yy_j2k_messages messages;
    memset(&messages, 0, sizeof(messages));
    opj_codec_t *codec = NULL;
    opj_stream_t *stream = NULL;
    opj_image_t *image = NULL;
    int status = YY_CODEC_OK;

    codec = opj_create_decompress(format);
    stream = opj_stream_create(64 * 1024, OPJ_TRUE);
    if (!codec || !stream) { status = yy_fail(YY_CODEC_NO_MEMORY, message, message_capacity, "OpenJPEG setup failed"); goto done; }
    opj_set_error_handler(codec, yy_j2k_error, &messages);
    opj_set_warning_handler(codec, yy_j2k_quiet, NULL);
    opj_set_info_handler(codec, yy_j2k_quiet, NULL);
    opj_stream_set_user_data(stream, &memory, NULL);
    opj_stream_set_user_data_length(stream, length);
    opj_stream_set_read_function(stream, yy_j2k_read);
    opj_stream_set_skip_function(stream, yy_j2k_skip);
    opj_stream_set_seek_function(stream, yy_j2k_seek);

    opj_dparameters_t parameters;
    opj_set_default_decoder_parameters(&parameters);
    if (!opj_setup_decoder(codec, &parameters)) {
        status = yy_fail(YY_CODEC_CORRUPT, message, message_capacity, "OpenJPEG: %s", messages.text);
        goto done;
    }
    // Decoding is one thread: the caller runs frames in parallel if it wants to.
    if (!opj_read_header(stream, codec, &image) || !image) {
        status = yy_fail(YY_CODEC_CORRUPT, message, message_capacity, "OpenJPEG header: %s",
                         messages.seen ? messages.text : "unreadable");
        goto done;
    }
    int reversible = 1, mct = 0;
    opj_codestream_info_v2_t *info = opj_get_cstr_info(codec);
    if (info) {
        mct = info->m_default_tile_info.mct != 0;
        if (info->m_default_tile_info.tccp_info) {
            for (OPJ_UINT32 c = 0; c < info->nbcomps; c++)
                if (info->m_default_tile_info.tccp_info[c].qmfbid != 1) reversible = 0;
        }
        opj_destroy_cstr_info(&info);
    }
    uint64_t width = image->x1 - image->x0, height = image->y1 - image->y0;
    if (max_pixels && width * height > max_pixels) {
        status = yy_fail(YY_CODEC_TOO_LARGE, message, message_capacity, "JPEG 2000 image of %llux%llu pixels exceeds the limit",
                         (unsigned long long)width, (unsigned long long)height);
        goto done;
    }
    if (!opj_decode(codec, stream, image) || !opj_end_decompress(codec, stream)) {
        status = yy_fail(YY_CODEC_CORRUPT, message, message_capacity, "OpenJPEG decode: %s",
                         messages.seen ? messages.text : "failed");
        goto done;
    }
    if (image->numcomps == 0) { status = yy_fail(YY_CODEC_CORRUPT, message, message_capacity, "no components"); goto done; }
    uint32_t components = image->numcomps;
    uint32_t precision = 0;
    int is_signed = image->comps[0].sgnd != 0;
    for (uint32_t c = 0; c < components; c++) {
        opj_image_comp_t *comp = &image->comps[c];
        if (!comp->data || comp->w != image->comps[0].w || comp->h != image->comps[0].h || comp->dx != 1 || comp->dy != 1) {
            status = yy_fail(YY_CODEC_UNSUPPORTED, message, message_capacity,
                             "JPEG 2000 component %u is subsampled or missing", c);
            goto done;
        }
        if (comp->prec > precision) precision = comp->prec;
    }
    if (precision == 0 || precision > 32) {
        status = yy_fail(YY_CODEC_UNSUPPORTED, message, message_capacity, "JPEG 2000 precision %u", precision);
        goto done;
    }
    uint32_t w = image->comps[0].w, h = image->comps[0].h;
    uint32_t bytes = precision <= 8 ? 1 : precision <= 16 ? 2 : 4;
    size_t count = (size_t)w * h;
    size_t total = count * components * bytes;
    uint8_t *pixels = malloc(total ? total : 1);
    if (!pixels) { status = yy_fail(YY_CODEC_NO_MEMORY, message, message_capacity, "no memory for %zu bytes", total); goto done; }
    for (uint32_t c = 0; c < components; c++) {
        const OPJ_INT32 *plane = image->comps[c].data;
        for (size_t i = 0; i < count; i++) {
            int32_t v = plane[i];
            size_t at = i * components + c;
            if (bytes == 1) pixels[at] = (uint8_t)v;
            else if (bytes == 2) ((uint16_t *)pixels)[at] = (uint16_t)v;
            else ((uint32_t *)pixels)[at] = (uint32_t)v;
        }
    }
    out->data = pixels;
    out->size = total;
    out->width = w;
    out->height = h;
    out->components = components;
    out->bytes_per_sample = bytes;
    out->precision = precision;
    out->is_signed = is_signed;
    // OpenJPEG applies the inverse multiple-component transform itself when the codestream's
    // COD marker asks for it (the DICOM YBR_RCT/YBR_ICT case).
    out->color_transformed = mct && components >= 3;
    out->reversible = reversible;

done:
    if (image) opj_image_destroy(image);
    if (stream) opj_stream_destroy(stream);
    if (codec) opj_destroy_codec(codec);
    return status;
}
