-- 019_exact_composite_rates.sql — the 766 composite rates from one exact
-- division each.
--
-- 005 multiplied (online_rate_766) and added (satisfaction_766) shares that
-- were each already a rounded numeric division (about 16 significant
-- digits): 38.333…33 × 97.5 / 100 = 37.37499…, which rounds to 37.37
-- where the exact value 37.375 rounds half up to 37.38. decisions.md says
-- composite rates come from the unrounded shares and are rounded once; a
-- single division of exact integer products keeps them exact wherever the
-- result is a terminating decimal — which every rounding tie is. Found by
-- test_differential (a seed whose online share × sync share hit .xx5).
-- Everything else in the function is 005's.

CREATE OR REPLACE FUNCTION tthc.report_rates(unit_code text, period_from date, period_to date)
RETURNS TABLE (received bigint, resolved bigint,
               online_rate numeric, on_time_rate numeric, overdue_rate numeric,
               component_digitised_rate numeric, result_digitised_rate numeric,
               reuse_rate numeric, citizen_store_rate numeric,
               online_payment_rate numeric, sync_rate numeric,
               on_time_rate_766 numeric, online_rate_766 numeric,
               digitised_rate_766 numeric, satisfaction_766 numeric,
               online_rate_766_full_points boolean,
               digitised_rate_766_full_points boolean,
               satisfaction_766_full_points boolean)
LANGUAGE sql STABLE AS $$
  WITH c AS (
    SELECT
      count(*) FILTER (WHERE o.in_period) AS received,
      count(*) FILTER (WHERE o.outcome IN ('early', 'on_time', 'late')) AS resolved,
      count(*) FILTER (WHERE o.in_period AND o.channel = 2) AS received_online,
      count(*) FILTER (WHERE o.outcome IN ('early', 'on_time')) AS resolved_in_time,
      count(*) FILTER (WHERE o.outcome = 'late') AS resolved_late,
      count(*) FILTER (WHERE o.in_period AND o.has_digitised_component) AS digitised,
      count(*) FILTER (WHERE o.outcome IN ('early', 'on_time', 'late') AND o.has_e_result) AS e_result,
      count(*) FILTER (WHERE o.in_period AND o.has_reused_component) AS reused,
      count(*) FILTER (WHERE o.in_period AND o.has_citizen_store_component) AS citizen_store,
      count(*) FILTER (WHERE o.in_period AND o.fee_total > 0) AS with_fee,
      count(*) FILTER (WHERE o.in_period AND o.fee_total > 0 AND o.paid_online IN (1, 2)) AS paid_online,
      count(*) FILTER (WHERE o.in_period AND o.on_portal) AS on_portal,
      count(*) FILTER (WHERE o.outcome <> 'stopped') AS handled,
      count(*) FILTER (WHERE o.outcome IN ('early', 'on_time', 'pending_in_time')) AS handled_in_time,
      count(*) FILTER (WHERE o.in_period AND o.has_digitised_component
                         AND (o.outcome NOT IN ('early', 'on_time', 'late') OR o.has_e_result)) AS digitised_766,
      count(*) FILTER (WHERE o.outcome IN ('early', 'on_time', 'late')
                         AND (o.has_complaint OR o.rating = 3)) AS dissatisfied
    FROM tthc.dossier_period_outcome($1, $2, $3) o
  ), r AS (
    SELECT c.received, c.resolved,
           tthc.pct(c.received_online, c.received) AS online_rate,
           tthc.pct(c.resolved_in_time, c.resolved) AS on_time_rate,
           tthc.pct(c.resolved_late, c.resolved) AS overdue_rate,
           tthc.pct(c.digitised, c.received) AS component_digitised_rate,
           tthc.pct(c.e_result, c.resolved) AS result_digitised_rate,
           tthc.pct(c.reused, c.received) AS reuse_rate,
           tthc.pct(c.citizen_store, c.received) AS citizen_store_rate,
           tthc.pct(c.paid_online, c.with_fee) AS online_payment_rate,
           tthc.pct(c.on_portal, c.received) AS sync_rate,
           tthc.pct(c.handled_in_time, c.handled) AS on_time_rate_766,
           CASE WHEN c.received > 0
                THEN 100.0 * c.received_online * c.on_portal / (c.received::numeric * c.received)
           END AS online_rate_766,
           tthc.pct(c.digitised_766, c.received) AS digitised_rate_766,
           CASE WHEN c.resolved > 0
                THEN GREATEST(0, 100.0 * (c.resolved - c.resolved_late - c.dissatisfied) / c.resolved)
           END AS satisfaction_766
      FROM c
  )
  SELECT r.received, r.resolved,
         round(r.online_rate, 2), round(r.on_time_rate, 2), round(r.overdue_rate, 2),
         round(r.component_digitised_rate, 2), round(r.result_digitised_rate, 2),
         round(r.reuse_rate, 2), round(r.citizen_store_rate, 2),
         round(r.online_payment_rate, 2), round(r.sync_rate, 2),
         round(r.on_time_rate_766, 2), round(r.online_rate_766, 2),
         round(r.digitised_rate_766, 2), round(r.satisfaction_766, 2),
         round(r.online_rate_766, 2) >= 50,
         round(r.digitised_rate_766, 2) >= 80,
         round(r.satisfaction_766, 2) >= 90
    FROM r
$$;
COMMENT ON FUNCTION tthc.report_rates(text, date, date) IS
  'Các tỷ lệ của metrics.md §4 và chỉ số Bộ chỉ số 766 cho một xã hoặc tỉnh trong kỳ (phần trăm, 2 chữ số thập phân; NULL khi mẫu số bằng 0), kèm cờ đạt điểm tối đa / The rates of metrics.md §4 and the 766-index indicators for a commune or province and period (percent, 2 decimals, NULL when the denominator is 0), with full-points flags';
