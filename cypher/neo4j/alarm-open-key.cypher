// The open alarm holding a key (equipment, parameter, family), if any.
MATCH (a:Alarm)
WHERE a.openKey = $openKey
RETURN a.id AS id
