-- Claim rows typed, with why each is invalid (reason null = valid) and what loading it would
-- do. Every check is on the row alone, so rows are typed as they are read: file_rows is one
-- clean JSON-lines file (ingest_json_file.sql) or the rows in staged_rows
-- (ingest_staged_rows.sql). Identities join later, on the valid rows only
-- (ingest_classify.sql).
insert into staged_claims by name
with typed as (
    select file_index, file, line, raw, pre_reason, fast, is_json, is_object,
           id_text(claim_id) as claim_id,
           nullif(trim(published_at), '') as published_raw,
           moment(trim(published_at)) as published_at,
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
               -- a name folds to its letters and digits: without any, every such source
               -- (or outlet) would be one nameless identity
               when not regexp_matches(source, '[\p{L}\p{N}]')
                   then 'source has no letters or digits: ''' || source || ''''
               when outlet is null or outlet = '' then 'missing outlet'
               when not regexp_matches(outlet, '[\p{L}\p{N}]')
                   then 'outlet has no letters or digits: ''' || outlet || ''''
               when "text" is null then 'missing text'
               -- only spaces, tabs, line breaks and zero-width characters
               when not regexp_matches("text", '[^ \t\n\r\x{b}\x{c}\x{85}\x{a0}\x{1680}\x{2000}-\x{200d}\x{2028}\x{2029}\x{202f}\x{205f}\x{2060}\x{3000}\x{feff}]')
                   then 'empty text'
               when source_kind_given is not null and source_kind_given not in ('named', 'anonymous')
                   then 'unknown source_kind ''' || source_kind_given || ''' (expected named or anonymous)'
           end as reason
    from typed
),
with_hash as (
    -- DuckDB's 64-bit hash tells a changed claim from a re-ingest; should a DuckDB upgrade
    -- change it, a re-ingest reports claims as updated once and loses nothing.
    select *,
           hash(published_at, source, source_kind_given, affiliation, outlet, "text", subject,
                story, url) as content_hash
    from checked
),
-- What loading the row would do to the warehouse: add, update or nothing.
final as (
    select w.*,
           case when c.claim_id is null then 'new'
                when c.content_hash = w.content_hash then 'same'
                else 'changed' end as change
    from with_hash as w
    left join main.claims as c on w.reason is null and c.claim_id = w.claim_id
)
select * exclude (is_json, is_object, pre_reason, published_raw) from final
