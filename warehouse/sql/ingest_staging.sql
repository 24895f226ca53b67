-- Staging for one ingest: every input row as JSON text, whatever its file format.
create or replace temp table staged_rows (
    file_index  integer,
    file        varchar,
    line        bigint,
    raw         varchar,
    pre_reason  varchar        -- set when the reader itself rejected the row (malformed CSV)
);
