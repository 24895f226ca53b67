-- Rows given as JSON text (raw_rows: JSON lines read line by line, Parquet rows, outcomes
-- waiting in quarantine) to staged_rows, every field taken out of the text in one parse.
insert into staged_rows by name
with parsed as (
    select *, coalesce(json_valid(raw), false) as is_json
    from raw_rows
),
objects as (
    select *, case when is_json then json_type(raw) = 'OBJECT' else false end as is_object
    from parsed
),
fields as (
    select *,
           case when is_object then json_extract_string(raw, [
               '$.claim_id', '$.published_at', '$.source', '$.source_kind', '$.affiliation',
               '$.outlet', '$.text', '$.subject', '$.story', '$.url', '$.event', '$.at',
               '$.by', '$.verdict', '$.note'
           ]) end as f
    from objects
),
final as (
    select file_index, file, line, raw, pre_reason, is_json, is_object,
           f[1] as claim_id, f[2] as published_at, f[3] as source, f[4] as source_kind,
           f[5] as affiliation, f[6] as outlet, f[7] as "text", f[8] as subject,
           f[9] as story, f[10] as url, f[11] as event, f[12] as "at", f[13] as "by",
           f[14] as verdict, f[15] as note
    from fields
)
select * from final;

delete from raw_rows;
