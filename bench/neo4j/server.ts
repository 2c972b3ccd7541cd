// Programmatic API for a real Neo4j 5.26 Community server (embedded in bench/neo4j/Launcher.java,
// jars from Maven Central via bench/neo4j/pom.xml). The implementation is launch.js, which
// `npm run neo4j` (neo4j-server.js) uses as well.
//
//   const neo = await startNeo4j({ dataDir: tmp });          // free port, auth off
//   const driver = neo4j.driver(neo.uri);
//   ...
//   await neo.stop();                                         // SIGTERM, clean shutdown, data kept

export { NEO4J_VERSION, cacheDir, ensureJars, findJava, freePort, neo4jAvailability, startNeo4j } from './launch.js';
export type { Availability, Neo4jServer, StartOptions } from './launch.js';
