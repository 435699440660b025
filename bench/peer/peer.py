#!/usr/bin/python3
"""The Python peer of make bench (issue 11): what a short script does with the
same landed portal pages -- json.load each page, map each HoSo to the canonical
columns, upsert with psycopg2's execute_values ... ON CONFLICT. Usage:
  peer.py CONNINFO LANDING_DIR      (prints "records N")"""
import glob, hashlib, json, sys
import psycopg2, psycopg2.extras

COLS = ("unit_code source_kind source_name source_code linked_codes origin_system source_updated_at "
        "source_location record_hash procedure_code procedure_name field_code field_name service_level "
        "channel submitted_on_portal submitted_at department_code department_name status source_status "
        "received_at due_at finished_at returned_at refused_at has_digitised_component vneid_verified "
        "fee_total paid_online rating has_complaint").split()
TIMES = dict(source_updated_at="NgayCapNhat", submitted_at="NgayNopHoSo", received_at="NgayTiepNhan",
             due_at="NgayHenTra", finished_at="NgayKetThucXuLy", returned_at="NgayTra", refused_at="NgayTuChoi")
TEXT = dict(unit_code="MaXa", source_code="MaHoSo", origin_system="NguonDongBo", procedure_code="MaTTHC",
            procedure_name="TenTTHC", field_code="MaLinhVuc", field_name="TenLinhVuc", service_level="MucDoDVC",
            channel="KenhThucHien", department_code="MaDonViXuLy", department_name="DonViXuLy",
            status="TrangThaiHoSo", source_status="TrangThaiHoSo", rating="DanhGiaHaiLong")
v = lambda h, k: None if h.get(k) in (None, "") else str(h[k]).strip()
t = lambda s: s and f"{s[0:4]}-{s[4:6]}-{s[6:8]} {s[8:10]}:{s[10:12]}:{s[12:14]}+07"

def row(h, loc):
    r = {c: v(h, k) for c, k in TEXT.items()} | {c: t(v(h, k)) for c, k in TIMES.items()}
    fees = [int(f["Gia"]) for f in h.get("DanhSachLePhi") or [] if f.get("Gia") not in (None, "")]
    r |= dict(source_kind="portal", source_name="portal-peer", source_location=loc,
              record_hash=hashlib.sha256(json.dumps(h, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest(),
              linked_codes=json.dumps([h["MaHoSoBNDP"]]) if h.get("MaHoSoBNDP") else None,
              submitted_on_portal=v(h, "NoiNopHoSo") == "1", has_digitised_component=v(h, "HoSoCoThanhPhanSoHoa") == "1",
              vneid_verified=v(h, "TaiKhoanDuocXacThucVoiVNeID") == "1", fee_total=sum(fees) if fees else None,
              paid_online=v(h, "DuocThanhToanTrucTuyen"), has_complaint=v(h, "CoPhanAnh") == "1")
    return tuple(r[c] for c in COLS)

conn = psycopg2.connect(sys.argv[1])
cur = conn.cursor()
TYPES = dict(linked_codes="jsonb", fee_total="bigint") | {c: "timestamptz" for c in TIMES} | {
    c: "smallint" for c in ("service_level", "channel", "status", "paid_online", "rating")} | {
    c: "boolean" for c in COLS if c.startswith(("has_", "submitted_on", "vneid"))}
cur.execute("CREATE TABLE IF NOT EXISTS peer_dossier (" + ", ".join(f"{c} {TYPES.get(c, 'text')}" for c in COLS)
            + ", PRIMARY KEY (unit_code, source_name, source_code))")
upsert = (f"INSERT INTO peer_dossier ({', '.join(COLS)}) VALUES %s ON CONFLICT (unit_code, source_name, source_code) "
          f"DO UPDATE SET {', '.join(f'{c} = EXCLUDED.{c}' for c in COLS[4:])} "
          "WHERE EXCLUDED.source_updated_at >= peer_dossier.source_updated_at")
n = 0
for path in sorted(glob.glob(sys.argv[2] + "/**/page-*.json", recursive=True)):
    with open(path, encoding="utf-8") as f:
        recs = {}  # execute_values cannot upsert one key twice in a statement: the page's newest wins
        for i, h in enumerate(json.load(f)["result"] or []):
            recs[(h["MaXa"], h["MaHoSo"])] = row(h, f"{path}#{i}")
            n += 1
    psycopg2.extras.execute_values(cur, upsert, list(recs.values()), page_size=1000)
    conn.commit()
print("records", n)
