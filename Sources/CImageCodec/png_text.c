#include "CImageCodecMetadata.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

/* libpng's full API, which the simplified png_image one lacks for text chunks, over memory buffers. */

struct easel_png_buffer {
    uint8_t *data;
    size_t size;
    size_t capacity;
    size_t offset;
    int failed;
};

static void easel_png_write(png_structp png, png_bytep bytes, png_size_t length) {
    struct easel_png_buffer *buffer = png_get_io_ptr(png);
    if (buffer->failed) return;
    if (buffer->size + length > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity * 2 : 65536;
        while (capacity < buffer->size + length) capacity *= 2;
        uint8_t *grown = realloc(buffer->data, capacity);
        if (!grown) { buffer->failed = 1; png_error(png, "out of memory"); }
        buffer->data = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->data + buffer->size, bytes, length);
    buffer->size += length;
}

static void easel_png_flush(png_structp png) { (void)png; }

static void easel_png_read(png_structp png, png_bytep bytes, png_size_t length) {
    struct easel_png_buffer *buffer = png_get_io_ptr(png);
    if (buffer->offset + length > buffer->size) png_error(png, "truncated PNG");
    memcpy(bytes, buffer->data + buffer->offset, length);
    buffer->offset += length;
}

static void easel_png_silent(png_structp png, png_const_charp message) { (void)png; (void)message; }

/* libpng prints an error when its handler returns; this one jumps to the caller's setjmp quietly. */
static void easel_png_fail(png_structp png, png_const_charp message) {
    (void)message;
    png_longjmp(png, 1);
}

int easel_png_encode_text(const uint8_t *rgb, int width, int height, const char *key, const char *text,
                          size_t text_size, int latin1, uint8_t **out, size_t *out_size) {
    if (!rgb || width <= 0 || height <= 0 || !out || !out_size) return -1;
    /* The output buffer lives on the heap: easel_png_write changes it after setjmp, and a non-volatile
       automatic object changed between setjmp and longjmp is indeterminate on the longjmp path. The
       pointer itself is set once, before setjmp. */
    struct easel_png_buffer *const buffer = calloc(1, sizeof *buffer);
    if (!buffer) return -2;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, easel_png_fail, easel_png_silent);
    if (!png) { free(buffer); return -2; }
    png_infop info = png_create_info_struct(png);
    /* volatile: both are set after setjmp and freed on the longjmp path */
    png_bytep *volatile rows = NULL;
    char *volatile terminated = NULL;
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, info ? &info : NULL);
        free(buffer->data);
        free(buffer);
        free(rows);
        free(terminated);
        return -3;
    }
    png_set_write_fn(png, buffer, easel_png_write, easel_png_flush);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_text chunk;
    memset(&chunk, 0, sizeof chunk);
    if (key) {
        /* libpng measures the text with strlen, so it gets a NUL-terminated copy. */
        terminated = malloc(text_size + 1);
        if (!terminated) png_error(png, "out of memory");
        if (text_size > 0) memcpy(terminated, text, text_size);
        terminated[text_size] = 0;
        chunk.key = (png_charp)key;
        chunk.text = terminated;
        if (latin1) {
            chunk.compression = PNG_TEXT_COMPRESSION_NONE;
            chunk.text_length = text_size;
        } else {
            chunk.compression = PNG_ITXT_COMPRESSION_NONE;
            chunk.itxt_length = text_size;
        }
        png_set_text(png, info, &chunk, 1);
    }
    rows = malloc(sizeof(png_bytep) * (size_t)height);
    if (!rows) png_error(png, "out of memory");
    for (int y = 0; y < height; y++) rows[y] = (png_bytep)(rgb + (size_t)y * (size_t)width * 3);
    png_set_rows(png, info, rows);
    png_write_png(png, info, PNG_TRANSFORM_IDENTITY, NULL);
    png_destroy_write_struct(&png, &info);
    free(rows);
    free(terminated);
    *out = buffer->data;
    *out_size = buffer->size;
    free(buffer);
    return 0;
}

int easel_png_read_texts(const uint8_t *data, size_t size, easel_png_text **texts, size_t *count) {
    if (!data || size < 8 || !texts || !count) return -1;
    if (png_sig_cmp(data, 0, 8) != 0) return -2;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, easel_png_fail, easel_png_silent);
    if (!png) return -3;
    png_infop info = png_create_info_struct(png);
    /* volatile: both are set after setjmp and used on the longjmp path */
    easel_png_text *volatile list = NULL;
    volatile int listed = 0;
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, info ? &info : NULL, NULL);
        easel_png_texts_free(list, (size_t)listed);
        return -4;
    }
    struct easel_png_buffer buffer = {.data = (uint8_t *)data, .size = size};
    png_set_read_fn(png, &buffer, easel_png_read);
    /* Reads the chunks up to the first IDAT and no pixels, as PIL's Image.open does: a small PNG whose
       header declares a huge size costs nothing, and text after the image data stays unread. */
    png_read_info(png, info);
    png_textp chunks = NULL;
    int found = png_get_text(png, info, &chunks, NULL);
    list = calloc(found > 0 ? (size_t)found : 1, sizeof *list);
    if (!list) png_error(png, "out of memory");
    for (int i = 0; i < found; i++) {
        int utf8 = chunks[i].compression == PNG_ITXT_COMPRESSION_NONE || chunks[i].compression == PNG_ITXT_COMPRESSION_zTXt;
        size_t length = utf8 ? chunks[i].itxt_length : chunks[i].text_length;
        list[i].key = strdup(chunks[i].key ? chunks[i].key : "");
        list[i].text = malloc(length + 1);
        if (!list[i].key || !list[i].text) { listed = i + 1; png_error(png, "out of memory"); }
        if (length > 0) memcpy(list[i].text, chunks[i].text, length);
        list[i].text[length] = 0;
        list[i].size = length;
        list[i].utf8 = utf8;
        listed = i + 1;
    }
    png_destroy_read_struct(&png, &info, NULL);
    *texts = list;
    *count = (size_t)listed;
    return 0;
}

void easel_png_texts_free(easel_png_text *texts, size_t count) {
    if (!texts) return;
    for (size_t i = 0; i < count; i++) {
        free(texts[i].key);
        free(texts[i].text);
    }
    free(texts);
}
