// Items whose latest receive event lies in [$from, $to] (receiveKey is "<UTC time>|<eventId>").
MATCH (i:Item)
WHERE i.receiveKey IS NOT NULL AND i.receiveKey >= $from AND i.receiveKey <= $to
RETURN i.id AS id
ORDER BY id
