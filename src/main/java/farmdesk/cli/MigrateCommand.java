package farmdesk.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

import farmdesk.Settings;
import farmdesk.storage.Database;

/**
 * {@code farmdesk migrate}: applies the migrations not yet applied to FARMDESK_DB_URL and exits,
 * serving nothing. An operator runs it before a rolling upgrade, with a login that owns the schema
 * (FARMDESK_DB_USER/FARMDESK_DB_PASSWORD in its environment), so the instances' own login needs no DDL
 * rights (docs/deploy.md "Upgrades"). Exit 0 done (also when nothing was pending), 1 failed, 2 wrong use.
 */
final class MigrateCommand {

    static final String USAGE = "usage: farmdesk migrate   (database from FARMDESK_DB_URL, FARMDESK_DB_USER, FARMDESK_DB_PASSWORD)";

    private MigrateCommand() {
    }

    static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (!args.isEmpty()) {
            return Cli.usageError(err, "migrate takes no arguments", USAGE);
        }
        Settings settings;
        try {
            settings = Settings.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            err.println("farmdesk migrate: " + e.getMessage());
            return Cli.USAGE_ERROR;
        }
        try {
            MigrateResult result = Database.migrateOnly(settings.dbUrl(), settings.effectiveDbUser(),
                    settings.effectiveDbPassword());
            out.println("farmdesk migrate: " + result.migrationsExecuted + " migration(s) applied to "
                    + result.database + " (" + (settings.isH2() ? "H2" : "PostgreSQL") + "), schema version "
                    + (result.targetSchemaVersion != null ? result.targetSchemaVersion
                            : result.initialSchemaVersion != null ? result.initialSchemaVersion : "none"));
            return 0;
        } catch (FlywayException | IllegalArgumentException e) {
            err.println("farmdesk migrate: failed: " + firstLines(e.getMessage()));
            return 1;
        } catch (RuntimeException e) {
            // the pool could not connect (HikariPool.PoolInitializationException), or another fault
            err.println("farmdesk migrate: failed: " + e.getClass().getSimpleName() + ": " + firstLines(e.getMessage()));
            return 1;
        }
    }

    private static String firstLines(String message) {
        if (message == null) {
            return "(no message)";
        }
        String[] lines = message.strip().split("\n");
        return lines.length <= 6 ? message.strip() : String.join("\n", List.of(lines).subList(0, 6)) + "\n...";
    }
}
