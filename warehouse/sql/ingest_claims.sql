-- Claim rows of this ingest with their fields, identities and why each is invalid (reason
-- null = valid). source_identities, outlet_identities and subject_keys come from Polars.
create or replace temp table staged_claims as
with file_rows as (
    select * from staged_rows where list_contains($files, file_index)
),
typed as (
    select file_index, file, line, raw, pre_reason, fast, is_json, is_object,
           nullif(trim(claim_id), '') as claim_id,
           nullif(trim(published_at), '') as published_raw,
           -- a plain date is cheap to parse; anything longer may carry an offset to convert
           case when length(trim(published_at)) <= 10 then try_cast(trim(published_at) as date)::timestamp
                else try_cast(trim(published_at) as timestamptz) at time zone 'UTC' end as published_at,
           trim(source) as source,
           nullif(lower(trim(source_kind)), '') as source_kind_given,
           nullif(trim(affiliation), '') as affiliation,
           trim(outlet) as outlet,
           "text",
           nullif(trim(subject), '') as subject,
           nullif(trim(story), '') as story,
           nullif(trim(url), '') as url
    from file_rows
),
checked as (
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
               when "text" is null then 'missing text'
               when trim("text") = '' then 'empty text'
               when source_kind_given is not null and source_kind_given not in ('named', 'anonymous')
                   then 'unknown source_kind ''' || source_kind_given || ''' (expected named or anonymous)'
           end as reason
    from typed
),
identified as (
    select c.*,
           i.kind as source_kind, i.source_key, i.source_display as source_name,
           o.outlet_key, o.outlet_display as outlet_name, k.subject_key
    from checked as c
    left join source_identities as i
      on i.source = c.source and coalesce(i.source_kind, '') = coalesce(c.source_kind_given, '')
    left join outlet_identities as o on o.outlet = c.outlet
    left join subject_keys as k on k.subject = c.subject
),
with_ids as (
    select s.*,
           'src-' || left(md5(case
               when s.source_kind = 'named' then 'named:' || coalesce(sa.target_key, s.source_key)
               else 'anonymous:' || s.source_key || '@' || coalesce(oa.target_key, s.outlet_key)
           end), 12) as source_id,
           -- DuckDB's 64-bit hash tells a changed claim from a re-ingest; should a DuckDB
           -- upgrade change it, a re-ingest reports claims as updated once and loses nothing.
           hash(s.published_at, s.source, s.source_kind_given, s.affiliation, s.outlet, s."text",
                s.subject, s.story, s.url)::varchar as content_hash
    from identified as s
    left join main.source_aliases as sa
      on sa.kind = 'source' and s.source_kind = 'named' and sa.alias_key = s.source_key
    left join main.source_aliases as oa on oa.kind = 'outlet' and oa.alias_key = s.outlet_key
),
-- What loading the row would do to the warehouse: add, update or nothing.
final as (
    select w.*,
           case when c.claim_id is null then 'new'
                when c.content_hash = w.content_hash then 'same'
                else 'changed' end as change
    from with_ids as w
    left join main.claims as c on w.reason is null and c.claim_id = w.claim_id
)
select * exclude (is_json, is_object, pre_reason) from final;
