-- 002: the stable SQL interface. Scores of the latest successful run, and history.

create or replace view latest_run as
with successful as (
    select * from main.runs where status = 'success'
),
final as (
    select * from successful
    order by as_of desc, finished_at desc
    limit 1
)
select * from final;

create or replace view source_score_history as
select s.source_id, s.source, s.kind, s.affiliation, s.outlet,
       s.reliability, s.reliability_low, s.reliability_high,
       s.claims, s.settled, s.confirmed, s.refuted, s.denied, s.contradicted,
       s.rank, s.as_of, s.run_id, s."group", s.group_reliability
from main.source_score_rows as s
join main.runs as r using (run_id)
where r.status = 'success';

create or replace view source_scores as
select h.* from source_score_history as h
join latest_run using (run_id);

create or replace view claim_scores as
select c.claim_id, c.source_id, c.p_true, c.p_model, c.label, c.as_of, c.run_id
from main.claim_score_rows as c
join latest_run using (run_id);

create or replace view outlet_scores as
select o.outlet, o.reliability, o.reliability_low, o.reliability_high, o.claims,
       o.rank, o.as_of, o.run_id
from main.outlet_score_rows as o
join latest_run using (run_id);
