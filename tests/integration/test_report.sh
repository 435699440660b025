#!/bin/bash
# tthc-report on the three real reports of shared/spec/seed-figures.md,
# through the whole pipeline (simulators over HTTP -> extract -> transform
# -> load), read with the analyst role only. For each scenario every format
# (text, CSV, JSON, xlsx, HTML) must show
#   - Biểu 06, the rates, late by department and the discrepancy list equal
#     to the simulators' truth (computed without the warehouse), and
#   - the figures of seed-figures.md,
# the xlsx read back with Python's zipfile + ElementTree (not the writer),
# the HTML as headless Chromium renders it (its dumped DOM; skipped without
# /usr/bin/chromium, the raw page is still checked) and printed (A4
# landscape). The inspection outline (--form cchc) fills what the
# warehouse holds and marks the rest in every format. The report functions
# and tthc-report refuse bad arguments with the SQLSTATE named.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg
R=$TTHC_BIN/tthc-report
PY=/usr/bin/python3
SCENARIOS="thach-khoi-2026-04 an-thanh-2025-q3 truong-thi-2023"
declare -A UNIT=([thach-khoi-2026-04]=11002 [an-thanh-2025-q3]=10792 [truong-thi-2023]=14797)
declare -A AGENCY=([thach-khoi-2026-04]=000.00.00.H31 [an-thanh-2025-q3]=000.00.00.H31 [truong-thi-2023]=000.00.00.H56)
declare -A PERIOD=([thach-khoi-2026-04]="--month 2026-04" [an-thanh-2025-q3]="--quarter 2025-Q3"
                   [truong-thi-2023]="--from 2023-01-01 --to 2023-08-10")
declare -A ASOF=([thach-khoi-2026-04]=2026-05-02T12:00 [an-thanh-2025-q3]=2025-10-02T12:00 [truong-thi-2023]=2023-08-12T12:00)

# ------------------------------------------------------------------ pipelines
# Every simulator is started here (the harness stops them); the three
# pipelines then run side by side, each into its own database.
for name in $SCENARIOS; do
  d=$TMP/$name
  mkdir -p "$d"
  harness_new_db "$name" || { not_ok "$name: warehouse"; continue; }
  for kind in portal city ministry; do
    harness_start_sim "P_$kind" --kind "$kind" --scenario "$name" --username demo
  done
  "$TTHC_BIN/tthc-sim" --kind portal --scenario "$name" --truth-only --truth "$d/truth.tsv" \
    --truth-rates "$d/truth-rates.tsv" --truth-overdue "$d/truth-overdue.tsv" \
    --truth-discrepancies "$d/truth-disc.tsv" 2>/dev/null
  harness_write_config "$d/tthc.conf" portal-s portal "$P_portal" "${UNIT[$name]}" "page_size = 1000"
  sed -i "s|^dir = .*|dir = $d/state|; s|^agency_code = .*|agency_code = ${AGENCY[$name]}|" "$d/tthc.conf"
  harness_add_source "$d/tthc.conf" city-s city "$P_city" "${UNIT[$name]}" "page_size = 1000"
  harness_add_source "$d/tthc.conf" moj-s ministry "$P_ministry" "${UNIT[$name]}" "page_size = 1000"
  psql -Xq -v ON_ERROR_STOP=1 -f "$REPO_DIR/deploy/roles.sql" >"$d/roles.log" 2>&1 ||
    { not_ok "$name: roles.sql"; cat "$d/roles.log"; }
  ( "$TTHC_BIN/tthc-extract" -c "$d/tthc.conf" --since 2020-01-01 && "$TTHC_BIN/tthc-transform" -c "$d/tthc.conf" &&
      "$TTHC_BIN/tthc-load" -c "$d/tthc.conf" ) >"$d/sync.log" 2>&1 &
  echo $! >"$d/sync.pid"
done
for name in $SCENARIOS; do
  if wait "$(cat "$TMP/$name/sync.pid")"; then ok "$name: pipeline loaded the warehouse"
  else not_ok "$name: pipeline failed"; tail -5 "$TMP/$name/sync.log"; fi
done

