-- Staging for one ingest: every input row with every contract field as text.
create or replace temp table staged_rows (
    file_index    integer,
    file          varchar,
    line          bigint,
    raw           varchar,     -- the row as given (null for rows read by the fast JSON reader)
    pre_reason    varchar,     -- set when the reader itself rejected the row (malformed CSV)
    fast          boolean,     -- read by DuckDB's JSON reader: line numbers not yet trusted
    is_json       boolean default true,
    is_object     boolean default true,
    claim_id varchar, published_at varchar, source varchar, source_kind varchar,
    affiliation varchar, outlet varchar, "text" varchar, subject varchar, story varchar,
    url varchar, event varchar, "at" varchar, "by" varchar, verdict varchar, note varchar
);
