package farmdesk.instances;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.cli.Cli;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.TestPostgres;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The upgrade of docs/deploy.md: an operator migrates with the owner's login, and the instances run
 * with a login that has only the run-time rights (no DDL). Such an instance starts (Flyway only reads
 * its history when nothing is pending) and works; it could not have created the schema itself.
 */
@FarmdeskServer
@Tag("postgres-only")
class MigrationRightsTest {

    @Test
    void anInstanceWithoutDdlRightsStartsOnceTheOwnerHasMigrated(Servers servers) throws Exception {
        // without the URL's ?user=postgres, which pgjdbc would prefer to the login given beside it
        String url = TestPostgres.freshDatabase().replaceAll("\\?.*", "");
        String app = "fd_app_" + UUID.randomUUID().toString().substring(0, 8);
        Settings asApp = TestSettings.builder().db(url, app, "app-password").build();

        try (Connection owner = DriverManager.getConnection(url, "postgres", "");
             Statement st = owner.createStatement()) {
            st.execute("CREATE ROLE " + app + " LOGIN PASSWORD 'app-password'");
            String database = url.substring(url.lastIndexOf('/') + 1);
            st.execute("GRANT CONNECT ON DATABASE " + database + " TO " + app);
            st.execute("GRANT USAGE ON SCHEMA public TO " + app);
            // PostgreSQL 15+: PUBLIC may not create in the public schema; say it anyway for older servers
            st.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
            // docs/deploy.md "Upgrades": tables and sequences the owner creates later (migrations) get the
            // run-time rights at once
            st.execute("ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public"
                    + " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO " + app);
            st.execute("ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO " + app);
        }

        // before any migration, the app's login cannot create the schema: the instance refuses to start
        RuntimeException refused = assertThrows(RuntimeException.class, () -> servers.start(asApp));
        assertTrue(String.valueOf(refused.getMessage()).contains("permission denied"), refused.toString());

        // the operator migrates with the owner's login
        assertEquals(0, Cli.run(List.of("migrate"), Map.of("FARMDESK_DB_URL", url, "FARMDESK_DB_USER", "postgres"),
                System.out, System.err));
        try (Connection owner = DriverManager.getConnection(url, "postgres", "");
             Statement st = owner.createStatement()) {
            // Flyway's history: the instances only read it
            st.execute("REVOKE INSERT, UPDATE, DELETE ON flyway_schema_history FROM " + app);
        }

        Farmdesk server = servers.start(asApp);
        try (Connection appLogin = DriverManager.getConnection(url, app, "app-password")) {
            assertThrows(SQLException.class, () -> appLogin.createStatement().execute("CREATE TABLE probe (x INT)"),
                    "the app's login has no DDL rights");
            Api api = new Api(server.port());
            String farmer = api.farmer("F-rights");
            String ticket = api.createTicket(farmer, "Seeds", "late delivery");
            assertEquals("thanks", api.postMessage(api.admin("A-rights"), ticket, "thanks").get("text").asText());
            assertEquals(200, new Api(server.port()).get("/observe/health", null).status());
            assertTrue(api.get("/api/tickets/" + ticket, farmer).status() == 200);
        }
    }
}