# ------------------------------------------------------------------ reports
# As the analyst: through a configuration's analyst_conninfo for Thạch Khôi,
# through the PG* environment for the others. All formats from one read.
cat >"$TMP/analyst.conf" <<EOF
[warehouse]
analyst_conninfo = host=$PGHOST port=$PGPORT user=tthc_analyst dbname=thach-khoi-2026-04
EOF
report() { # NAME FORM EXTRA...: writes $TMP/NAME/FORM.{txt,csv,json,xlsx,html}
  local name=$1 form=$2
  shift 2
  PGDATABASE=$name PGUSER=tthc_analyst "$R" --unit "${UNIT[$name]}" ${PERIOD[$name]} --as-of "${ASOF[$name]}" \
    --form "$form" -f all -o "$TMP/$name/$form" "$@" >"$TMP/$name/$form.log" 2>&1
}
# Two at a time (two cores); `wait PID`, as the simulators are jobs too.
both() { # "JOB1" "JOB2": each a command line run in the background; rc files by name
  local pids="" job
  for job in "$@"; do
    ( eval "$job" ) &
    pids="$pids $!"
  done
  for job in $pids; do wait "$job"; done
}
both 'report thach-khoi-2026-04 period -c "$TMP/analyst.conf"; echo $? >"$TMP/rc.tk"' \
     'report an-thanh-2025-q3 period; echo $? >"$TMP/rc.at"'
both 'report thach-khoi-2026-04 cchc; echo $? >"$TMP/rc.tkc"' \
     'report an-thanh-2025-q3 cchc; echo $? >"$TMP/rc.atc"; report truong-thi-2023 period; echo $? >"$TMP/rc.tt"'
for r in tk at tkc atc tt; do
  assert_eq 0 "$(cat "$TMP/rc.$r")" "tthc-report ($r) exits 0 as tthc_analyst, all formats in one run"
done
for name in $SCENARIOS; do
  for ext in txt csv json xlsx html; do
    [ -s "$TMP/$name/period.$ext" ] || { not_ok "$name: no period.$ext"; cat "$TMP/$name/period.log"; }
  done
done

# ------------------------------------------------------------------ Chromium
# The page as a browser renders it (the DOM after parsing and layout) and
# prints it; without Chromium the raw page is checked instead, unless
# TTHC_REQUIRE_BROWSER=1 (CI) makes a missing browser a failure.
chromium_dom() { # HTML DOM_OUT PDF_OUT
  timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$TMP/chromium" --dump-dom "file://$1" >"$2" 2>/dev/null &&
    timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --no-first-run \
      --user-data-dir="$TMP/chromium" --no-pdf-header-footer --print-to-pdf="$3" "file://$1" >/dev/null 2>&1
}
for name in thach-khoi-2026-04 an-thanh-2025-q3; do
  for form in period cchc; do
    d=$TMP/$name
    if [ -x /usr/bin/chromium ]; then
      if chromium_dom "$d/$form.html" "$d/$form.dom" "$d/$form.pdf"; then
        ok "$name $form: Chromium rendered the page"
        # A4 landscape: 842 x 595 points
        pages=$(grep -ac "/MediaBox \[0 0 84[12][.0-9]* 59[45][.0-9]*\]" "$d/$form.pdf")
        if [ "$pages" -gt 0 ] && [ "$(grep -ac "/MediaBox" "$d/$form.pdf")" = "$pages" ]; then
          ok "$name $form: printed on $pages A4 landscape pages"
        else not_ok "$name $form: printed page is not A4 landscape"; fi
      else not_ok "$name $form: Chromium failed"; cp "$d/$form.html" "$d/$form.dom"; fi
    elif [ "${TTHC_REQUIRE_BROWSER:-0}" = 1 ]; then
      not_ok "$name $form: no /usr/bin/chromium (TTHC_REQUIRE_BROWSER=1; deploy/install-deps.sh --test installs it)"
      cp "$d/$form.html" "$d/$form.dom"
    else
      echo "# Chromium render and print of $name $form: skipped (no /usr/bin/chromium; deploy/install-deps.sh --test)"
      cp "$d/$form.html" "$d/$form.dom"
    fi
  done
