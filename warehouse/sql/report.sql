-- The ranked source report: the chosen run's scores, filtered, with the change since the
-- previous successful run. Ranks stay those of the whole run.
with chosen_run as (
    select run_id, as_of from main.runs
    where status = 'success' and ($as_of::date is null or as_of = $as_of::date)
    order by as_of desc, finished_at desc
    limit 1
),
scores as (
    select s.* from main.source_score_rows as s join chosen_run using (run_id)
),
previous_run as (
    select r.run_id from main.runs as r, chosen_run as c
    where r.status = 'success' and r.as_of < c.as_of
    order by r.as_of desc, r.finished_at desc
    limit 1
),
previous as (
    select source_id, reliability as previous_reliability
    from main.source_score_rows join previous_run using (run_id)
),
final as (
    select s.rank, s.source, s.kind, s.outlet, s.affiliation,
           s.reliability, s.reliability_low, s.reliability_high,
           s.claims, s.settled, s.confirmed, s.refuted, s.denied, s.contradicted,
           s.reliability - p.previous_reliability as change,
           s."group", s.group_reliability, s.source_id, s.as_of, s.run_id
    from scores as s
    left join previous as p using (source_id)
    where ($kind::varchar is null or s.kind = $kind::varchar)
      and ($outlet::varchar is null
           or contains(lower(strip_accents(s.outlet)), lower(strip_accents($outlet::varchar))))
      and ($affiliation::varchar is null
           or contains(lower(s.affiliation), lower($affiliation::varchar)))
      and s.claims >= $min_claims
)
select * from final
order by rank
limit $top
