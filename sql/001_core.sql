-- 001_core.sql — the warehouse core: units, procedures, per-source dossier
-- records, merged dossiers, status events, runs, rejects, watermarks.
-- The columns of dossier_source (and the business columns of dossier) follow
-- schemas/dossier.def; tests/integration/test_schema_contract.sh holds them
-- to it.
--
-- Every key starts with unit_code (the commune) so the tables can be
-- distributed by it (Citus) without schema changes.

CREATE SCHEMA IF NOT EXISTS tthc;
COMMENT ON SCHEMA tthc IS
  'Kho dữ liệu hồ sơ thủ tục hành chính (TTHC) cấp xã / Warehouse of administrative-procedure dossiers per commune';

-- ---------------------------------------------------------------- dimensions
CREATE TABLE tthc.unit (
  unit_code      text PRIMARY KEY CHECK (unit_code ~ '^[0-9]{5}$'),
  unit_name      text NOT NULL,
  province_code  text NOT NULL CHECK (province_code ~ '^[0-9]{2}$'),
  province_name  text NOT NULL
);
CREATE INDEX unit_province_idx ON tthc.unit (province_code);
COMMENT ON TABLE tthc.unit IS 'Đơn vị hành chính cấp xã 2025 (3.321 xã, 34 tỉnh) / 2025 communes and their provinces';
COMMENT ON COLUMN tthc.unit.unit_code IS 'Mã xã 5 chữ số / 5-digit commune code';
COMMENT ON COLUMN tthc.unit.unit_name IS 'Tên xã, phường, đặc khu / Commune name';
COMMENT ON COLUMN tthc.unit.province_code IS 'Mã tỉnh 2 chữ số / 2-digit province code';
COMMENT ON COLUMN tthc.unit.province_name IS 'Tên tỉnh, thành phố / Province name';

CREATE TABLE tthc.procedure (
  procedure_code text PRIMARY KEY,
  procedure_name text,
  field_code     text,
  field_name     text,
  max_days       integer CHECK (max_days > 0)
);
COMMENT ON TABLE tthc.procedure IS 'Danh mục thủ tục hành chính / Administrative procedures';
COMMENT ON COLUMN tthc.procedure.procedure_code IS 'Mã TTHC đã chuẩn hoá / Normalised procedure code';
COMMENT ON COLUMN tthc.procedure.procedure_name IS 'Tên TTHC / Procedure name';
COMMENT ON COLUMN tthc.procedure.field_code IS 'Mã lĩnh vực / Field (lĩnh vực) code';
COMMENT ON COLUMN tthc.procedure.field_name IS 'Tên lĩnh vực / Field name';
COMMENT ON COLUMN tthc.procedure.max_days IS 'Thời hạn giải quyết tối đa (ngày), dùng khi hồ sơ thiếu ngày hẹn trả / Maximum processing time in days, used when a dossier has no due date';

-- ------------------------------------------------------------------- runs
CREATE TABLE tthc.load_run (
  run_id        text PRIMARY KEY,
  loaded_at     timestamptz NOT NULL DEFAULT now(),
  sources       jsonb NOT NULL DEFAULT '[]',
  records_read  bigint NOT NULL DEFAULT 0,
  records_new   bigint NOT NULL DEFAULT 0,
  records_updated bigint NOT NULL DEFAULT 0,
  records_unchanged bigint NOT NULL DEFAULT 0,
  records_rejected bigint NOT NULL DEFAULT 0,
  outcome       text NOT NULL CHECK (outcome IN ('ok', 'failed'))
);
COMMENT ON TABLE tthc.load_run IS 'Mỗi lần nạp một dòng: nguồn, cửa sổ thời gian, số lượng, kết quả / One row per loaded run: sources, windows, counts, outcome';
COMMENT ON COLUMN tthc.load_run.run_id IS 'Mã lần chạy (thư mục landing) / Run identifier (its landing directory)';
COMMENT ON COLUMN tthc.load_run.loaded_at IS 'Thời điểm nạp / When the run was loaded';
COMMENT ON COLUMN tthc.load_run.sources IS 'Nguồn, xã và cửa sổ đã lấy / Sources, communes and windows the run covered';
COMMENT ON COLUMN tthc.load_run.records_read IS 'Số bản ghi đọc được / Records in the run';
COMMENT ON COLUMN tthc.load_run.records_new IS 'Số bản ghi mới / Records not seen before';
COMMENT ON COLUMN tthc.load_run.records_updated IS 'Số bản ghi thay thế bản cũ hơn / Records that replaced an older version';
COMMENT ON COLUMN tthc.load_run.records_unchanged IS 'Số bản ghi không mới hơn bản đã có / Records not newer than the stored version';
COMMENT ON COLUMN tthc.load_run.records_rejected IS 'Số bản ghi bị cách ly / Records quarantined by the transform';
COMMENT ON COLUMN tthc.load_run.outcome IS 'Kết quả: ok / failed / Outcome';

