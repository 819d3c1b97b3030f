package farmdesk;

import io.helidon.logging.common.LogConfig;

/** Starts Farmdesk from environment variables (see the settings table in README.md). */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Farmdesk farmdesk = Farmdesk.start(Settings.fromEnvironment());
        Runtime.getRuntime().addShutdownHook(new Thread(farmdesk::close, "farmdesk-shutdown"));
    }
}
