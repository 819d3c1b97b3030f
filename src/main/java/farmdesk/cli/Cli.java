package farmdesk.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * The commands of {@code bin/farmdesk} other than serving: {@code token} and {@code migrate}. Each
 * returns its exit code (0 done, 1 failed, 2 wrong use); {@link farmdesk.Main} exits with it.
 */
public final class Cli {

    static final int USAGE_ERROR = 2;
    static final String USAGE = """
            usage: farmdesk [serve]                  run the server (settings from the environment, README.md)
                   farmdesk token --role farmer|admin --id <user id> [--name <name>] [--ttl 8h]
                                                     print a session token signed with FARMDESK_AUTH_SECRET
                   farmdesk migrate                  apply the database migrations (FARMDESK_DB_*) and exit
            """;

    private Cli() {
    }

    /** Whether these arguments ask for the server (no arguments, or {@code serve}). */
    public static boolean serves(String[] args) {
        return args.length == 0 || (args.length == 1 && args[0].equals("serve"));
    }

    /** Runs a command other than serving; returns the process's exit code. */
    public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            return usageError(err, "no command", USAGE);
        }
        List<String> rest = args.subList(1, args.size());
        return switch (args.get(0)) {
            case "token" -> TokenCommand.run(rest, env, out, err);
            case "migrate" -> MigrateCommand.run(rest, env, out, err);
            case "help", "--help", "-h" -> {
                out.print(USAGE);
                yield 0;
            }
            default -> usageError(err, "unknown command '" + args.get(0) + "'", USAGE);
        };
    }

    static int usageError(PrintStream err, String problem, String usage) {
        err.println("farmdesk: " + problem);
        err.println(usage.strip());
        return USAGE_ERROR;
    }
}
