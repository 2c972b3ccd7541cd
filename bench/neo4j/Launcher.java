// Embedded Neo4j Community server with Bolt, for tracegraph's tests and bench.
//
// Started by bench/neo4j/launch.js (npm run neo4j / startNeo4j()); by hand:
//   java -Xmx1g --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
//        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true \
//        -cp '<cache>/lib/*' bench/neo4j/Launcher.java --port 7687 --dir ./data/neo4j
//
// Options: --port P (7687), --dir DIR (./data/neo4j; it becomes the Neo4j home: DIR/data, DIR/logs),
//          --password PW (or env TRACEGRAPH_NEO4J_PASSWORD; none = auth disabled),
//          --pagecache SIZE (512m, env NEO4J_PAGECACHE), --tx-max SIZE (60% of the heap),
//          --conf key=value (any Neo4j setting, validated strictly; repeatable),
//          --exit-on-stdin-eof (shut down when stdin reaches EOF: the parent process died).
// Prints "bolt://127.0.0.1:P" on a line of its own once the default database is available;
// nothing else goes to stdout (Neo4j's own logs are under DIR/logs). Errors go to stderr, exit 1.
// SIGTERM/SIGINT: a shutdown hook shuts the databases down cleanly (exit status 143/130).

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.io.ByteUnit;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.kernel.impl.security.User;
import org.neo4j.logging.NullLogProvider;
import org.neo4j.memory.EmptyMemoryTracker;
import org.neo4j.server.security.SecureHasher;
import org.neo4j.server.security.SystemGraphCredential;
import org.neo4j.server.security.auth.CommunitySecurityModule;
import org.neo4j.server.security.auth.FileUserRepository;

public final class Launcher {
    private static volatile DatabaseManagementService dbms;

    public static void main(String[] args) throws Exception {
        // Keep stdout for the one "bolt://" line: anything a library prints there goes to stderr.
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);

