package farmdesk.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.nimbusds.jwt.SignedJWT;

import farmdesk.Settings;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.ServerSettings;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code farmdesk token}: its token opens a real server's API; wrong use exits 2 with the usage on stderr. */
@FarmdeskServer
// not on PostgreSQL: the token command signs a token; the database only serves the API call that proves it opens
@Tag("h2-only")
class TokenCommandTest {

    private static final Map<String, String> ENV = Map.of("FARMDESK_AUTH_SECRET", TestSettings.SECRET);

    /** A production-like server: the test secret (the same as {@link #ENV}'s), dev login off. */
    @ServerSettings
    static void settings(Settings.Builder settings) {
        settings.devLogin(false);
    }

    record Run(int exit, String out, String err) {
    }

    static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(List.of(args), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void itsTokenIsAcceptedByAServerWithTheSameSecret(Api api) throws Exception {
        Run admin = run(ENV, "token", "--role", "admin", "--id", "A-7", "--name", "Ravi", "--ttl", "8h");
        assertEquals(0, admin.exit(), admin.err());
        assertEquals("", admin.err());
        assertTrue(admin.out().matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\n"), admin.out());
        String token = admin.out().strip();
        SignedJWT jwt = SignedJWT.parse(token);
        long ttl = jwt.getJWTClaimsSet().getExpirationTime().getTime() - jwt.getJWTClaimsSet().getIssueTime().getTime();
        assertEquals(8 * 3600_000L, ttl);
        assertEquals("Ravi", jwt.getJWTClaimsSet().getStringClaim("name"));

        // the class's server: the same secret, dev login off
        assertEquals(200, api.get("/api/tickets", token).status());
        String farmer = run(ENV, "token", "--role=farmer", "--id=F-1001").out().strip();
        assertEquals(201, api.post("/api/tickets", farmer, "{\"subject\":\"s\",\"text\":\"t\"}").status());
        assertEquals(401, api.get("/api/tickets", run(Map.of("FARMDESK_AUTH_SECRET",
                "another-secret-another-secret-another-secret"), "token", "--role", "admin", "--id", "A-7")
                .out().strip()).status(), "a token signed with another secret");
    }

    @Test
    void wrongUseExitsTwoWithTheUsageOnStandardErrorAndNothingOnStandardOutput() {
        List<String[]> wrong = List.of(
                new String[] {"token"},
                new String[] {"token", "--role", "admin"},
                new String[] {"token", "--role", "root", "--id", "A-7"},
                new String[] {"token", "--role", "admin", "--id", "A 7"},
                new String[] {"token", "--role", "admin", "--id", "A-7", "--ttl", "8 hours"},
                new String[] {"token", "--role", "admin", "--id", "A-7", "--ttl", "0h"},
                new String[] {"token", "--role", "admin", "--id", "A-7", "--name", " "},
                new String[] {"token", "--role", "admin", "--id", "A-7", "--sudo"},
                new String[] {"token", "--role", "admin", "--role", "farmer", "--id", "A-7"},
                new String[] {"tokens"});
        for (String[] args : wrong) {
            Run r = run(ENV, args);
            assertEquals(2, r.exit(), String.join(" ", args));
            assertEquals("", r.out(), String.join(" ", args));
            assertTrue(r.err().contains("usage: farmdesk"), r.err());
        }
    }

    @Test
    void withoutTheSecretItRefusesAndSaysWhy() {
        Run r = run(Map.of(), "token", "--role", "admin", "--id", "A-7");
        assertEquals(2, r.exit());
        assertEquals("", r.out());
        assertTrue(r.err().contains("FARMDESK_AUTH_SECRET is not set"), r.err());
        Run shortSecret = run(Map.of("FARMDESK_AUTH_SECRET", "short"), "token", "--role", "admin", "--id", "A-7");
        assertEquals(2, shortSecret.exit());
        assertTrue(shortSecret.err().contains("at least 32 bytes"), shortSecret.err());
    }
}