done
cp "$TMP/truong-thi-2023/period.html" "$TMP/truong-thi-2023/period.dom"

# ------------------------------------------------------------------ every format
cat >"$TMP/check.py" <<'PY'
"""Checks one scenario's report files against the simulator's truth and the
seed figures. Prints "ok - ..." / "not ok - ..." lines."""
import csv, io, json, re, sys, zipfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

name, d, form = sys.argv[1], sys.argv[2], sys.argv[3]
COLS = ["total", "received_online", "carried_over", "received_direct", "received_postal",
        "resolved", "resolved_early", "resolved_on_time", "resolved_late", "pending",
        "pending_in_time", "pending_late", "stopped"]
RATES = ["online_rate", "on_time_rate", "overdue_rate", "component_digitised_rate",
         "result_digitised_rate", "reuse_rate", "citizen_store_rate", "online_payment_rate",
         "sync_rate", "on_time_rate_766", "online_rate_766", "digitised_rate_766", "satisfaction_766"]
# seed-figures.md, figure by figure (Biểu 06 total row; rates in percent)
SEED = {
    "thach-khoi-2026-04": {"carried_over": 48, "received_online": 6258, "received_direct": 0,
        "received_postal": 0, "total": 6306, "resolved": 6251, "resolved_early": 6215,
        "resolved_on_time": 36, "resolved_late": 0, "stopped": 0, "pending": 55,
        "pending_in_time": 55, "online_rate": "100.00", "on_time_rate": "100.00",
        "component_digitised_rate": "100.00", "result_digitised_rate": "100.00",
        "reuse_rate": "99.52", "online_payment_rate": "100.00", "complaints": 0},
    "an-thanh-2025-q3": {"carried_over": 0, "received_online": 1566, "received_direct": 2554,
        "total": 4120, "resolved": 3997, "resolved_early": 3968, "resolved_on_time": 0,
        "resolved_late": 29, "stopped": 53, "pending": 70, "online_rate": "38.01",
        "component_digitised_rate": "96.77", "reuse_rate": "62.16",
        "result_digitised_rate": "99.75",
        "late_by_department": {"Phòng Kinh tế": 12, "Văn phòng HĐND-UBND": 4,
                               "Trung tâm Phục vụ hành chính công": 13}},
    "truong-thi-2023": {"carried_over": 3, "received_online": 840, "received_postal": 36,
        "received_direct": 2379 - 840 - 36, "total": 2382, "resolved_early": 2324,
        "resolved_on_time": 54, "resolved_late": 0, "pending_in_time": 3, "pending_late": 0,
        "stopped": 1},
}[name]
failures = 0

def check(cond, what):
    global failures
    print(("ok - " if cond else "not ok - ") + f"{name} {form}: {what}")
    failures += 0 if cond else 1

def vn_int(n):
    return f"{int(n):,}".replace(",", ".")

def vn_pct(s):
    whole, frac = f"{float(s):.2f}".split(".")
    return f"{vn_int(whole)},{frac} %"

def tsv(path):
    with open(path, encoding="utf-8") as f:
        rows = [l.rstrip("\n").split("\t") for l in f if l.strip()]
    return [dict(zip(rows[0], r)) for r in rows[1:]]

# ---- the truth, as Biểu 06 rows with the derived columns
truth = []
for r in tsv(f"{d}/truth.tsv"):
    row = {k: int(r[k]) for k in r if k not in ("field_code", "field_name")}
    row["resolved"] = row["resolved_early"] + row["resolved_on_time"] + row["resolved_late"]
    row["pending"] = row["pending_in_time"] + row["pending_late"]
    row["field_code"] = None if r["field_code"] == "\\N" else r["field_code"]
    row["field_name"] = r["field_name"]
    truth.append(row)
total = truth[-1]
rates = tsv(f"{d}/truth-rates.tsv")[0]
overdue = tsv(f"{d}/truth-overdue.tsv")
disc = {(r["origin_code"], r["class"]) for r in tsv(f"{d}/truth-disc.tsv")}

