// The latest version of a control-limit key (null when it has none yet).
MATCH (c:ControlLimit)
WHERE c.limitKey = $key
RETURN max(c.version) AS version
