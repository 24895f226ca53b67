-- Claim rows of this ingest with their fields and why each is invalid (reason null = valid).
create or replace temp table staged_claims as
with file_rows as (
    select file_index, file, line, raw, pre_reason,
           json_valid(raw) as is_json,
           coalesce(case when json_valid(raw) then json_type(raw) = 'OBJECT' end, false) as is_object
    from staged_rows
    where list_contains($files, file_index)
),
fields as (
    select *,
           case when is_object then json_extract_string(raw, [
               'claim_id', 'published_at', 'source', 'source_kind', 'affiliation', 'outlet',
               'text', 'subject', 'story', 'url']) end as f
    from file_rows
),
typed as (
    select file_index, file, line, raw, pre_reason, is_json, is_object,
           nullif(trim(f[1]), '') as claim_id,
           nullif(trim(f[2]), '') as published_raw,
           try_cast(trim(f[2]) as timestamptz) at time zone 'UTC' as published_at,
           trim(f[3]) as source,
           nullif(lower(trim(f[4])), '') as source_kind,
           nullif(trim(f[5]), '') as affiliation,
           trim(f[6]) as outlet,
           f[7] as text,
           nullif(trim(f[8]), '') as subject,
           nullif(trim(f[9]), '') as story,
           nullif(trim(f[10]), '') as url
    from fields
),
final as (
    select *,
           case
               when pre_reason is not null then pre_reason
               when not is_json then 'broken JSON: the line is not valid JSON'
               when not is_object then 'not a JSON object: a claim must be {"claim_id": ..., ...}'
               when claim_id is null then 'missing claim_id'
               when published_raw is null then 'missing published_at'
               when published_at is null
                   then 'published_at is not a real date: ''' || published_raw || ''''
               when source is null or source = '' then 'empty source'
               when outlet is null or outlet = '' then 'missing outlet'
               when text is null then 'missing text'
               when trim(text) = '' then 'empty text'
               when source_kind is not null and source_kind not in ('named', 'anonymous')
                   then 'unknown source_kind ''' || source_kind || ''' (expected named or anonymous)'
           end as reason
    from typed
)
select * exclude (is_json, is_object, pre_reason) from final;
