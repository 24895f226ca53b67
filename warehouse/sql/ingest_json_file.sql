-- The rows a typing statement (ingest_claims.sql, ingest_outcomes.sql) reads: those of one
-- clean JSON-lines file ($path, number $index, named $file for quarantine), straight from
-- DuckDB's parallel JSON reader, every field as text. No raw text and no line numbers: such
-- rows are `fast`, and trusted only while all are valid (warehouse/staging.py). A view takes
-- no parameters, so it reads the file's path and number from session variables.
set variable json_path = $path;
set variable json_file_index = $index;
set variable json_file = $file;
create or replace temp view file_rows as
select getvariable('json_file_index')::integer as file_index,
       getvariable('json_file')::varchar as file,
       null::bigint as line, null::varchar as raw, null::varchar as pre_reason,
       true as fast, true as is_json, true as is_object,
       *
from read_json(getvariable('json_path'), format = 'newline_delimited',
               maximum_object_size = 67108864,
               columns = {claim_id: 'VARCHAR', published_at: 'VARCHAR', source: 'VARCHAR',
                          source_kind: 'VARCHAR', affiliation: 'VARCHAR', outlet: 'VARCHAR',
                          "text": 'VARCHAR', subject: 'VARCHAR', story: 'VARCHAR',
                          url: 'VARCHAR', event: 'VARCHAR', "at": 'VARCHAR', "by": 'VARCHAR',
                          verdict: 'VARCHAR', note: 'VARCHAR'});
