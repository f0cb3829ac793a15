#ifndef EASEL_CIMAGECODEC_H
#define EASEL_CIMAGECODEC_H

#include <stddef.h>
#include <stdint.h>
#include "CImageCodecMetadata.h"

/// Encodes tightly packed 8-bit RGB pixels as a baseline JPEG through libjpeg.
/// On success returns 0 and sets *out (free with easel_codec_free) and *out_size.
int easel_jpeg_encode(const uint8_t *rgb, int width, int height, int quality,
                      uint8_t **out, size_t *out_size);

/// Encodes tightly packed 8-bit RGB pixels as a PNG through libpng.
int easel_png_encode(const uint8_t *rgb, int width, int height,
                     uint8_t **out, size_t *out_size);

/// Fully decodes a JPEG (every scanline) and reports its size; returns 0 when the data is a valid JPEG.
int easel_jpeg_decode(const uint8_t *data, size_t size, int *width, int *height,
                      uint8_t **rgb_out);

/// Fully decodes a PNG to RGB and reports its size; returns 0 when the data is a valid PNG.
int easel_png_decode(const uint8_t *data, size_t size, int *width, int *height,
                     uint8_t **rgb_out);

/// Frees a buffer returned by the functions above.
void easel_codec_free(void *buffer);

#endif