seed_rows = {k: v for k, v in SEED.items() if k in COLS}
check(all(total[k] == v for k, v in seed_rows.items()), "the truth is the seed report")

def same_bieu06(rows, fmt):
    """rows: list of dicts field_code/field_name + COLS (ints)."""
    ok = len(rows) == len(truth) and all(
        g.get("field_code") == t["field_code"] and g["field_name"] == t["field_name"]
        and all(g[c] == t[c] for c in COLS) for g, t in zip(rows, truth))
    check(ok, f"{fmt}: Biểu 06 equals the truth ({len(truth)} rows, total {total['total']})")
    tot = rows[-1] if rows else {}
    check(all(tot.get(k) == v for k, v in seed_rows.items()),
          f"{fmt}: Biểu 06 shows the seed figures ({', '.join(f'{k} {v}' for k, v in seed_rows.items())})")

def same_rates(values, fmt):
    """values: rate key -> '99.52' or None."""
    want = {k: (None if rates[k] == "\\N" else rates[k]) for k in RATES}
    check(values == want, f"{fmt}: the 13 rates equal the truth")
    seed = {k: v for k, v in SEED.items() if k in RATES}
    if seed:
        check(all(values.get(k) == v for k, v in seed.items()), f"{fmt}: rates show the seed figures {seed}")

def same_overdue(rows, fmt):
    """rows: list of (department_name, resolved_late, pending_late, total)."""
    want = [(r["department_name"], int(r["resolved_late"]), int(r["pending_late"]),
             int(r["overdue_total"])) for r in overdue]
    check(rows == want, f"{fmt}: late by department equals the truth ({len(want)} departments)")
    if "late_by_department" in SEED:
        got = {r[0]: r[1] for r in rows}
        check(got == SEED["late_by_department"], f"{fmt}: late by department 12 / 4 / 13")

def same_disc(pairs, fmt):
    check(pairs == disc, f"{fmt}: the {len(disc)} portal discrepancies equal the truth")

# ---- JSON
j = json.load(open(f"{d}/{form}.json", encoding="utf-8"))
check(j["unit"]["unit_code"] and j["period"]["range"].startswith("(Số liệu từ ngày"), "json: unit and period")
if form == "period":
    same_bieu06(j["bieu06"], "json")
    same_rates({i["rate"]: (None if i["value"] is None else f"{i['value']:.2f}")
                for i in j["rates"]["items"]}, "json")
    same_overdue([(o["department_name"], o["resolved_late"], o["pending_late"], o["overdue_total"])
                  for o in j["overdue_by_department"]], "json")
    same_disc({(x["origin_code"], x["class"]) for x in j["sync_discrepancies"]}, "json")
    check(all(x["origin_received_at"].endswith("+07:00") for x in j["sync_discrepancies"]),
          "json: times in Vietnam time")

# ---- CSV
raw = open(f"{d}/{form}.csv", "rb").read()
check(raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n"),
      "csv: UTF-8 BOM and CRLF")
blocks, cur = {}, []
for r in csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")):
    if not r:
        if cur: blocks[cur[0][0]] = cur
        cur = []
    else:
        cur.append(r)
if cur: blocks[cur[0][0]] = cur
def block(key):
    b = blocks.get(key, [[]])
    return [dict(zip(b[0], r)) for r in b[1:]]
check(block("unit_code")[0]["period_from"] != "", "csv: a block with the unit and the period")
if form == "period":
    same_bieu06([dict({c: int(r[c]) for c in COLS}, field_code=r["field_code"] or None,
                      field_name=r["field_name"]) for r in block("field_code")], "csv")
    same_rates({r["rate"]: r["value"] or None for r in block("rate")}, "csv")
    same_overdue([(r["department_name"], int(r["resolved_late"]), int(r["pending_late"]),
                   int(r["overdue_total"])) for r in block("department_code")], "csv")
    same_disc({(r["origin_code"], r["class"]) for r in block("dossier_code")}, "csv")

