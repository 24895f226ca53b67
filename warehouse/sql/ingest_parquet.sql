-- The rows of one Parquet file ($path, number $index, named $file for quarantine) as JSON
-- text, each with its place in the file as its line: then typed like any row given as JSON.
insert into raw_rows (file_index, file, line, raw)
select $index, $file, file_row_number + 1,
       to_json(struct_pack(*columns(* exclude (file_row_number))))::varchar
from read_parquet($path, binary_as_string = true, file_row_number = true);
