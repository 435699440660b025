/*
 * model - the dossier-level world the simulators serve.
 *
 * A model is what really happened to every dossier of some communes, as
 * of one instant (as_of): an event after as_of has not happened and is
 * not in the model.  It is source-agnostic: the portal, city and ministry
 * simulators each render their own view of the same dossiers, and the
 * truth (truth.h) is computed from the model, never from a rendering.
 *
 * Times are sim_time (UTC instants); SIM_TIME_NONE means "has not
 * happened / not recorded".  Strings are NUL-terminated fixed buffers
 * (bounded; the generator's codes fit with room to spare).
 *
 *     struct sim_model m;
 *     sim_model_init(&m, as_of);
 *     sim_model_add_commune(&m, "11002", "31");
 *     struct sim_dossier *d = sim_model_append(&m);   // zeroed
 *     ...
 *     sim_model_release(&m);
 */
#ifndef TTHC_SIM_MODEL_H
#define TTHC_SIM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "simtime.h"

#define SIM_MAX_SUPP    3
#define SIM_MAX_COMP    4
#define SIM_MAX_FEES    2
#define SIM_MAX_RESULTS 2
#define SIM_CODE_MAX    40

typedef enum { SIM_MODEL_OK = 0, SIM_MODEL_NOMEM, SIM_MODEL_BAD_ARG } sim_model_result;

/* Where the dossier was received and processed (NguonDongBo). */
enum sim_origin {
  SIM_ORIGIN_CITY = 0, /* TTHC_TP: the city one-stop system */
  SIM_ORIGIN_MINISTRY, /* HOTICH_BTP: Ministry of Justice system */
  SIM_ORIGIN_PORTAL    /* DVCQG: submitted on the national portal */
};

/*
 * What happened to the origin's pushes of a dossier to the portal
 * (city and ministry dossiers; a portal-only dossier is always OK).
 */
enum sim_push {
  SIM_PUSH_OK = 0,  /* the portal copy is the dossier as it is */
  SIM_PUSH_STALE,   /* the copy is the dossier as of push_at */
  SIM_PUSH_MISSING, /* no portal copy at all */
  SIM_PUSH_DATES    /* current copy, received/due shifted */
};

/* KenhThucHien; ABSENT is recorded as missing and counts as direct. */
enum sim_channel {
  SIM_CHANNEL_ABSENT = 0,
  SIM_CHANNEL_DIRECT = 1,
  SIM_CHANNEL_ONLINE = 2,
  SIM_CHANNEL_POSTAL = 3
};

struct sim_supplement {
  sim_time requested_at; /* NgayYeuCau */
  sim_time completed_at; /* NgayHoanThanh; NONE while open */
  sim_time new_due;      /* NgayHenTraMoi (lineage only) */
};

struct sim_component {
  char code[24];        /* MaThanhPhanHoSo */
  bool digitised;       /* DuocSoHoa */
  unsigned char reused; /* DuocTaiSuDung: 0, 1 or 2 */
  bool from_store;      /* DuocLayTuKhoDMQG */
};

struct sim_fee {
  char code[24]; /* MaPhiLePhi */
  long amount;   /* VND */
};

struct sim_result_doc {
  char code[24];  /* MaGiayToKetQua */
  char link[128]; /* DuongDanTepTinKetQua; "" = no e-result */
};

struct sim_dossier {
  char code[SIM_CODE_MAX];           /* one-stop code H31.11002-260401-00012 */
  char ministry_code[SIM_CODE_MAX];  /* maHoSoLT, "" unless ministry */
  char portal_code[SIM_CODE_MAX];    /* MaHoSo on the portal */
  char commune[6];                   /* 5-digit commune code */
  const struct sim_procedure *proc;  /* procedure, its field */
  const struct sim_department *dept; /* handling department */
  enum sim_origin origin;
  enum sim_channel channel;