CREATE TABLE tthc.source_watermark (
  source_name   text NOT NULL,
  unit_code     text NOT NULL,
  covered_until timestamptz NOT NULL,
  run_id        text NOT NULL REFERENCES tthc.load_run,
  PRIMARY KEY (unit_code, source_name)
);
COMMENT ON TABLE tthc.source_watermark IS 'Mốc cập nhật đã nạp theo nguồn và xã / Per source and commune: update time up to which the warehouse is complete';
COMMENT ON COLUMN tthc.source_watermark.source_name IS 'Tên nguồn trong cấu hình / Source name in the configuration';
COMMENT ON COLUMN tthc.source_watermark.unit_code IS 'Mã xã / Commune code';
COMMENT ON COLUMN tthc.source_watermark.covered_until IS 'Đã có đủ dữ liệu cập nhật đến thời điểm này / Records updated up to this instant are loaded';
COMMENT ON COLUMN tthc.source_watermark.run_id IS 'Lần chạy đã nâng mốc / Run that moved the mark';

-- ------------------------------------------------------ per-source records
CREATE TABLE tthc.dossier_source (
  unit_code              text NOT NULL,
  source_kind            text NOT NULL CHECK (source_kind IN ('portal', 'city', 'ministry')),
  source_name            text NOT NULL,
  source_code            text NOT NULL,
  linked_codes           jsonb,
  origin_system          text,
  source_updated_at      timestamptz NOT NULL,
  source_location        text,
  record_hash            text NOT NULL,
  procedure_code         text,
  procedure_name         text,
  field_code             text,
  field_name             text,
  service_level          smallint,
  channel                smallint CHECK (channel IN (1, 2, 3)),
  submitted_on_portal    boolean,
  submitted_at           timestamptz,
  department_code        text,
  department_name        text,
  status                 smallint CHECK (status BETWEEN 1 AND 10),
  source_status          text,
  received_at            timestamptz,
  due_at                 timestamptz,
  finished_at            timestamptz,
  returned_at            timestamptz,
  refused_at             timestamptz,
  supplements            jsonb,
  steps                  jsonb,
  has_digitised_component boolean,
  has_reused_component   boolean,
  has_citizen_store_component boolean,
  has_e_result           boolean,
  vneid_verified         boolean,
  fee_total              bigint,
  paid_online            smallint CHECK (paid_online IN (0, 1, 2)),
  rating                 smallint CHECK (rating IN (1, 2, 3)),
  has_complaint          boolean,
  -- warehouse bookkeeping (not part of the canonical record)
  dossier_code           text NOT NULL,
  run_id                 text NOT NULL,
  PRIMARY KEY (unit_code, source_kind, source_code)
);
CREATE INDEX dossier_source_dossier_idx ON tthc.dossier_source (unit_code, dossier_code);
COMMENT ON TABLE tthc.dossier_source IS 'Bản ghi mới nhất của mỗi hồ sơ trên từng hệ thống (truy vết nguồn) / Each source system''s latest record of each dossier (lineage)';

-- ---------------------------------------------------------- merged dossier
CREATE TABLE tthc.dossier (
  unit_code              text NOT NULL,
  dossier_code           text NOT NULL,
  sources                text[] NOT NULL,
  on_portal              boolean NOT NULL,
  origin_missing         boolean NOT NULL,
  origin_system          text,
  linked_codes           jsonb,
  source_updated_at      timestamptz NOT NULL,
  procedure_code         text,
  procedure_name         text,
  field_code             text,
  field_name             text,
  service_level          smallint,
  channel                smallint,
  submitted_on_portal    boolean,
  submitted_at           timestamptz,
  department_code        text,
  department_name        text,
  status                 smallint,
  source_status          text,
  received_at            timestamptz,
  due_at                 timestamptz,
  finished_at            timestamptz,
  returned_at            timestamptz,
  refused_at             timestamptz,
  supplements            jsonb,
  steps                  jsonb,
  has_digitised_component boolean,
  has_reused_component   boolean,
  has_citizen_store_component boolean,
  has_e_result           boolean,
  vneid_verified         boolean,
  fee_total              bigint,
  paid_online            smallint,
  rating                 smallint,
  has_complaint          boolean,
  PRIMARY KEY (unit_code, dossier_code)
);
CREATE INDEX dossier_received_idx ON tthc.dossier (unit_code, received_at);
COMMENT ON TABLE tthc.dossier IS 'Hồ sơ đã hợp nhất từ mọi hệ thống theo quy tắc ưu tiên (metrics.md §1) / One merged dossier per real-world dossier, built field by field from its source records';