# ---- text: the same rows as a person reads them
text = open(f"{d}/{form}.txt", encoding="utf-8").read()
lines = [" ".join(l.split()) for l in text.splitlines()]
check(j["unit"]["heading"] in text and j["period"]["range"] in text, "text: heading with the unit and the period")
if form == "period":
    missing = [t["field_name"] for t in truth
               if not any(l.endswith(" ".join([t["field_name"]] + [vn_int(t[c]) for c in COLS])) for l in lines)]
    check(not missing, f"text: every Biểu 06 row, Vietnamese numbers ({vn_int(total['total'])} dossiers){missing}")
    bad = [k for k in RATES if rates[k] != "\\N" and vn_pct(rates[k]) not in text]
    check(not bad, f"text: every rate as 99,52 % {bad}")
    for r in overdue:
        check(f"{r['department_name']}: {int(r['overdue_total']):02d} hồ sơ" in text,
              f"text: \"{r['department_name']}: {int(r['overdue_total']):02d} hồ sơ\"")
    check(f": {len(disc)} sai lệch." in text and all(c in text for c, _ in disc), "text: discrepancy list")

# ---- xlsx, read back with zipfile + ElementTree
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
z = zipfile.ZipFile(f"{d}/{form}.xlsx")
wb = ET.fromstring(z.read("xl/workbook.xml"))
sheets = [s.get("name") for s in wb.find("m:sheets", NS)]
shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
          for si in ET.fromstring(z.read("xl/sharedStrings.xml"))]
styles = ET.fromstring(z.read("xl/styles.xml"))
fmts = {n.get("numFmtId"): n.get("formatCode") for n in styles.find("m:numFmts", NS)}
xfs = [x.get("numFmtId") for x in styles.find("m:cellXfs", NS)]

def sheet(i):
    s = ET.fromstring(z.read(f"xl/worksheets/sheet{i + 1}.xml"))
    rows = {}
    for c in s.iter(f"{{{NS['m']}}}c"):
        v = c.find("m:v", NS)
        col = re.match(r"[A-Z]+", c.get("r")).group(0)
        row = int(c.get("r")[len(col):])
        if v is None:
            continue
        val = shared[int(v.text)] if c.get("t") == "s" else float(v.text)
        rows.setdefault(row, {})[col] = (val, fmts.get(xfs[int(c.get("s", 0))]))
    return s, rows

def find_row(rows, col, label):
    return next((r for r in rows.values() if r.get(col, ("",))[0] == label), None)

expected_sheets = (["Biểu 06", "Tỷ lệ", "Quá hạn theo phòng ban", "Sai lệch trên Cổng DVCQG", "Theo tháng"]
                   if form == "period" else ["Cải cách TTHC (II.2)", "Theo tháng"])
check(sheets == expected_sheets, f"xlsx: one sheet per part {sheets}")
for i in range(len(sheets)):
    s, _ = sheet(i)
    pane = s.find("m:sheetViews/m:sheetView/m:pane", NS)
    ps = s.find("m:pageSetup", NS)
    check(pane is not None and pane.get("state") == "frozen" and ps.get("orientation") == "landscape"
          and ps.get("paperSize") == "9" and s.find("m:cols", NS) is not None,
          f"xlsx: sheet {sheets[i]} frozen headings, A4 landscape, fitted columns")
