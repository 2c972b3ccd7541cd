// Every bulk write of the embedded store: a staged CSV file copied into a table. COPY from a file
// was ~6x faster than UNWIND $rows (the Node binding converts parameters row by row), and it
// keeps numbers exact (the binding infers a parameter list's types from its first row).
// {{Table}} and {{Options}} come from a fixed list in the adapter; {{File}} is a staging file it made.
COPY {{Table}} FROM '{{File}}' (header=false, quote='"', escape='"'{{Options}})
