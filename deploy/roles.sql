-- deploy/roles.sql — the warehouse's login roles and their privileges.
--
-- deploy/tthc-setup-db.sh runs it (step 3, as the DBA with -v owner=tthc_owner,
-- after creating tthc_owner and migrating through its connection); by hand:
--   psql -d tthc -f deploy/roles.sql                 # as the owner of schema tthc
--   psql -d tthc -v owner=tthc_owner -f deploy/roles.sql   # run by a superuser for another owner
--
-- Run it in the warehouse database, after `tthc-load --migrate`, as the role
-- that owns schema tthc and runs the migrations (or as a superuser, passing
-- that role as -v owner=...): default privileges are recorded for the role
-- that will create future tables. Idempotent: run it again after every
-- upgrade (it re-grants on objects the new migrations created, although the
-- default privileges already cover them).
--
-- No passwords here. Set them with deploy/tthc-setup-db.sh (TTHC_*_PASSWORD_FILE)
-- or interactively (psql's \password tthc_loader): both send only a SCRAM
-- verifier, never the password itself, which an ALTER ROLE with a literal
-- password would leave in the server's log or pg_stat_statements; or use
-- peer / certificate authentication in pg_hba.conf.
--
--   tthc_loader   LOGIN; reads and writes the tthc tables, runs merge_dossiers,
--                 may create temporary (staging) tables; cannot change the
--                 schema or record migrations.
--   tthc_analyst  LOGIN; reads every tthc table and view and runs the report
--                 functions; nothing else (no writes, no DDL, no temporary
--                 tables).

\set ON_ERROR_STOP on
\if :{?owner}
\else
SELECT current_user AS owner \gset
\endif
SELECT current_database() AS db \gset

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tthc_loader') THEN
    CREATE ROLE tthc_loader LOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tthc_analyst') THEN
    CREATE ROLE tthc_analyst LOGIN;
  END IF;
END
$$;
ALTER ROLE tthc_loader LOGIN NOCREATEDB NOCREATEROLE;
ALTER ROLE tthc_analyst LOGIN NOCREATEDB NOCREATEROLE;
COMMENT ON ROLE tthc_loader IS 'Nạp dữ liệu vào kho TTHC / Loads the TTHC warehouse';
COMMENT ON ROLE tthc_analyst IS 'Chỉ đọc kho TTHC và chạy báo cáo / Read-only access to the TTHC warehouse and its reports';

-- ------------------------------------------------------------ hygiene
-- Nobody creates objects in (or uses) schema public; no temporary tables
-- unless granted; CONNECT is granted explicitly so that revoking it from
-- PUBLIC later (a dedicated warehouse database) does not lock these out.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON SCHEMA tthc FROM PUBLIC;
REVOKE TEMPORARY ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO tthc_loader, tthc_analyst;
-- For a database used by nothing else, also:
--   REVOKE CONNECT ON DATABASE :"db" FROM PUBLIC;

-- ------------------------------------------------------------ loader
GRANT USAGE ON SCHEMA tthc TO tthc_loader;
GRANT TEMPORARY ON DATABASE :"db" TO tthc_loader;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA tthc TO tthc_loader;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA tthc TO tthc_loader;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA tthc TO tthc_loader;
-- Migrations are the owner's business.
DO $$
BEGIN
  IF to_regclass('tthc.schema_migration') IS NOT NULL THEN
    REVOKE INSERT, UPDATE, DELETE ON tthc.schema_migration FROM tthc_loader;
  END IF;
END
$$;

-- ------------------------------------------------------------ analyst
GRANT USAGE ON SCHEMA tthc TO tthc_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA tthc TO tthc_analyst;
-- Every tthc function is read-only or fails without write privileges; the
-- report functions call the helpers with the caller's rights, so the analyst
-- needs them all. The loader's own functions are withheld all the same.
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA tthc TO tthc_analyst;
DO $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
             JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'tthc' AND p.proname IN ('merge_dossiers', 'link_dossiers',
                                                        'analyze_dossier_source') LOOP
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC, tthc_analyst', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO tthc_loader', f);
  END LOOP;
END
$$;

-- ------------------------------------------------------------ future objects
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA tthc
  GRANT SELECT ON TABLES TO tthc_analyst;
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA tthc
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tthc_loader;
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA tthc
  GRANT USAGE, SELECT ON SEQUENCES TO tthc_loader;
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA tthc
  GRANT EXECUTE ON FUNCTIONS TO tthc_analyst, tthc_loader;
