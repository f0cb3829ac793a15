#include "CImageCodecMetadata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libexif/exif-data.h>

/* EXIF blocks are built and read with libexif. The "follow specification" option is off in both
   directions: on save it would add mandatory tags piexif does not write, on load it would invent
   entries the file does not have. */

static ExifData *easel_exif_new(void) {
    ExifData *data = exif_data_new();
    if (!data) return NULL;
    exif_data_unset_option(data, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_set_byte_order(data, EXIF_BYTE_ORDER_MOTOROLA);
    return data;
}

static int easel_exif_add(ExifData *data, ExifIfd ifd, ExifTag tag, ExifFormat format,
                          const uint8_t *bytes, size_t size) {
    ExifMem *mem = exif_mem_new_default();
    ExifEntry *entry = exif_entry_new_mem(mem);
    if (!entry) { exif_mem_unref(mem); return -1; }
    entry->data = exif_mem_alloc(mem, (ExifLong)(size > 0 ? size : 1));
    if (!entry->data) { exif_entry_unref(entry); exif_mem_unref(mem); return -1; }
    if (size > 0) memcpy(entry->data, bytes, size);
    entry->size = (unsigned int)size;
    entry->components = (unsigned long)size;
    entry->format = format;
    entry->tag = tag;
    exif_content_add_entry(data->ifd[ifd], entry);
    exif_entry_unref(entry);
    exif_mem_unref(mem);
    return 0;
}

static int easel_exif_save(ExifData *data, uint8_t **out, size_t *out_size) {
    unsigned char *buffer = NULL;
    unsigned int length = 0;
    exif_data_save_data(data, &buffer, &length);
    exif_data_unref(data);
    if (!buffer || length == 0) return -2;
    *out = buffer;
    *out_size = length;
    return 0;
}

int easel_exif_user_comment(const uint8_t *comment_utf16be, size_t comment_size, uint8_t **out, size_t *out_size) {
    if (!out || !out_size || (!comment_utf16be && comment_size > 0)) return -1;
    ExifData *data = easel_exif_new();
    if (!data) return -1;
    size_t size = 8 + comment_size;
    uint8_t *value = malloc(size);
    if (!value) { exif_data_unref(data); return -1; }
    memcpy(value, "UNICODE\0", 8);
    if (comment_size > 0) memcpy(value + 8, comment_utf16be, comment_size);
    int status = easel_exif_add(data, EXIF_IFD_EXIF, EXIF_TAG_USER_COMMENT, EXIF_FORMAT_UNDEFINED, value, size);
    free(value);
    if (status != 0) { exif_data_unref(data); return status; }
    return easel_exif_save(data, out, out_size);
}

int easel_exif_ascii_entries(const uint16_t *tags, const char *const *values, size_t count,
                             uint8_t **out, size_t *out_size) {
    if (!out || !out_size || (count > 0 && (!tags || !values))) return -1;
    ExifData *data = easel_exif_new();
    if (!data) return -1;
    for (size_t i = 0; i < count; i++) {
        size_t length = strlen(values[i]) + 1; /* EXIF ASCII includes the terminating NUL */
        if (easel_exif_add(data, EXIF_IFD_0, (ExifTag)tags[i], EXIF_FORMAT_ASCII, (const uint8_t *)values[i], length)) {
            exif_data_unref(data);
            return -1;
        }
    }
    return easel_exif_save(data, out, out_size);
}

int easel_exif_read_entries(const uint8_t *exif, size_t size, easel_exif_entry **entries, size_t *count,
                            int *big_endian) {
    if (!exif || size == 0 || !entries || !count) return -1;
    /* exif_data_load_data reports nothing back, so the block's framing is checked here: the "Exif\0\0"
       header, then a TIFF header in either byte order. */
    if (size < 14 || memcmp(exif, "Exif\0\0", 6) != 0
        || (memcmp(exif + 6, "II*\0", 4) != 0 && memcmp(exif + 6, "MM\0*", 4) != 0)) return -2;
    ExifData *data = exif_data_new();
    if (!data) return -1;
    exif_data_unset_option(data, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_load_data(data, exif, (unsigned int)size);
    size_t total = 0;
    for (int ifd = 0; ifd < EXIF_IFD_COUNT; ifd++) total += data->ifd[ifd] ? data->ifd[ifd]->count : 0;
    easel_exif_entry *list = calloc(total > 0 ? total : 1, sizeof *list);
    if (!list) { exif_data_unref(data); return -1; }
    size_t index = 0;
    for (int ifd = 0; ifd < EXIF_IFD_COUNT; ifd++) {
        ExifContent *content = data->ifd[ifd];
        if (!content) continue;
        for (unsigned int j = 0; j < content->count; j++) {
            ExifEntry *entry = content->entries[j];
            easel_exif_entry *item = &list[index++];
            const char *name = exif_tag_get_name_in_ifd(entry->tag, (ExifIfd)ifd);
            if (name) snprintf(item->name, sizeof item->name, "%s", name);
            else snprintf(item->name, sizeof item->name, "0x%04x", entry->tag);
            item->ifd = ifd;
            item->tag = entry->tag;
            item->format = entry->format;
            item->components = entry->components;
            item->size = entry->size;
            item->data = malloc(entry->size > 0 ? entry->size : 1);
            if (!item->data) {
                easel_exif_entries_free(list, index);
                exif_data_unref(data);
                return -1;
            }
            if (entry->size > 0) memcpy(item->data, entry->data, entry->size);
        }
    }
    if (big_endian) *big_endian = exif_data_get_byte_order(data) == EXIF_BYTE_ORDER_MOTOROLA;
    exif_data_unref(data);
    *entries = list;
    *count = index;
    return 0;
}

void easel_exif_entries_free(easel_exif_entry *entries, size_t count) {
    if (!entries) return;
    for (size_t i = 0; i < count; i++) free(entries[i].data);
    free(entries);
}
