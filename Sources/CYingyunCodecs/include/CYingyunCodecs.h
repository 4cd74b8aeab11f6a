// Decode-from-memory wrappers around libjpeg-turbo, OpenJPEG and CharLS.
//
// libjpeg reports fatal errors by longjmp, which Swift cannot survive; every function here
// catches its library's errors in C and returns a status code plus a message instead.
// Output buffers are allocated with malloc and released with yy_codec_free.
#ifndef CYINGYUN_CODECS_H
#define CYINGYUN_CODECS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Status codes shared by every decoder.
enum {
    YY_CODEC_OK = 0,
    YY_CODEC_CORRUPT = 1,      // the codestream is malformed or truncated
    YY_CODEC_UNSUPPORTED = 2,  // valid, but a feature this build cannot decode
    YY_CODEC_NO_MEMORY = 3,
    YY_CODEC_TOO_LARGE = 4     // dimensions beyond the caller's limit
};

/// A decoded image. `data` holds `height * width * components` samples, interleaved by pixel
/// (component fastest), each `bytes_per_sample` bytes in native byte order.
typedef struct {
    uint8_t *data;
    size_t size;
    uint32_t width;
    uint32_t height;
    uint32_t components;
    uint32_t bytes_per_sample;  // 1, 2 or 4
    uint32_t precision;         // bits per sample in the codestream
    int32_t is_signed;          // the codestream declares signed samples (JPEG 2000 only)
    int32_t color_transformed;  // the codec converted YCbCr (or ICT/RCT) to RGB
    int32_t near_lossless;      // JPEG-LS NEAR parameter (0 = lossless)
    int32_t reversible;         // JPEG 2000: reversible 5/3 wavelet on every tile-component (lossless)
} yy_decoded_image;

/// How a three-component JPEG is turned into samples.
enum {
    YY_JPEG_COLOR_AS_STORED = 0,   // no colour conversion: the stored components as they are
    YY_JPEG_COLOR_YCBCR_TO_RGB = 1,  // the components are YCbCr (DICOM YBR_FULL/YBR_FULL_422): convert
    YY_JPEG_COLOR_FROM_MARKERS = 2   // decide from the codestream: RGB component IDs or an Adobe
                                      // transform 0 mean RGB; a JFIF marker or Adobe transform 1 mean
                                      // YCbCr; otherwise as `declared_ybr` says
};

/// Decodes an 8-bit JPEG (ISO 10918-1 baseline or extended) with libjpeg-turbo.
/// - Parameters:
///   - color_mode: one of the YY_JPEG_COLOR_* values.
///   - declared_ybr: 1 when the DICOM Photometric Interpretation is YBR_FULL or YBR_FULL_422.
///   - max_pixels: refuse images with more pixels than this (0 = no limit).
/// - Returns: YY_CODEC_OK, or an error code with a message in `message`.
int yy_jpeg_decode(const uint8_t *src, size_t length, int color_mode, int declared_ybr, uint64_t max_pixels,
                   yy_decoded_image *out, char *message, size_t message_capacity);

/// Decodes a JPEG 2000 codestream (J2K, HTJ2K) or JP2 file with OpenJPEG. Samples come out in
/// 1, 2 or 4 bytes per sample by precision; signed samples are two's complement.
int yy_j2k_decode(const uint8_t *src, size_t length, uint64_t max_pixels, yy_decoded_image *out,
                  char *message, size_t message_capacity);

/// A decoder with yy_j2k_decode's shape.
typedef int (*yy_decode_function)(const uint8_t *src, size_t length, uint64_t max_pixels, yy_decoded_image *out,
                                  char *message, size_t message_capacity);

/// Runs `decode` in a forked child and returns its answer: a library that aborts or crashes on a
/// hostile codestream ends only the child (reported as YY_CODEC_CORRUPT naming the signal), and
/// one that spins is killed after `timeout_ms`. Costs a fork and a copy of the samples.
int yy_decode_isolated(yy_decode_function decode, const uint8_t *src, size_t length, uint64_t max_pixels,
                       int timeout_ms, yy_decoded_image *out, char *message, size_t message_capacity);

/// Decodes a JPEG-LS codestream (ISO 14495-1, lossless or near-lossless) with CharLS.
int yy_jls_decode(const uint8_t *src, size_t length, uint64_t max_pixels, yy_decoded_image *out,
                  char *message, size_t message_capacity);

/// Encoded output (PNG or JPEG bytes), malloc'd; release with yy_encoded_free.
typedef struct {
    uint8_t *data;
    size_t size;
} yy_encoded;

/// Encodes 8-bit (or, for PNG, 16-bit big-endian-in-memory handled by the encoder) grey or RGB
/// pixels, rows top to bottom, as PNG with libpng (fatal errors caught by setjmp).
/// - Parameters:
///   - pixels: `height` rows of `width * components` samples; 16-bit samples are native uint16.
///   - components: 1 (grey) or 3 (RGB); bit_depth: 8 or 16.
int yy_png_encode(const void *pixels, uint32_t width, uint32_t height, uint32_t components, uint32_t bit_depth,
                  yy_encoded *out, char *message, size_t message_capacity);

/// Encodes 8-bit grey or RGB pixels as baseline JPEG (libjpeg-turbo), quality 1-100.
int yy_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, uint32_t components, int quality,
                   yy_encoded *out, char *message, size_t message_capacity);

void yy_encoded_free(yy_encoded *encoded);

/// Releases `image->data`.
void yy_codec_free(yy_decoded_image *image);

#ifdef __cplusplus
}
#endif

#endif
