package farmdesk;

import farmdesk.http.LogFormat;

/** Starts Farmdesk from environment variables (see the settings table in README.md). */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        LogFormat.configure(System.getenv("FARMDESK_LOG_FORMAT"));
        Farmdesk farmdesk = Farmdesk.start(Settings.fromEnvironment());
        Runtime.getRuntime().addShutdownHook(new Thread(farmdesk::close, "farmdesk-shutdown"));
    }
}
