/*
 * dataset - a model saved to, and loaded from, a JSON Lines file, so a
 * simulator can serve a fixed dataset (--export-dataset, --dataset).
 *
 * Line 1 is the header: the format and version, the as-of instant, the
 * communes with their provinces, and the settings the views and truths
 * take from the data flags (seed for tokens, agency, plain, the truth's
 * default unit and period).  Every further line is one dossier, in model
 * order, with every field of struct sim_dossier after the links were
 * applied (codes of each system, origin, times, status, supplements,
 * components, fees, results, payment, rating, complaint, the push state
 * of the portal copy ...).  So loading gives the same model, and the
 * views and truths built on it are byte-identical to those of the model
 * that was written.  The format is described in sim/README.md.
 *
 *     struct sim_dataset_info info;
 *     char err[512];
 *     sim_dataset_info_init(&info);
 *     if (sim_dataset_load("data.jsonl", &m, &info, err, sizeof(err)))
 *             fprintf(stderr, "%s\n", err);   // "data.jsonl:3: field ..."
 *     ...
 *     sim_dataset_info_release(&info);
 */
#ifndef TTHC_SIM_DATASET_H
#define TTHC_SIM_DATASET_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

#define SIM_DATASET_FORMAT  "tthc-sim-dataset"
#define SIM_DATASET_VERSION 1
/* Longest line read, newline excluded; a longer one is an error. */
#define SIM_DATASET_MAX_LINE   (256 * 1024)
#define SIM_DATASET_AGENCY_MAX 64

/* The header's settings besides the model's as-of and communes. */
struct sim_dataset_info {
  uint64_t seed;                       /* portal session / city token seed */
  char agency[SIM_DATASET_AGENCY_MAX]; /* dstcode; code prefix */
  bool plain;                          /* no representation variety */
  bool have_truth;                     /* default --unit / --period */
  char unit[6];                        /* 5-digit commune or 2-digit province */
  int64_t truth_from, truth_to;        /* local days */
  char *source;                        /* provenance: a JSON object's text
					 * (malloc'd), or NULL */
};

/* Zero settings, agency "000.00.00.H31". */
void sim_dataset_info_init(struct sim_dataset_info *info);

/* Free source; the rest stays. */
void sim_dataset_info_release(struct sim_dataset_info *info);

/*
 * Write m with info to fp.  0, or -1 on a write error or out of memory
 * (errno may tell which).
 */
int sim_dataset_write(const struct sim_model *m, const struct sim_dataset_info *info, FILE *fp);

/*
 * Read a dataset from fp into m (sim_model_release()d and refilled; on
 * failure m is left empty) and info (released and refilled).  name is
 * the file name used in messages.  0, or -1 with err set to
 * "name:LINE: what" (NUL-terminated, truncated to errlen).
 */
int sim_dataset_read(FILE *fp, const char *name, struct sim_model *m, struct sim_dataset_info *info,
                     char *err, size_t errlen);

/* Open path ("-" = stdin) and sim_dataset_read() it. */
int sim_dataset_load(const char *path, struct sim_model *m, struct sim_dataset_info *info,
                     char *err, size_t errlen);

/* Write to path ("-" = stdout); 0, or -1 with err set. */
int sim_dataset_save(const char *path, const struct sim_model *m,
                     const struct sim_dataset_info *info, char *err, size_t errlen);

#endif
