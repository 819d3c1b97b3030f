package farmdesk.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test class talks to a real Farmdesk that {@link FarmdeskExtension} starts in process, on a random
 * port, with {@link TestSettings} (in-memory H2, or PostgreSQL in the suite's postgres run).
 *
 * <p>One server per test class, started when a constructor, {@code @BeforeAll} or test method first asks
 * for its {@link Api}, its {@link farmdesk.Farmdesk} or its base {@link java.net.URI}, and closed after
 * the class. A static {@link ServerSettings} method changes its settings. A test that needs a server of
 * its own (other settings, a restart, two instances) asks for {@link Servers}. See package-info.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(FarmdeskExtension.class)
public @interface FarmdeskServer {
}