if form == "period":
    s, rows = sheet(0)
    check(find_row(rows, "A", "ỦY BAN NHÂN DÂN") is not None and find_row(rows, "A", j["unit"]["heading"]) is not None
          and find_row(rows, "H", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") is not None
          and find_row(rows, "A", j["period"]["range"]) is not None, "xlsx: heading block")
    check(find_row(rows, "C", "(3) = (4)+(5)+(6)+(7)") is not None and
          len(s.find("m:mergeCells", NS)) >= 7, "xlsx: numbered, two-level merged headings")
    got, typed = [], True
    for t in truth:
        r = find_row(rows, "B", t["field_name"]) or {}
        cells = [r.get(chr(ord("C") + k), (None, None)) for k in range(13)]
        got.append(dict({c: cells[k][0] for k, c in enumerate(COLS)},
                        field_code=t["field_code"], field_name=t["field_name"] if r else None))
        typed &= all(isinstance(v, float) and f is not None and "#\\.##0" in f for v, f in cells)
    check(typed, "xlsx: Biểu 06 cells are numbers with the Vietnamese count format")
    same_bieu06([dict(g, **{c: int(g[c]) if g[c] is not None else None for c in COLS}) for g in got], "xlsx")
    _, rows = sheet(1)
    vals, typed = {}, True
    for k in RATES:
        label = j["rates"]["items"][RATES.index(k)]["label"]
        r = find_row(rows, "B", label) or {}
        v, f = r.get("D", (None, None))
        vals[k] = f"{v:.2f}" if isinstance(v, float) else None
        typed &= not isinstance(v, float) or "0.00" in (f or "")
    check(typed, "xlsx: rates are numbers with the percent format")
    same_rates(vals, "xlsx")
    _, rows = sheet(2)
    same_overdue([(r["B"][0], int(r["C"][0]), int(r["D"][0]), int(r["E"][0])) for n, r in sorted(rows.items())
                  if isinstance(r.get("A", ("",))[0], float)], "xlsx")
    _, rows = sheet(3)
    codes = {(r["B"][0], c) for r in rows.values() if isinstance(r.get("A", ("",))[0], float)
             for c in [{"Thiếu trên Cổng": "missing_on_portal", "Chưa cập nhật trạng thái": "stale_on_portal",
                        "Cổng hiển thị quá hạn sai": "false_overdue_on_portal", "Lệch ngày": "date_mismatch"}[r["E"][0]]]}
    same_disc(codes, "xlsx")
    times = [r["H"] for r in rows.values() if isinstance(r.get("A", ("",))[0], float)]
    check(all(isinstance(v, float) and f == "hh:mm dd/mm/yyyy" for v, f in times), "xlsx: times are date serials")

# ---- HTML: the DOM Chromium built (or the raw page)
class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.cur, self.key, self.text = [], None, None, []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr":
            self.cur = {"_attrs": a}
        elif tag == "td" and self.cur is not None:
            self.key, self.buf = a.get("data-key"), ""
    def handle_data(self, data):
        self.text.append(data)
        if self.key is not None:
            self.buf += data
    def handle_endtag(self, tag):
        if tag == "td" and self.key is not None and self.cur is not None:
            self.cur[self.key] = self.buf
            self.key = None
        elif tag == "tr" and self.cur is not None:
            self.rows.append(self.cur)
            self.cur = None
dom = Dom()
dom.feed(open(f"{d}/{form}.dom", encoding="utf-8").read())
alltext = " ".join(" ".join(dom.text).split())
check(j["unit"]["heading"] in alltext and j["period"]["range"] in alltext, "html: heading with the unit and the period")
if form == "period":
    b = [r for r in dom.rows if "data-field" in r["_attrs"]]
    def num(s):
        return int(s.replace(".", "")) if re.fullmatch(r"\d{1,3}(\.\d{3})*", s) else None
    same_bieu06([dict({c: num(r.get(c, "")) for c in COLS}, field_name=r.get("field_name"),
                      field_code=None if r["_attrs"]["data-field"] == "total" else r["_attrs"]["data-field"])
                 for r in b], "html")
    vals = {}
    for r in dom.rows:
        k = r["_attrs"].get("data-rate")
        if k:
            m = re.fullmatch(r"([\d.]+),(\d\d) %", r.get("value", ""))
            vals[k] = f"{m.group(1).replace('.', '')}.{m.group(2)}" if m else None
    same_rates(vals, "html")
    same_overdue([(r["department_name"], num(r["resolved_late"]), num(r["pending_late"]), num(r["overdue_total"]))
                  for r in dom.rows if "data-department" in r["_attrs"]], "html")
    same_disc({(r["_attrs"]["data-origin-code"], r["_attrs"]["data-class"]) for r in dom.rows
               if "data-class" in r["_attrs"]}, "html")
    check(len(re.findall("<svg", open(f"{d}/{form}.dom", encoding="utf-8").read())) == 2, "html: two charts")

# ---- the inspection outline, in every format
if form == "cchc":
    items = {i["key"]: i for i in j["cchc"]}
    not_held = sorted(k for k, i in items.items() if not i["held"])
    check(not_held == sorted(["procedures_at_center", "independent_of_boundaries", "complaints_resolved",
                              "communication", "satisfaction_measurement"]), f"json: not held {not_held}")
    held = [k for k, i in items.items() if i["held"]]
    check(len(held) == 15, f"json: {len(held)} items filled from the warehouse")
    check(items["received_total"]["count"] == total["total"] and items["resolved"]["count"] == total["resolved"]
          and items["overdue"]["count"] == total["resolved_late"] + total["pending_late"], "json: intake items = Biểu 06")
    for k, rate in (("resolved_in_time", "on_time_rate"), ("online_rate", "online_rate"),
                    ("online_payment_rate", "online_payment_rate"), ("digitised_rate_766", "digitised_rate_766"),
                    ("result_digitised_rate", "result_digitised_rate"), ("reuse_rate", "reuse_rate"),
                    ("satisfaction_766", "satisfaction_766")):
        got = None if items[k]["percent"] is None else f"{items[k]['percent']:.2f}"
        check(got == (None if rates[rate] == "\\N" else rates[rate]), f"json: {k} = {rate} {got}")
    check(items["satisfaction_766"]["target"] == 95 and items["satisfaction_land"]["target"] == 90,
          "json: satisfaction against 95 %, land against 90 %")
    if "complaints" in SEED:
        check(items["complaints_received"]["count"] == SEED["complaints"], "json: no complaints (seed)")
    n = len(not_held)
    check(text.count("Hệ thống không lưu") == n, "text: the same items marked not held")
    check(sum(1 for r in block("item") if r["held"] == "false") == n, "csv: the same items marked not held")
    check(sum(1 for r in dom.rows if r["_attrs"].get("data-held") == "false") == n, "html: the same items marked not held")
    _, rows = sheet(0)
    check(sum(1 for r in rows.values() if r.get("C", ("",))[0] == "Hệ thống không lưu") == n,
          "xlsx: the same items marked not held")
    r = find_row(rows, "B", items["received_total"]["label"]) or {}
    check(r.get("C", (None,))[0] == total["total"], "xlsx: the outline's counts are numbers")
sys.exit(1 if failures else 0)
PY
for name in $SCENARIOS; do
  for form in period cchc; do
    [ "$form" = cchc ] && [ "$name" = truong-thi-2023 ] && continue
    while IFS= read -r line; do
      case $line in
        "ok - "*) ok "${line#ok - }" ;;
        "not ok - "*) not_ok "${line#not ok - }" ;;
        *) not_ok "$name $form check: $line" ;;
      esac
    done < <("$PY" "$TMP/check.py" "$name" "$TMP/$name" "$form" 2>&1)
  done
