// Reads a large result through a file: Kuzu writes CSV natively, where the Node binding would build
// one JS object per row (the trace index of a million-unit plant loaded ~10x slower that way).
// {{Query}} is one of the load-*.cypher queries; {{File}} is a staging file the adapter made.
COPY ({{Query}}) TO '{{File}}' (header=false)
