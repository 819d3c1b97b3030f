package farmdesk.admins;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.helidon.dbclient.DbRow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import farmdesk.auth.Role;
import farmdesk.auth.Viewer;
import farmdesk.storage.Database;
import farmdesk.storage.Sql;
import farmdesk.testing.LogCapture;
import farmdesk.testing.TestPostgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link KnownAdmins} on H2 and PostgreSQL: who is recorded, with which name and times; a repeat within
 * the refresh period writes nothing (the hot path); several instances at once record an admin once.
 */
class KnownAdminsTest {

    private static final Instant EXPIRES = Instant.now().plusSeconds(3600);
    private static Database database;

    @BeforeAll
    static void open() {
        database = TestPostgres.selected()
                ? Database.open(TestPostgres.freshDatabase(), "postgres", null)
                : Database.open("jdbc:h2:mem:admins-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    @AfterAll
    static void close() {
        database.close();
    }

    private static Viewer admin(String id, String name) {
        return new Viewer(id, Role.ADMIN, name, EXPIRES);
    }

    private static DbRow row(String id) {
        return database.client().execute().get("SELECT name, first_seen, last_seen FROM admins WHERE id = ?", id)
                .orElseThrow(() -> new AssertionError(id + " not recorded"));
    }

    private static void setLastSeen(String id, Instant at) {
        database.client().execute().dml("UPDATE admins SET last_seen = ? WHERE id = ?", Sql.timestamp(at), id);
    }

    @Test
    void anAdminIsRecordedOnceWithTheLatestNameAndARepeatWritesNothing() {
        KnownAdmins admins = new KnownAdmins(database.client());
        admins.seen(admin("A-rec", "Ravi"));
        admins.seen(new Viewer("F-rec", Role.FARMER, "Asha", EXPIRES));
        DbRow first = row("A-rec");
        assertEquals("Ravi", first.column("name").getString());
        Instant firstSeen = Sql.instant(first, "first_seen");
        assertEquals(firstSeen, Sql.instant(first, "last_seen"));
        assertTrue(admins.list().stream().noneMatch(a -> a.id().equals("F-rec")), "farmers are not admins");

        // a repeat within the refresh period is answered from memory: the row is not touched
        Instant marker = Instant.parse("2020-01-01T00:00:00Z");
        setLastSeen("A-rec", marker);
        admins.seen(admin("A-rec", "Ravi"));
        assertEquals(marker, Sql.instant(row("A-rec"), "last_seen"));

        // a new name is written at once; first seen stays
        admins.seen(admin("A-rec", "Ravi Kumar"));
        DbRow renamed = row("A-rec");
        assertEquals("Ravi Kumar", renamed.column("name").getString());
        assertEquals(firstSeen, Sql.instant(renamed, "first_seen"));
        assertTrue(Sql.instant(renamed, "last_seen").isAfter(marker));
        assertEquals(List.of(new Admin("A-rec", "Ravi Kumar")),
                admins.list().stream().filter(a -> a.id().equals("A-rec")).toList());
    }

    @Test
    void theSameAdminSeenFirstOnManyThreadsOfTwoInstancesIsRecordedOnce() throws Exception {
        List<KnownAdmins> instances = List.of(new KnownAdmins(database.client()), new KnownAdmins(database.client()));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (LogCapture log = LogCapture.start()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                KnownAdmins instance = instances.get(i % 2);
                calls.add(pool.submit(() -> {
                    go.await();
                    instance.seen(admin("A-race", "Race"));
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> call : calls) {
                call.get();
            }
            // a lost race to insert is not a failure: the loser updates the row the winner inserted
            assertEquals(List.of(), log.records().stream().filter(r -> r.getLoggerName().equals(KnownAdmins.class.getName()))
                    .map(r -> r.getMessage()).toList());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, instances.get(0).list().stream().filter(a -> a.id().equals("A-race")).count());
        assertEquals("Race", row("A-race").column("name").getString());
    }
}