        int port = 7687;
        Path dir = Path.of("data", "neo4j");
        String password = System.getenv("TRACEGRAPH_NEO4J_PASSWORD");
        String pagecache = envOr("NEO4J_PAGECACHE", "512m");
        String txMax = null;
        List<String> extra = new ArrayList<>();
        boolean exitOnStdinEof = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--port" -> port = Integer.parseInt(next(args, ++i, a));
                case "--dir" -> dir = Path.of(next(args, ++i, a));
                case "--password" -> password = next(args, ++i, a);
                case "--pagecache" -> pagecache = next(args, ++i, a);
                case "--tx-max" -> txMax = next(args, ++i, a);
                case "--conf" -> extra.add(next(args, ++i, a));
                case "--exit-on-stdin-eof" -> exitOnStdinEof = true;
                case "--help", "-h" -> {
                    System.err.println("usage: Launcher [--port P] [--dir DIR] [--password PW] [--pagecache SIZE] [--tx-max SIZE] [--conf key=value]... [--exit-on-stdin-eof]");
                    return;
                }
                default -> fail("unknown argument: " + a);
            }
        }
        if (password != null && password.isEmpty()) password = null;
        long heapMax = Runtime.getRuntime().maxMemory();
        long txMaxBytes = txMax != null ? ByteUnit.parse(txMax) : (long) (heapMax * 0.6);

        Path home = dir.toAbsolutePath().normalize();
        Files.createDirectories(home);

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                .setConfig(GraphDatabaseSettings.strict_config_validation, true)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, password != null)
                .setConfig(GraphDatabaseSettings.auth_minimum_password_length, 1)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pagecache))
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, txMaxBytes)
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ZERO)
                .setConfig(GraphDatabaseInternalSettings.udc_network_enabled, false) // no usage reports
                // Bolt waits 5 s + 5 s for idle connections and its thread pool at shutdown (after the
                // databases are already checkpointed and closed); a test server need not.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(500))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(500));
        if (!extra.isEmpty()) {
            StringBuilder props = new StringBuilder("# written by Launcher.java from --conf arguments\n");
            for (String kv : extra) {
                if (kv.indexOf('=') <= 0) fail("--conf wants key=value, got: " + kv);
                props.append(kv).append('\n');
            }
            Path file = home.resolve("launcher-extra.conf");
            Files.writeString(file, props.toString());
            builder.loadPropertiesFromFile(file);
        }

        long t0 = System.nanoTime();
        if (password != null) writeInitialPassword(home, password);
        try {
            dbms = builder.build();
        } catch (Throwable e) {
            System.err.println("neo4j: start-up failed: " + rootMessage(e));
            if (System.getenv("TRACEGRAPH_NEO4J_DEBUG") != null) e.printStackTrace(System.err);
            else System.err.println("neo4j: (stack trace with env TRACEGRAPH_NEO4J_DEBUG=1; Neo4j's log: " + home.resolve("logs/debug.log") + ")");
            System.exit(1);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            DatabaseManagementService d = dbms;
            dbms = null;
            if (d != null) {
                try {
                    d.shutdown();
                } catch (Throwable e) {
                    System.err.println("neo4j: shutdown failed: " + rootMessage(e));
                }
            }
        }, "neo4j-shutdown"));

        if (exitOnStdinEof) {
            // The parent keeps our stdin open and never writes: EOF means it died, so shut down cleanly.
            Thread watcher = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) { /* ignore input */ }
                } catch (IOException ignored) {
                    // treat like EOF
                }
                System.err.println("neo4j: stdin closed (parent gone), shutting down");
                System.exit(0);
            }, "stdin-eof-watcher");
            watcher.setDaemon(true);
            watcher.start();
        }

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        while (!(system.isAvailable(TimeUnit.SECONDS.toMillis(1)) && db.isAvailable(TimeUnit.SECONDS.toMillis(1)))) {
            if (dbms == null) return; // shutting down
        }
        if (password != null) ensurePassword(system, password);

        out.println("bolt://127.0.0.1:" + port);
        System.err.printf("neo4j: %s available in %.1f s (home %s, pagecache %s, tx max %d MiB, heap max %d MiB, auth %s)%n",
                org.neo4j.kernel.internal.Version.getNeo4jVersion(), (System.nanoTime() - t0) / 1e9, home, pagecache,
                txMaxBytes >> 20, heapMax >> 20, password != null ? "on" : "off");

        // The Bolt server and the databases run on their own (non-daemon) threads; just wait.
        Thread.currentThread().join();
    }

    /**
     * On a new store: what `neo4j-admin dbms set-initial-password` does, i.e. data/dbms/auth.ini, which the
     * system database reads when it is created. (Much faster than ALTER USER, which is the first Cypher
     * query of the JVM and costs ~10 s here.) Ignored by Neo4j once the system database exists.
     */
    private static void writeInitialPassword(Path home, String password) throws Exception {
        Config config = Config.newBuilder().set(GraphDatabaseSettings.neo4j_home, home).build();
        if (Files.exists(config.get(GraphDatabaseSettings.data_directory).resolve("databases").resolve("system"))) return;
        Path file = CommunitySecurityModule.getInitialUserRepositoryFile(config);
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        try (DefaultFileSystemAbstraction fs = new DefaultFileSystemAbstraction()) {
            FileUserRepository repo = new FileUserRepository(fs, file, NullLogProvider.getInstance(), EmptyMemoryTracker.INSTANCE);
            repo.start();
            repo.create(new User("neo4j", null,
                    SystemGraphCredential.createCredentialForPassword(password.getBytes(StandardCharsets.UTF_8), new SecureHasher()),
                    false, false));
            repo.shutdown();
        }
    }

    /** Makes sure user neo4j has this password (not to be changed): a no-op when it already has it. */
    private static void ensurePassword(GraphDatabaseService system, String password) {
        try (Transaction tx = system.beginTx()) {
            Node user = tx.findNode(Label.label("User"), "name", "neo4j");
            if (user != null && user.getProperty("credentials", null) instanceof String credentials
                    && !Boolean.TRUE.equals(user.getProperty("passwordChangeRequired", null))
                    && SystemGraphCredential.deserialize(credentials, new SecureHasher())
                            .matchesPassword(password.getBytes(StandardCharsets.UTF_8))) {
                return;
            }
        } catch (Exception e) {
            // unexpected system graph layout: fall back to Cypher below
        }
        try {
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException e) {
            String m = rootMessage(e);
            if (!m.toLowerCase().contains("old password and new password cannot be the same")) {
                System.err.println("neo4j: setting the password of user neo4j failed: " + m);
                System.exit(1);
            }
        }
    }

    private static String next(String[] args, int i, String flag) {
        if (i >= args.length) fail(flag + " needs a value");
        return args[i];
    }

    private static String envOr(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? dflt : v;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (cause: " + t + ")";
    }

    private static void fail(String msg) {
        System.err.println("neo4j: " + msg);
        System.exit(2);
    }
}
