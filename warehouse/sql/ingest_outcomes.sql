-- Outcome rows of this ingest, plus those waiting in quarantine for their claim, with why
-- each is invalid (reason null = valid). Claims of this ingest count as known.
create or replace temp table staged_outcomes as
with file_rows as (
    select file_index, file, line, raw, pre_reason, false as was_waiting
    from staged_rows
    where list_contains($files, file_index)
),
waiting_rows as (
    select -1 as file_index, file, line, raw, null as pre_reason, true as was_waiting
    from main.quarantine
    where reason = $waiting
),
all_rows as (
    select *, json_valid(raw) as is_json,
           coalesce(case when json_valid(raw) then json_type(raw) = 'OBJECT' end, false) as is_object
    from (select * from file_rows union all select * from waiting_rows)
),
fields as (
    select *,
           case when is_object then json_extract_string(raw, [
               'claim_id', 'event', 'at', 'by', 'verdict', 'url', 'note']) end as f
    from all_rows
),
typed as (
    select file_index, file, line, raw, pre_reason, was_waiting, is_json, is_object,
           nullif(trim(f[1]), '') as claim_id,
           lower(nullif(trim(f[2]), '')) as event,
           nullif(trim(f[3]), '') as at_raw,
           try_cast(trim(f[3]) as timestamptz) at time zone 'UTC' as "at",
           coalesce(trim(f[4]), '') as "by",
           nullif(lower(trim(f[5])), '') as verdict,
           try_cast(trim(f[5]) as double) as verdict_number,
           nullif(trim(f[6]), '') as url,
           nullif(trim(f[7]), '') as note
    from fields
),
staged_valid_claims as (
    select claim_id, published_at from staged_claims where reason is null
    qualify row_number() over (partition by claim_id order by file_index desc, line desc) = 1
),
known_claims as (
    select claim_id, published_at from staged_valid_claims
    union all
    select claim_id, published_at from main.claims
    where claim_id not in (select claim_id from staged_valid_claims)
),
final as (
    select t.*, k.published_at,
           case
               when pre_reason is not null then pre_reason
               when not is_json then 'broken JSON: the line is not valid JSON'
               when not is_object then 'not a JSON object: an outcome must be {"claim_id": ..., ...}'
               when t.claim_id is null then 'missing claim_id'
               when event is null then 'missing event'
               when not list_contains($events, event)
                   then 'unknown event ''' || event || ''' (expected confirmed, corroborated, '
                        || 'denied, contradicted, retracted or rated)'
               when at_raw is null then 'missing at (the date of the event)'
               when "at" is null then 'at is not a real date: ''' || at_raw || ''''
               when event = 'rated' and verdict is null then 'rated without a verdict'
               when event = 'rated' and verdict_number is not null
                    and (verdict_number < 0 or verdict_number > 1)
                   then 'verdict ' || verdict || ' is out of range (a number must be in [0, 1])'
               when event = 'rated' and verdict_number is null
                    and not list_contains($verdicts, verdict)
                   then 'unknown verdict ''' || verdict || ''' (expected true, mostly-true, '
                        || 'half-true, mostly-false, barely-true, false, pants-fire or a number in [0, 1])'
               when k.claim_id is null then $waiting
               when "at"::date < k.published_at::date
                   then 'outcome dated before its claim was published ('
                        || strftime("at", '%Y-%m-%d') || ' < '
                        || strftime(k.published_at, '%Y-%m-%d') || ')'
           end as reason
    from typed as t
    left join known_claims as k using (claim_id)
)
select * exclude (is_json, is_object, pre_reason, at_raw, verdict_number) from final;