CREATE TABLE tthc.dossier_event (
  unit_code     text NOT NULL,
  dossier_code  text NOT NULL,
  source_kind   text NOT NULL,
  at            timestamptz NOT NULL,
  status        smallint NOT NULL,
  department_code text,
  run_id        text NOT NULL,
  PRIMARY KEY (unit_code, dossier_code, source_kind, at, status)
);
COMMENT ON TABLE tthc.dossier_event IS 'Lịch sử trạng thái hồ sơ / Status history of dossiers';
COMMENT ON COLUMN tthc.dossier_event.unit_code IS 'Mã xã / Commune code';
COMMENT ON COLUMN tthc.dossier_event.dossier_code IS 'Mã hồ sơ hợp nhất / Merged dossier code';
COMMENT ON COLUMN tthc.dossier_event.source_kind IS 'Hệ thống ghi nhận / System that reported the event';
COMMENT ON COLUMN tthc.dossier_event.at IS 'Thời điểm / When';
COMMENT ON COLUMN tthc.dossier_event.status IS 'Trạng thái quốc gia đạt được / National status reached';
COMMENT ON COLUMN tthc.dossier_event.department_code IS 'Phòng ban xử lý / Handling department';
COMMENT ON COLUMN tthc.dossier_event.run_id IS 'Lần chạy đã nạp / Run that loaded it';

CREATE TABLE tthc.rejected_record (
  run_id        text NOT NULL,
  source_name   text NOT NULL,
  source_kind   text NOT NULL,
  unit_code     text,
  location      text NOT NULL,
  field         text,
  reason        text NOT NULL,
  raw           text NOT NULL,
  PRIMARY KEY (run_id, location)
);
COMMENT ON TABLE tthc.rejected_record IS 'Bản ghi bị cách ly kèm lý do và nội dung gốc / Quarantined input records with the reason and their raw text';
COMMENT ON COLUMN tthc.rejected_record.run_id IS 'Lần chạy / Run';
COMMENT ON COLUMN tthc.rejected_record.source_name IS 'Nguồn / Source name';
COMMENT ON COLUMN tthc.rejected_record.source_kind IS 'Loại nguồn / Source kind';
COMMENT ON COLUMN tthc.rejected_record.unit_code IS 'Mã xã (nếu đọc được) / Commune code, when readable';
COMMENT ON COLUMN tthc.rejected_record.location IS 'Vị trí: tệp trang và thứ tự bản ghi / Page file and record position';
COMMENT ON COLUMN tthc.rejected_record.field IS 'Trường gây lỗi / Offending field';
COMMENT ON COLUMN tthc.rejected_record.reason IS 'Lý do cách ly / Why the record was quarantined';
COMMENT ON COLUMN tthc.rejected_record.raw IS 'Nội dung gốc của bản ghi / The record''s raw text';

