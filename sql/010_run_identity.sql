-- 010_run_identity.sql — a run is its extraction, not only its id. Run ids
-- were the UTC second, so two state directories extracting in the same
-- second chose the same one and the loader took the second run for the
-- first ("already loaded; nothing to do"): its records never arrived. Ids
-- now carry the microsecond and a random suffix, and the loader compares
-- this fingerprint before it calls a run loaded (decisions.md, "Runs").

ALTER TABLE tthc.load_run ADD COLUMN fingerprint text
  CHECK (fingerprint ~ '^[0-9a-f]{64}$');
COMMENT ON COLUMN tthc.load_run.fingerprint IS
  'Dấu vân tay của lần lấy dữ liệu: SHA-256 của tệp tóm tắt EXTRACTED (mã lần chạy, số ngẫu nhiên, các cửa sổ); NULL với lần chạy nạp trước bản nâng cấp này / Fingerprint of the extraction: SHA-256 of its EXTRACTED summary (run id, random nonce, windows); NULL for runs loaded before this migration';
