package farmdesk.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import farmdesk.Refused;
import farmdesk.auth.Role;
import farmdesk.auth.Tokens;
import farmdesk.auth.UserId;
import farmdesk.tickets.Text;

/**
 * {@code farmdesk token --role admin --id A-7 --name Ravi [--ttl 8h]}: a session token signed with
 * FARMDESK_AUTH_SECRET, exactly as the marketplace would sign it (auth.Tokens), so an operator or a
 * backend can integrate without hand-signing JWTs. Standard output gets the token and nothing else,
 * so that {@code T=$(farmdesk token ...)} works; every complaint goes to standard error.
 */
final class TokenCommand {

    static final String USAGE = "usage: farmdesk token --role farmer|admin --id <user id> [--name <display name>]"
            + " [--ttl <n>s|m|h|d, default 12h, at most 366d]";
    private static final Duration DEFAULT_TTL = Duration.ofHours(12);
    private static final Duration MAX_TTL = Duration.ofDays(366);
    private static final Pattern TTL = Pattern.compile("([0-9]{1,6})([smhd])");

    private TokenCommand() {
    }

    static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args, List.of("--role", "--id", "--name", "--ttl"));
        } catch (IllegalArgumentException e) {
            return Cli.usageError(err, e.getMessage(), USAGE);
        }
        Role role = Role.parse(options.get("--role"));
        if (role == null) {
            return Cli.usageError(err, "--role must be farmer or admin", USAGE);
        }
        String id = options.get("--id");
        if (!UserId.valid(id)) {
            return Cli.usageError(err, "--id must be " + UserId.RULE, USAGE);
        }
        String name;
        try {
            name = options.get("--name") == null ? id : Text.required(options.get("--name"), "--name", 100);
        } catch (Refused e) {
            return Cli.usageError(err, e.getMessage(), USAGE);
        }
        Duration ttl;
        try {
            ttl = ttl(options.get("--ttl"));
        } catch (IllegalArgumentException e) {
            return Cli.usageError(err, e.getMessage(), USAGE);
        }
        String secret = env.get("FARMDESK_AUTH_SECRET");
        if (secret == null || secret.isBlank()) {
            err.println("farmdesk token: FARMDESK_AUTH_SECRET is not set: a token is signed with the secret the"
                    + " servers check it with (the same value as in their environment file)");
            return Cli.USAGE_ERROR;
        }
        if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            err.println("farmdesk token: FARMDESK_AUTH_SECRET must be at least 32 bytes (the servers refuse to start with less)");
            return Cli.USAGE_ERROR;
        }
        out.println(Tokens.create(secret).mint(id, role, name, ttl));
        out.flush();
        return 0;
    }

    /** {@code 90m}, {@code 8h}, {@code 30d}; absent: 12 hours (what dev login gives). */
    static Duration ttl(String value) {
        if (value == null) {
            return DEFAULT_TTL;
        }
        Matcher m = TTL.matcher(value.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("--ttl must be a number and a unit, s, m, h or d (e.g. 8h), got '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.isZero() || d.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("--ttl must be more than 0 and at most 366d, got '" + value + "'");
        }
        return d;
    }
}
