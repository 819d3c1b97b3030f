package farmdesk.reliability;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.SseClient;
import farmdesk.testing.TestPostgres;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 12, item 2: a restore from a backup never makes an event id be handed out twice. Back up, post
 * 3 events, restore the backup, post 5: a client that saw the 3 lost events and resumes from the last
 * of them gets {@code reset} first (its state holds events the log no longer has), never the events
 * that now carry the next ids. Before the fix the restored sequence handed the lost ids out again and
 * the resume silently skipped the new events below it.
 */
@FarmdeskServer
class RestoreFromBackupTest {

    private static final String PG_BIN = "/usr/lib/postgresql/15/bin";

    /** The H2 file copied aside while the service is stopped, and copied back while it is stopped. */
    @Test
    void anH2FileCopiedBackNeverHandsAnIdOutTwice(Servers servers, @TempDir Path dir) throws Exception {
        assumeTrue(!TestPostgres.selected(), "an H2 file: runs in the H2 run of the suite");
        Settings settings = TestSettings.file(dir);
        Path file = dir.resolve("farmdesk.mv.db");
        Path copy = dir.resolve("backup.mv.db");
        afterARestore(servers, settings,
                () -> Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING),
                () -> Files.copy(copy, file, StandardCopyOption.REPLACE_EXISTING));
    }

    /** pg_dump while the service is stopped, pg_restore --clean while it is stopped (Debian's postgresql-client 15). */
    @Test
    void aPostgresDumpRestoredNeverHandsAnIdOutTwice(Servers servers, @TempDir Path dir) throws Exception {
        assumeTrue(TestPostgres.selected(), "PostgreSQL: runs in the PostgreSQL run of the suite");
        assumeTrue(new File(PG_BIN, "pg_dump").canExecute() && new File(PG_BIN, "pg_restore").canExecute(),
                "pg_dump/pg_restore not found in " + PG_BIN + ": install Debian's postgresql-client (15) to run this test");
        Settings settings = TestSettings.postgres();
        URI url = URI.create(settings.dbUrl().substring("jdbc:".length()));
        String database = url.getPath().substring(1);
        Path dump = dir.resolve("farmdesk.dump");
        List<String> connect = List.of("-h", url.getHost(), "-p", Integer.toString(url.getPort()), "-U", "postgres");
        afterARestore(servers, settings,
                () -> run(dir, concat(List.of(PG_BIN + "/pg_dump", "-Fc", "-f", dump.toString()), connect, database)),
                () -> run(dir, concat(List.of(PG_BIN + "/pg_restore", "--clean", "--if-exists", "--exit-on-error",
                        "-d", database), connect, dump.toString())));
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** Backup and restore run while the service is stopped: each phase's server stops before them. */
    private static void afterARestore(Servers servers, Settings settings, Step backup, Step restore) throws Exception {
        Farmdesk beforeBackup = servers.start(settings);
        Api onBeforeBackup = new Api(beforeBackup.port());
        String ticket = onBeforeBackup.createTicket(onBeforeBackup.farmer("F-restore"), "Restore", "before the backup");
        servers.stop(beforeBackup);
        backup.run();
        List<Long> lost = new ArrayList<>();
        Farmdesk afterBackup = servers.start(settings);
        Api onAfterBackup = new Api(afterBackup.port());
        String lostAdmin = onAfterBackup.admin("A-restore");
        for (int i = 1; i <= 3; i++) {
            onAfterBackup.postMessage(lostAdmin, ticket, "lost " + i);
            lost.add(latest(onAfterBackup, lostAdmin));
        }
        servers.stop(afterBackup);
        restore.run();
        Farmdesk app = servers.start(settings);
        Api api = new Api(app.port());
        String admin = api.admin("A-restore");
        List<Long> fresh = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            api.postMessage(admin, ticket, "new " + i);
            fresh.add(latest(api, admin));
        }
        for (long id : fresh) {
            assertTrue(id > lost.getLast(), "id " + id + " taken after the restore is above every id handed out"
                    + " before it (lost: " + lost + ", new: " + fresh + ")");
        }
        long resumeFrom = lost.get(2);
        try (SseClient s = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", admin,
                "Last-Event-ID", Long.toString(resumeFrom))) {
            SseClient.Event first = s.next();
            assertEquals("reset", first.type(), "a resume from an id the restore lost: reset first, got " + first);
            assertEquals(fresh.getLast(), first.json().get("latest").asLong());
            api.postMessage(admin, ticket, "after the reset");
            SseClient.Event next = s.next();
            assertEquals("after the reset", next.json().at("/message/text").asText(), "then the new events");
        }
        var poll = api.get("/api/tickets/" + ticket + "/events/poll?timeout=0&after=" + resumeFrom, admin).json();
        assertEquals("reset", poll.at("/events/0/type").asText(), poll.toString());
    }

    private static long latest(Api api, String admin) {
        return api.get("/api/admin/events/poll", admin).json().get("next").asLong();
    }

    private static List<String> concat(List<String> command, List<String> connect, String last) {
        List<String> all = new ArrayList<>(command);
        all.addAll(connect);
        all.add(last);
        return all;
    }

    private static void run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path out = dir.resolve("command.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), command + " did not finish");
        assertEquals(0, p.exitValue(), command + ": " + Files.readString(out));
    }
}