done

# ------------------------------------------------------------------ bad arguments
# The SQL functions: SQLSTATE and the argument named, even on an empty warehouse.
harness_new_db empty && psql -Xq -f "$REPO_DIR/deploy/roles.sql" >/dev/null 2>&1 ||
  not_ok "an empty warehouse"
sqlstate() { # DB SQL: "SQLSTATE message" of the error, as the analyst
  PGDATABASE=$1 psql -XAtq -U tthc_analyst -v VERBOSITY=verbose -c "$2" 2>&1 >/dev/null |
    sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\): \(.*\)/\1 \2/p' | head -1
}
for fn in report_bieu06 report_rates report_overdue_by_department data_quality_issues; do
  for db in thach-khoi-2026-04 empty; do
    while IFS='|' read -r args state words; do
      got=$(sqlstate "$db" "SELECT * FROM tthc.$fn($args)")
      case $got in
        "$state "*"$words"*) ok "$fn($args) on $db: $got" ;;
        *) not_ok "$fn($args) on $db: expected $state ... $words, got '$got'" ;;
      esac
    done <<EOF
'99999', '2026-04-01', '2026-04-30'|22023|unit_code "99999" is not a known commune
'32', '2026-04-01', '2026-04-30'|22023|unit_code "32" is not a known province
'1100', '2026-04-01', '2026-04-30'|22023|unit_code "1100" is neither
NULL, '2026-04-01', '2026-04-30'|22004|unit_code is NULL
'11002', NULL, '2026-04-30'|22004|period_from is NULL
'11002', '2026-04-01', NULL|22004|period_to is NULL
'11002', '2026-05-01', '2026-04-30'|22023|period_from (2026-05-01) is after period_to (2026-04-30)
EOF
  done
