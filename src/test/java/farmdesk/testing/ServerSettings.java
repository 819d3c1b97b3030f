package farmdesk.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the static method that changes the settings of a {@link FarmdeskServer} test class's server. It
 * takes one {@code Settings.Builder}, already filled by {@link TestSettings#builder()} (port 0, a fresh
 * database, the test secret, limits off), and changes only what the class is about:
 *
 * <pre>{@code
 * @ServerSettings
 * static void settings(Settings.Builder settings) {
 *     settings.heartbeat(Duration.ofHours(1)); // only events wake a stream
 * }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ServerSettings {
}
