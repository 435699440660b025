-- 008_run_window.sql — reconciliation as a feature: for every (run, source,
-- commune) window, how many records each stage saw, stored with the run in
-- the load transaction, so an analyst can see what a figure rests on and a
-- stage that lost records cannot pass silently (decisions.md, "Reconciliation").

ALTER TABLE tthc.load_run DROP CONSTRAINT load_run_outcome_check;
ALTER TABLE tthc.load_run ADD CONSTRAINT load_run_outcome_check
  CHECK (outcome IN ('ok', 'partial', 'failed'));
COMMENT ON COLUMN tthc.load_run.outcome IS
  'Kết quả: ok (mọi cửa sổ đầy đủ và khớp số), partial (có cửa sổ chưa đầy đủ hoặc lệch số: xem run_window), failed / Outcome: ok (every window complete and reconciled), partial (some window incomplete or its counts disagree: see run_window), failed';

CREATE TABLE tthc.run_window (
  run_id         text NOT NULL REFERENCES tthc.load_run ON DELETE CASCADE,
  source_name    text NOT NULL,
  source_kind    text NOT NULL,
  unit_code      text NOT NULL,
  window_from    timestamptz NOT NULL,
  window_until   timestamptz NOT NULL,
  announced      bigint,
  passes         integer NOT NULL,
  pages          bigint NOT NULL,
  landed         bigint NOT NULL,
  distinct_codes bigint NOT NULL,
  retries        bigint NOT NULL,
  read           bigint,
  accepted       bigint,
  quarantined    bigint,
  applied        bigint NOT NULL,
  status         text NOT NULL CHECK (status IN ('ok', 'incomplete', 'mismatch')),
  problem        text,
  PRIMARY KEY (run_id, source_name, unit_code)
);
COMMENT ON TABLE tthc.run_window IS
  'Đối soát theo lần chạy, nguồn và xã: số bản ghi nguồn công bố, đã lấy về, đọc, nhận, cách ly, nạp / Reconciliation per run, source and commune: records announced by the source, landed, read, accepted, quarantined and applied by each stage';
COMMENT ON COLUMN tthc.run_window.run_id IS 'Lần chạy / Run';
COMMENT ON COLUMN tthc.run_window.source_name IS 'Tên nguồn trong cấu hình / Source name in the configuration';
COMMENT ON COLUMN tthc.run_window.source_kind IS 'Loại nguồn: portal, city, ministry / Source kind';
COMMENT ON COLUMN tthc.run_window.unit_code IS 'Mã xã / Commune code';
COMMENT ON COLUMN tthc.run_window.window_from IS 'Đầu cửa sổ cập nhật (bao gồm) / Window start (update time, inclusive)';
COMMENT ON COLUMN tthc.run_window.window_until IS 'Cuối cửa sổ cập nhật (bao gồm) / Window end (update time, inclusive)';
COMMENT ON COLUMN tthc.run_window.announced IS 'Số bản ghi nguồn công bố (total, TongSoBanGhi) ở trang cuối; NULL nếu nguồn không công bố / Records the source announced (on the last page read); NULL when it gives none (cursor paging)';
COMMENT ON COLUMN tthc.run_window.passes IS 'Số lượt phân trang cửa sổ (lượt sau khi phân trang bị trôi) / Passes over the window (more than one when offset paging drifted)';
COMMENT ON COLUMN tthc.run_window.pages IS 'Số trang đã lưu / Pages landed';
COMMENT ON COLUMN tthc.run_window.landed IS 'Số bản ghi trong các trang đã lưu (kể cả trang đọc lại) / Records in the landed pages (re-read pages included)';
COMMENT ON COLUMN tthc.run_window.distinct_codes IS 'Số mã hồ sơ khác nhau đã lưu / Distinct dossier codes landed';
COMMENT ON COLUMN tthc.run_window.retries IS 'Số lần thử lại / Retries';
COMMENT ON COLUMN tthc.run_window.read IS 'Số bản ghi bước chuyển đổi đọc được; NULL với lần chạy cũ / Records the transform read; NULL for runs transformed before reconciliation';
COMMENT ON COLUMN tthc.run_window.accepted IS 'Số bản ghi chuyển đổi nhận / Records the transform accepted';
COMMENT ON COLUMN tthc.run_window.quarantined IS 'Số bản ghi bị cách ly / Records the transform quarantined';
COMMENT ON COLUMN tthc.run_window.applied IS 'Số bản ghi bước nạp đưa vào bảng tạm của lần chạy / Records the load staged from the window';
COMMENT ON COLUMN tthc.run_window.status IS 'ok (đầy đủ, các bước khớp số), incomplete (chưa lấy đủ: giữ mốc, lần sau lấy lại), mismatch (hai bước lệch số: giữ mốc) / ok (complete, every stage agrees), incomplete (not completely extracted: its watermark held, read again next run), mismatch (two stages disagree: watermark held)';
COMMENT ON COLUMN tthc.run_window.problem IS 'Lý do khi không ok, kèm số liệu / Why, with the numbers, when not ok';
