// The latest version of a spec key (null when the key has none yet).
MATCH (s:Spec)
WHERE s.specKey = $key
RETURN max(s.version) AS version