  sim_time submitted_at; /* NgayNopHoSo */
  sim_time received_at;  /* NgayTiepNhan; NONE = not accepted */
  sim_time due_at;       /* NgayHenTra */
  sim_time finished_at;  /* NgayKetThucXuLy */
  sim_time returned_at;  /* NgayTra */
  sim_time refused_at;   /* NgayTuChoi: refusal, stop or withdrawal */
  sim_time updated_at;   /* last update (NgayCapNhat) */
  int status;            /* national TrangThaiHoSo 1..10 */

  struct sim_supplement supp[SIM_MAX_SUPP];
  int nsupp;
  struct sim_component comp[SIM_MAX_COMP];
  int ncomp;
  struct sim_fee fees[SIM_MAX_FEES];
  int nfees;
  struct sim_result_doc results[SIM_MAX_RESULTS];
  int nresults;

  int paid_online;  /* DuocThanhToanTrucTuyen 0..3 */
  bool vneid;       /* TaiKhoanDuocXacThucVoiVNeID */
  int rating;       /* DanhGiaHaiLong 1..3, 0 = none */
  bool complaint;   /* CoPhanAnh */
  uint64_t variety; /* drives each view's representation choices */

  /* Cross-system facts (links.h); all zero = the plain portal world. */
  bool via_counter;   /* ministry dossier received at the commune
				 * counter: also in the city system, linked
				 * by maHoSoMCDT = code */
  enum sim_push push; /* state of the portal copy */
  sim_time push_at;   /* STALE: instant of the last good push */
  int32_t recv_shift; /* DATES: portal received = received + this */
  int32_t due_shift;  /* DATES: portal due = due + this */
};

struct sim_commune {
  char code[6];     /* 5-digit commune code */
  char province[3]; /* 2-digit province code, "" if unknown */
};

struct sim_model {
  sim_time as_of; /* nothing after this instant is in the model */
  struct sim_commune *communes;
  size_t ncommunes;
  struct sim_dossier *dossiers;
  size_t ndossiers;
  size_t alloc;
};

/* Empty model as of as_of.  Allocates nothing. */
void sim_model_init(struct sim_model *m, sim_time as_of);

/* Free everything and return to an empty model; safe to repeat. */
void sim_model_release(struct sim_model *m);

/*
 * Register a commune (5 digits) and its province (2 digits, or NULL/""
 * when unknown).  SIM_MODEL_BAD_ARG on a malformed or duplicate code.
 */
sim_model_result sim_model_add_commune(struct sim_model *m, const char *code, const char *province);

/* Registered commune by code, or NULL. */
const struct sim_commune *sim_model_commune(const struct sim_model *m, const char *code);

/*
 * Append a zeroed dossier and return it (valid until the next append),
 * or NULL when out of memory.
 */
struct sim_dossier *sim_model_append(struct sim_model *m);

/*
 * Whether a unit code covers a commune: a 5-digit unit is that commune,
 * a 2-digit unit every registered commune of that province.
 */
bool sim_model_unit_covers(const struct sim_model *m, const char *unit, const char *commune);

/*
 * The dossier as it stood at instant t (t <= the model's as_of), for a
 * stale portal copy: events after t removed, the status recomputed, and
 * NgayCapNhat = t.  out may not alias d.
 */
void sim_dossier_as_of(const struct sim_dossier *d, sim_time t, struct sim_dossier *out);

/*
 * The ministry system's status code (trangThai 1/2/3/4/6) for a national
 * status, and the national one the ministry's code maps back to
 * (metrics.md §1: 1->1, 2->5, 3->4, 4->9 or 10, 6->3).
 */
int sim_ministry_status(int national);
int sim_ministry_to_national(int ministry, bool returned);

/*
 * Normalised form of a code (sources.md): trimmed, upper case, inner
 * spaces removed, '_' written as '-'.  out has room for n bytes.
 */
void sim_code_normalise(const char *code, char *out, size_t n);

/* True when s is exactly n ASCII digits. */
bool sim_is_digits(const char *s, size_t n);

#endif