-- Column comments shared by dossier_source and dossier (same meaning in both).
DO $$
DECLARE
  c record;
  t text;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('unit_code',            'Mã xã 5 chữ số / 5-digit commune code'),
    ('source_kind',          'Loại hệ thống nguồn: portal, city, ministry / Source system kind'),
    ('source_name',          'Tên nguồn trong cấu hình / Source name in the configuration'),
    ('source_code',          'Mã hồ sơ trên hệ thống nguồn, đã chuẩn hoá / Dossier code in the source, normalised'),
    ('linked_codes',         'Các mã khác của cùng hồ sơ (MaHoSoQuocGia, MaHoSoBNDP, maHoSoMCDT) / Other codes of the same dossier'),
    ('origin_system',        'Hệ thống gốc (NguonDongBo): TTHC_TP, HOTICH_BTP, DVCQG / Origin system of the record'),
    ('source_updated_at',    'Thời điểm cập nhật cuối trên nguồn (NgayCapNhat) / Last update time in the source'),
    ('source_location',      'Vị trí đọc bản ghi: lần chạy, tệp, thứ tự / Where the record was read: run, file, position'),
    ('record_hash',          'SHA-256 của bản ghi gốc, để phân định khi trùng thời điểm / SHA-256 of the raw record, tie-break for equal update times'),
    ('procedure_code',       'Mã thủ tục hành chính / Procedure code'),
    ('procedure_name',       'Tên thủ tục hành chính / Procedure name'),
    ('field_code',           'Mã lĩnh vực / Field (lĩnh vực) code'),
    ('field_name',           'Tên lĩnh vực / Field name'),
    ('service_level',        'Mức độ dịch vụ công trực tuyến 2/3/4 / Online service level'),
    ('channel',              'Kênh: 1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích / Channel: 1 in person, 2 online, 3 postal'),
    ('submitted_on_portal',  'Nộp trên Cổng DVCQG (NoiNopHoSo = 1) / Submitted on the national portal'),
    ('submitted_at',         'Ngày nộp hồ sơ / When the dossier was submitted'),
    ('department_code',      'Mã phòng ban xử lý / Handling department code'),
    ('department_name',      'Tên phòng ban xử lý / Handling department name'),
    ('status',               'Trạng thái hồ sơ theo mã quốc gia 1..10 / National status code 1..10'),
    ('source_status',        'Trạng thái như nguồn ghi / Status as the source wrote it'),
    ('received_at',          'Ngày tiếp nhận / When the dossier was accepted'),
    ('due_at',               'Ngày hẹn trả / Due time'),
    ('finished_at',          'Ngày kết thúc xử lý / When processing finished'),
    ('returned_at',          'Ngày trả kết quả / When the result was returned'),
    ('refused_at',           'Ngày từ chối, dừng xử lý hoặc rút hồ sơ / When the dossier was refused, stopped or withdrawn'),
    ('supplements',          'Các lần yêu cầu bổ sung: ngày yêu cầu, ngày hoàn thành, ngày hẹn mới / Supplement requests'),
    ('steps',                'Các bước xử lý: thời điểm, trạng thái, phòng ban / Processing steps'),
    ('has_digitised_component',     'Có thành phần hồ sơ được số hoá / At least one digitised component'),
    ('has_reused_component',        'Có thành phần tái sử dụng dữ liệu số hoá / At least one component reused from digitised data'),
    ('has_citizen_store_component', 'Có thành phần lấy từ kho dữ liệu công dân / At least one component from the citizen''s data store'),
    ('has_e_result',         'Có kết quả điện tử (đường dẫn tệp) / Has an electronic result link'),
    ('vneid_verified',       'Tài khoản xác thực VNeID / Applicant verified with VNeID'),
    ('fee_total',            'Tổng phí, lệ phí (đồng) / Total fees in VND'),
    ('paid_online',          'Thanh toán trực tuyến: 0 không, 1 trên Cổng, 2 qua cổng thanh toán bộ/tỉnh / Paid online: 0 no, 1 portal, 2 ministry/province gateway'),
    ('rating',               'Đánh giá: 1 hài lòng, 2 bình thường, 3 không hài lòng / Citizen rating'),
    ('has_complaint',        'Có phản ánh, kiến nghị / A complaint was filed'),
    ('dossier_code',         'Mã hồ sơ hợp nhất / Merged dossier code'),
    ('run_id',               'Lần chạy đã nạp bản ghi / Run that loaded the record'),
    ('sources',              'Các hệ thống có bản ghi của hồ sơ / Systems holding a record of the dossier'),
    ('on_portal',            'Có trên Cổng DVCQG / Present on the national portal'),
    ('origin_missing',       'Chỉ thấy trên Cổng, không có ở hệ thống gốc / Seen only on the portal, not in an origin system')
  ) AS v(col, txt) LOOP
    FOREACH t IN ARRAY ARRAY['dossier_source', 'dossier'] LOOP
      IF EXISTS (SELECT 1 FROM information_schema.columns
                  WHERE table_schema = 'tthc' AND table_name = t AND column_name = c.col) THEN
        EXECUTE format('COMMENT ON COLUMN tthc.%I.%I IS %L', t, c.col, c.txt);
      END IF;
    END LOOP;
  END LOOP;
END
$$;
