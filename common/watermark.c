#include "watermark.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynbuf.h"
#include "fsutil.h"

static char *wm_path(const char *state_dir, const char *source, const char *commune, int dir_only)
{
  char *p = NULL;
  int n = dir_only ? asprintf(&p, "%s/watermarks/%s", state_dir, source)
                   : asprintf(&p, "%s/watermarks/%s/%s", state_dir, source, commune);
  return n < 0 ? NULL : p;
}

int watermark_read(const char *state_dir, const char *source, const char *commune, tthc_time *out)
{
  char *path = wm_path(state_dir, source, commune, 0);
  struct dynbuf buf;
  fs_result fr;
  int rc = -1;

  *out = TTHC_TIME_NONE;
  dynbuf_init(&buf, 256);
  if (!path)
    return -1;
  fr = fs_read_file(path, &buf);
  if (fr == FS_NOENT) {
    rc = 0;
  } else if (fr == FS_OK) {
    char text[64];
    snprintf(text, sizeof(text), "%s", dynbuf_ptr(&buf));
    text[strcspn(text, "\n")] = '\0';
    rc = time_parse_iso(text, out) == TIME_OK ? 0 : -1;
  }
  dynbuf_release(&buf);
  free(path);
  return rc;
}

static int watermark_write(const char *state_dir, const char *source, const char *commune,
                           tthc_time until)
{
  char *dir = NULL, *path = NULL, text[40];
  int rc = -1;

  dir = wm_path(state_dir, source, commune, 1);
  path = wm_path(state_dir, source, commune, 0);
  if (!dir || !path || fs_mkdirs(dir, 0750) != FS_OK)
    goto out;
  time_format_iso_utc(until, text);
  strcat(text, "\n");
  rc = fs_write_atomic(path, text, strlen(text)) == FS_OK ? 0 : -1;
out:
  free(dir);
  free(path);
  return rc;
}

int watermark_advance(const char *state_dir, const char *source, const char *commune,
                      tthc_time from, tthc_time until)
{
  tthc_time current;

  if (watermark_read(state_dir, source, commune, &current))
    return -1;
  if (current != TTHC_TIME_NONE && (from > current || until <= current))
    return 0; /* a gap before this window, or nothing new */
  return watermark_write(state_dir, source, commune, until);
}

int watermark_hold(const char *state_dir, const char *source, const char *commune, tthc_time from)
{
  tthc_time current;

  if (watermark_read(state_dir, source, commune, &current))
    return -1;
  if (current == TTHC_TIME_NONE || current <= from)
    return 0;
  return watermark_write(state_dir, source, commune, from);
}
