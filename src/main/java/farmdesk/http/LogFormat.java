package farmdesk.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import io.helidon.logging.common.LogConfig;

/**
 * Configures logging at start by {@code FARMDESK_LOG_FORMAT}: {@code text} (default: logging.properties,
 * through Helidon's {@code LogConfig}) or {@code json}: the same configuration with {@link JsonLogFormatter}
 * on every handler of the root logger and on the access log's, set before anything is logged (Helidon's
 * own first line included), so every line is JSON.
 */
public final class LogFormat {

    private LogFormat() {
    }

    /** Applies the format named by FARMDESK_LOG_FORMAT (null or blank: text); anything else is refused. */
    public static void configure(String name) {
        String format = name == null || name.isBlank() ? "text" : name.strip().toLowerCase(Locale.ROOT);
        switch (format) {
            case "text" -> LogConfig.configureRuntime();
            case "json" -> {
                if (System.getProperty("java.util.logging.config.file") == null
                        && System.getProperty("java.util.logging.config.class") == null) {
                    readPackagedConfiguration();
                }
                JsonLogFormatter json = new JsonLogFormatter();
                for (String logger : new String[] {"", AccessLog.LOGGER_NAME}) {
                    for (Handler h : Logger.getLogger(logger).getHandlers()) {
                        h.setFormatter(json);
                    }
                }
            }
            default -> throw new IllegalArgumentException("FARMDESK_LOG_FORMAT must be text or json, got '" + name + "'");
        }
    }

    /** What {@code LogConfig.configureRuntime()} reads, without the line it logs in text first. */
    private static void readPackagedConfiguration() {
        try (InputStream in = LogFormat.class.getResourceAsStream("/logging.properties")) {
            if (in != null) {
                LogManager.getLogManager().readConfiguration(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read logging.properties", e);
        }
    }
}
