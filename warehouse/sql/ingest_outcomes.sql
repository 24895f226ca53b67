-- Outcome rows typed, with why each is invalid (reason null = valid) and what loading it would
-- do. The claims of this ingest are all staged (staged_claims) before any outcome, so every
-- check can be made as the rows are read: file_rows is one clean JSON-lines file
-- (ingest_json_file.sql) or the rows in staged_rows (ingest_staged_rows.sql), which hold the
-- outcomes waiting in quarantine as file_index -1. Who did it is folded once per spelling
-- (by_identities, written to by_spellings by the merge).
insert into staged_outcomes by name
with all_rows as (
    select *, file_index = -1 as was_waiting
    from file_rows
),
typed as (
    select file_index, file, line, raw, pre_reason, fast, was_waiting, is_json, is_object,
           id_text(claim_id) as claim_id,
           lower(nullif(trim(event), '')) as event,
           nullif(trim("at"), '') as at_raw,
           moment(trim("at")) as "at",
           coalesce(trim("by"), '') as "by",
           nullif(lower(trim(verdict)), '') as verdict,
           try_cast(trim(verdict) as double) as verdict_number,
           nullif(trim(url), '') as url,
           nullif(trim(note), '') as note
    from all_rows
),
-- The claims this ingest loads (claim_changes), then those already loaded.
known_claims as (
    select claim_id, published_at from claim_changes
    union all
    select claim_id, published_at from main.claims
    where claim_id not in (select claim_id from claim_changes)
),
checked as (
    select t.*, k.published_at,
           case
               when pre_reason is not null then pre_reason
               when not is_json then 'broken JSON: the line is not valid JSON'
               when not is_object then 'not a JSON object: an outcome must be {"claim_id": ..., ...}'
               when t.claim_id is null then 'missing claim_id'
               when t.event is null then 'missing event'
               when t.event not in ('confirmed', 'corroborated', 'denied', 'contradicted', 'retracted', 'rated')
                   then 'unknown event ''' || t.event || ''' (expected confirmed, corroborated, '
                        || 'denied, contradicted, retracted or rated)'
               when at_raw is null then 'missing at (the date of the event)'
               when t."at" is null then 'at is not a real date: ''' || at_raw || ''''
               when t.event = 'rated' and verdict is null then 'rated without a verdict'
               when t.event = 'rated' and verdict_number is not null
                    and (verdict_number < 0 or verdict_number > 1)
                   then 'verdict out of range: ''' || verdict || ''' (a number must be in [0, 1])'
               when t.event = 'rated' and verdict_number is null
                    and verdict not in ('true', 'mostly-true', 'half-true', 'mostly-false', 'barely-true', 'false', 'pants-fire')
                   then 'unknown verdict ''' || verdict || ''' (expected true, mostly-true, '
                        || 'half-true, mostly-false, barely-true, false, pants-fire or a number in [0, 1])'
               when k.claim_id is null then $waiting
               when t."at"::date < k.published_at::date
                   then 'outcome dated before its claim was published ('
                        || strftime(t."at", '%Y-%m-%d') || ' < '
                        || strftime(k.published_at, '%Y-%m-%d') || ')'
           end as reason
    from typed as t
    left join known_claims as k using (claim_id)
),
-- What loading the row would do to the warehouse: add, update or nothing. A numeric
-- verdict is compared as a number: 0 from a CSV file and 0.0 from a JSON one are one verdict.
final as (
    select c.*,
           case when o.claim_id is null then 'new'
                when coalesce(case when c.verdict_number is not null
                                   then try_cast(o.verdict as double) = c.verdict_number
                                   else o.verdict is not distinct from c.verdict end, false)
                     and o.url is not distinct from c.url
                     and o.note is not distinct from c.note then 'same'
                else 'changed' end as change
    from checked as c
    left join main.outcomes as o
      on c.reason is null and o.claim_id = c.claim_id and o.event = c.event
     and o."at" = c."at" and o."by" = c."by"
)
select * exclude (is_json, is_object, pre_reason, at_raw, verdict_number) from final
