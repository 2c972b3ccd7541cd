// Rebuilding a damaged database (adapter.ts, rebuild): the exported files into a new, empty
// database, whose primary-key indexes are built afresh from the rows.
IMPORT DATABASE '{{Dir}}'
