#ifndef EASEL_CIMAGECODEC_METADATA_H
#define EASEL_CIMAGECODEC_METADATA_H

#include <stddef.h>
#include <stdint.h>

/// JPEG with an APP1 EXIF segment: `exif` is the segment payload (starting "Exif\0\0"), or NULL for none.
/// Returns -3, writing nothing, when `exif_size` exceeds the 65533 bytes a marker holds: Pillow raises
/// "EXIF data is too long" there, and SD.Next's save fails with it.
int easel_jpeg_encode_exif(const uint8_t *rgb, int width, int height, int quality,
                           const uint8_t *exif, size_t exif_size, uint8_t **out, size_t *out_size);

/// The payload of the JPEG's first APP1 EXIF segment, copied into *exif (free with easel_codec_free);
/// returns 1 when there is none, 0 when found, negative on a broken JPEG.
int easel_jpeg_read_exif(const uint8_t *data, size_t size, uint8_t **exif, size_t *exif_size);

/// Builds EXIF through libexif the way piexif.dump writes SD.Next's infotext: big-endian, an Exif IFD
/// holding only UserComment = "UNICODE\0" + UTF-16BE `comment_utf16be`.
int easel_exif_user_comment(const uint8_t *comment_utf16be, size_t comment_size, uint8_t **out, size_t *out_size);

/// Builds EXIF with ASCII entries in IFD 0 (e.g. Make, Software): `tags[i]` names a libexif tag number,
/// `values[i]` its text. Foreign metadata, as another program writes it when it re-saves an image.
int easel_exif_ascii_entries(const uint16_t *tags, const char *const *values, size_t count,
                             uint8_t **out, size_t *out_size);

/// One EXIF entry read back: its libexif tag name, raw bytes, format and component count.
typedef struct {
    char name[64];
    int ifd;
    uint16_t tag;
    uint16_t format;
    unsigned long components;
    uint8_t *data;
    size_t size;
} easel_exif_entry;

/// Every entry libexif finds in `exif` (a payload starting "Exif\0\0"), in IFD order. Free with
/// easel_exif_entries_free. Returns 0; -1 for bad arguments or out of memory; -2 when the data is no EXIF
/// block ("Exif\0\0" and a TIFF header). Entries libexif cannot parse inside a well-framed block are
/// skipped, not reported.
int easel_exif_read_entries(const uint8_t *exif, size_t size, easel_exif_entry **entries, size_t *count,
                            int *big_endian);
void easel_exif_entries_free(easel_exif_entry *entries, size_t count);

/// PNG through libpng with one text chunk: tEXt when `text` is Latin-1 (`latin1` != 0, bytes as given),
/// iTXt (UTF-8) otherwise, as PIL's PngInfo.add_text chooses. `key` NULL writes no chunk.
int easel_png_encode_text(const uint8_t *rgb, int width, int height, const char *key, const char *text,
                          size_t text_size, int latin1, uint8_t **out, size_t *out_size);

/// One PNG text chunk: key, value bytes, and whether they are UTF-8 (iTXt) or Latin-1 (tEXt/zTXt).
typedef struct {
    char *key;
    char *text;
    size_t size;
    int utf8;
} easel_png_text;

/// The text chunks before a PNG's image data, read without decoding pixels: what PIL's `Image.open`
/// puts in `image.info` (chunks after IDAT arrive only with `load()`, which png-info never calls).
/// Returns 0, or negative when the signature or a chunk before IDAT is broken. Free with easel_png_texts_free.
int easel_png_read_texts(const uint8_t *data, size_t size, easel_png_text **texts, size_t *count);
void easel_png_texts_free(easel_png_text *texts, size_t count);

#endif
