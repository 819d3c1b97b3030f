package farmdesk;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Farmdesk's build output holds only Farmdesk's classes. A class copied from a library into the same
 * package wins over the library's on the class path, so it silently changes the library, breaks on the
 * module path, in a shaded jar or a jlink image, and must be copied again on every upgrade: change a
 * library through its options, its SPI or upstream instead (docs/upstream/).
 */
class OwnClassesOnlyTest {

    @Test
    void everyCompiledClassIsInFarmdesksPackages() throws Exception {
        Path classes = compiledClasses();
        try (Stream<Path> files = Files.walk(classes)) {
            List<String> foreign = files.filter(f -> f.toString().endsWith(".class"))
                    .map(f -> classes.relativize(f).toString().replace('\\', '/'))
                    .filter(name -> !name.startsWith("farmdesk/"))
                    .sorted()
                    .toList();
            assertEquals(List.of(), foreign, "classes outside farmdesk/ in " + classes);
        }
    }

    private static Path compiledClasses() throws URISyntaxException {
        return Path.of(Farmdesk.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
