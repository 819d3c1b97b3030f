package farmdesk;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of this build, logged at start: from {@code farmdesk/version.properties}, which Maven fills
 * in when it builds (pom.xml). "dev" when the classes were built without Maven's resource filtering.
 */
public final class Version {

    private static final String VERSION = read();

    private Version() {
    }

    public static String current() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("/farmdesk/version.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").strip();
            return v.isEmpty() || v.contains("${") ? "dev" : v;
        } catch (IOException e) {
            return "dev";
        }
    }
}
