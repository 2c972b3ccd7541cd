// A trivial query: the health probe's check that the store answers.
RETURN 1 AS ok
