// Rebuilding a damaged database (adapter.ts, rebuild): every committed node and relationship
// out to files. {{Dir}} is a directory under the data directory that the adapter names.
EXPORT DATABASE '{{Dir}}'
