package farmdesk;

import java.util.List;

import farmdesk.cli.Cli;
import farmdesk.http.LogFormat;

/**
 * {@code bin/farmdesk}: with no arguments (or {@code serve}) starts Farmdesk from environment variables
 * (see the settings table in README.md); other commands ({@code token}, ...) run and exit with their code.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (!Cli.serves(args)) {
            // no logging set-up here: Helidon's console handler writes to standard output, which a command
            // such as token keeps for its answer alone
            System.exit(Cli.run(List.of(args), System.getenv(), System.out, System.err));
        }
        Settings settings;
        try {
            LogFormat.configure(System.getenv("FARMDESK_LOG_FORMAT"));
            settings = Settings.fromEnvironment();
        } catch (IllegalArgumentException e) {
            // a wrong setting: one line saying which, and exit 2, which the systemd unit does not restart
            System.err.println("farmdesk: " + e.getMessage());
            System.exit(2);
            return;
        }
        Farmdesk farmdesk = Farmdesk.start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(farmdesk::close, "farmdesk-shutdown"));
    }
}