done
assert_eq "" "$(sqlstate empty "SELECT * FROM tthc.report_bieu06('31', '2026-04-01', '2026-04-30')")" \
  "a known province on an empty warehouse is a valid (empty) report"

# tthc-report: the same refusals reach the user; usage errors before connecting.
run() { PGDATABASE=thach-khoi-2026-04 PGUSER=${AS:-tthc_analyst} "$R" "$@" >"$TMP/r.out" 2>"$TMP/r.err"; echo $?; }
assert_eq 1 "$(run --unit 99999 --month 2026-04)" "tthc-report --unit 99999: exit 1"
assert_eq 1 "$(grep -c 'error: report argument unit_code "99999" is not a known commune (SQLSTATE 22023)' "$TMP/r.err")" \
  "tthc-report --unit 99999: the server's message with its SQLSTATE"
assert_eq 1 "$(grep -c '^HINT: ' "$TMP/r.err")" "tthc-report --unit 99999: with the hint"
assert_eq 2 "$(run --unit 11002 --from 2026-05-01 --to 2026-04-30)" "--from after --to: usage error"
assert_eq 1 "$(grep -c 'after --to' "$TMP/r.err")" "--from after --to: says so"
assert_eq 2 "$(run --unit 1100 --month 2026-04)" "--unit 1100: usage error"
assert_eq 2 "$(run --unit 11002 --month 2026-13)" "--month 2026-13: usage error"
assert_eq 2 "$(run --unit 11002)" "no period: usage error"
assert_eq 2 "$(run --unit 11002 --month 2026-04 --year 2026)" "two periods: usage error"
assert_eq 2 "$(run --unit 11002 --month 2026-04 -f xlsx)" "xlsx to standard output: usage error"
assert_eq 2 "$(run --unit 11002 --month 2026-04 -f pdf)" "unknown format: usage error"
assert_eq 1 "$(AS=postgres run --unit 11002 --month 2026-04)" "a role that may write is refused"
assert_eq 1 "$(grep -c 'role "postgres" may write to the warehouse' "$TMP/r.err")" "the refusal names the role"
printf '[warehouse]\nanalyst_conninfo = host=%s port=%s user=tthc_loader dbname=thach-khoi-2026-04\n' \
  "$PGHOST" "$PGPORT" >"$TMP/loader.conf"
assert_eq 1 "$(run --unit 11002 --month 2026-04 -c "$TMP/loader.conf")" "analyst_conninfo with the loader role is refused"
printf '[warehouse]\nanalyst_conninfo = host=%s user=tthc_analyst password=secret\n' "$PGHOST" >"$TMP/pw.conf"
assert_eq 1 "$(run --unit 11002 --month 2026-04 -c "$TMP/pw.conf")" "a password in analyst_conninfo is refused"
assert_eq 0 "$(grep -c secret "$TMP/r.err")" "the refusal does not print the password"
assert_eq 0 "$(run --version)" "--version"
assert_eq 1 "$(grep -c '^tthc-report (tthc-etl) ' "$TMP/r.out")" "--version names the program"
assert_eq 0 "$(run --help)" "--help"
assert_eq 1 "$(grep -c -- '--form FORM' "$TMP/r.out")" "--help lists the options"
assert_eq 0 "$(run --unit 31 --month 2026-04 --part bieu06 -f csv)" "a province's Biểu 06"
assert_eq "$(tail -n 1 "$TMP/thach-khoi-2026-04/truth.tsv" | cut -f2-13)" \
  "$(tail -n 1 "$TMP/r.out" | tr -d '\r' | awk -F, -v OFS='\t' '{print $2,$3,$4,$6,$7,$5,$9,$10,$11,$13,$14,$15}')" \
  "province 31 = its one loaded commune (same total row)"
harness_done
