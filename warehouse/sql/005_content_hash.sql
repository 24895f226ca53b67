-- 005: a claim's content hash (how a re-ingest tells a changed claim from the same one) kept as
-- the 64-bit number it is, not as its decimal text: less to write.
-- The first warehouses kept an md5 in hex: those claims get 0, and their next re-ingest
-- sees them as changed, as it did before this migration.
alter table claims alter content_hash set data type ubigint
    using coalesce(try_cast(content_hash as ubigint), 0);
