#include "CImageCodec.h"
#include "CImageCodecMetadata.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <png.h>

/* libjpeg reports errors by calling error_exit, which by default ends the process.
   These wrappers jump back instead, so bad input becomes an error code. */
struct easel_jpeg_error {
    struct jpeg_error_mgr base;
    jmp_buf jump;
};

static void easel_jpeg_error_exit(j_common_ptr info) {
    struct easel_jpeg_error *error = (struct easel_jpeg_error *)info->err;
    longjmp(error->jump, 1);
}

static void easel_jpeg_silent(j_common_ptr info) { (void)info; }

/* A marker's length field counts itself: 65535 - 2 bytes of payload (Pillow's MAX_BYTES_IN_MARKER). */
enum { EASEL_JPEG_MARKER_MAX = 65533 };

int easel_jpeg_encode(const uint8_t *rgb, int width, int height, int quality,
                      uint8_t **out, size_t *out_size) {
    return easel_jpeg_encode_exif(rgb, width, height, quality, NULL, 0, out, out_size);
}

int easel_jpeg_encode_exif(const uint8_t *rgb, int width, int height, int quality,
                           const uint8_t *exif, size_t exif_size, uint8_t **out, size_t *out_size) {
    if (!rgb || width <= 0 || height <= 0 || !out || !out_size) return -1;
    if (exif && exif_size > EASEL_JPEG_MARKER_MAX) return -3;
    struct jpeg_compress_struct info;
    struct easel_jpeg_error error;
    unsigned char *buffer = NULL;
    unsigned long size = 0;
    info.err = jpeg_std_error(&error.base);
    error.base.error_exit = easel_jpeg_error_exit;
    error.base.output_message = easel_jpeg_silent;
    if (setjmp(error.jump)) {
        jpeg_destroy_compress(&info);
        free(buffer);
        return -2;
    }
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, &buffer, &size);
    info.image_width = (JDIMENSION)width;
    info.image_height = (JDIMENSION)height;
    info.input_components = 3;
    info.in_color_space = JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    jpeg_start_compress(&info, TRUE);
    if (exif && exif_size > 0) {
        jpeg_write_marker(&info, JPEG_APP0 + 1, exif, (unsigned int)exif_size);
    }
    size_t stride = (size_t)width * 3;
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = (JSAMPROW)(rgb + (size_t)info.next_scanline * stride);
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    *out = buffer;
    *out_size = (size_t)size;
    return 0;
}

int easel_jpeg_decode(const uint8_t *data, size_t size, int *width, int *height,
                      uint8_t **rgb_out) {
    if (!data || size == 0) return -1;
    struct jpeg_decompress_struct info;
    struct easel_jpeg_error error;
    uint8_t *pixels = NULL;
    info.err = jpeg_std_error(&error.base);
    error.base.error_exit = easel_jpeg_error_exit;
    error.base.output_message = easel_jpeg_silent;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&info);
        free(pixels);
        return -2;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    if (jpeg_read_header(&info, TRUE) != JPEG_HEADER_OK) {
        jpeg_destroy_decompress(&info);
        return -3;
    }
    info.out_color_space = JCS_RGB;
    jpeg_start_decompress(&info);
    size_t stride = (size_t)info.output_width * 3;
    pixels = malloc(stride * info.output_height);
    if (!pixels) {
        jpeg_destroy_decompress(&info);
        return -4;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = pixels + (size_t)info.output_scanline * stride;
        jpeg_read_scanlines(&info, &row, 1);
    }
    if (width) *width = (int)info.output_width;
    if (height) *height = (int)info.output_height;
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    if (rgb_out) *rgb_out = pixels; else free(pixels);
    return 0;
}

int easel_png_encode(const uint8_t *rgb, int width, int height,
                     uint8_t **out, size_t *out_size) {
    if (!rgb || width <= 0 || height <= 0 || !out || !out_size) return -1;
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = (png_uint_32)width;
    image.height = (png_uint_32)height;
    image.format = PNG_FORMAT_RGB;
    png_alloc_size_t size = 0;
    if (!png_image_write_to_memory(&image, NULL, &size, 0, rgb, 0, NULL)) return -2;
    uint8_t *buffer = malloc(size);
    if (!buffer) return -3;
    if (!png_image_write_to_memory(&image, buffer, &size, 0, rgb, 0, NULL)) {
        free(buffer);
        return -4;
    }
    *out = buffer;
    *out_size = (size_t)size;
    return 0;
}

int easel_png_decode(const uint8_t *data, size_t size, int *width, int *height,
                     uint8_t **rgb_out) {
    if (!data || size == 0) return -1;
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, data, size)) return -2;
    image.format = PNG_FORMAT_RGB;
    uint8_t *pixels = malloc(PNG_IMAGE_SIZE(image));
    if (!pixels) {
        png_image_free(&image);
        return -3;
    }
    if (!png_image_finish_read(&image, NULL, pixels, 0, NULL)) {
        free(pixels);
        png_image_free(&image);
        return -4;
    }
    if (width) *width = (int)image.width;
    if (height) *height = (int)image.height;
    if (rgb_out) *rgb_out = pixels; else free(pixels);
    return 0;
}

void easel_codec_free(void *buffer) { free(buffer); }

int easel_jpeg_read_exif(const uint8_t *data, size_t size, uint8_t **exif, size_t *exif_size) {
    if (!data || size == 0 || !exif || !exif_size) return -1;
    struct jpeg_decompress_struct info;
    struct easel_jpeg_error error;
    info.err = jpeg_std_error(&error.base);
    error.base.error_exit = easel_jpeg_error_exit;
    error.base.output_message = easel_jpeg_silent;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&info);
        return -2;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_save_markers(&info, JPEG_APP0 + 1, 0xFFFF);
    if (jpeg_read_header(&info, TRUE) != JPEG_HEADER_OK) {
        jpeg_destroy_decompress(&info);
        return -3;
    }
    int status = 1;
    for (jpeg_saved_marker_ptr marker = info.marker_list; marker; marker = marker->next) {
        if (marker->marker != JPEG_APP0 + 1 || marker->data_length < 6) continue;
        if (memcmp(marker->data, "Exif\0\0", 6) != 0) continue;
        uint8_t *copy = malloc(marker->data_length);
        if (!copy) { status = -4; break; }
        memcpy(copy, marker->data, marker->data_length);
        *exif = copy;
        *exif_size = marker->data_length;
        status = 0;
        break;
    }
    jpeg_destroy_decompress(&info);
    return status;
}
