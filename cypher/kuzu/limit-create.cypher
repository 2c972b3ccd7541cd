// One new version of the control limits of (parameter, equipment); the adapter computed the version.
CREATE (c:ControlLimit {id: $id, limitKey: $key, parameter: $parameter, equipmentId: $equipmentId, version: $version,
                        center: $center, lcl: $lcl, ucl: $ucl, sigma: $sigma, definition: $definition,
                        setBy: $setBy, setAt: $setAt, reason: $reason})
