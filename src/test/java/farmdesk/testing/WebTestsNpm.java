package farmdesk.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * web-tests' npm packages (web-tests/package-lock.json), installed when one is missing, as
 * web-tests/run.sh does, so that {@code mvn -B verify} on a fresh clone needs nothing run by hand first.
 */
final class WebTestsNpm {

    private WebTestsNpm() {
    }

    /** Runs {@code npm ci} in web-tests unless {@code node_modules/<npmPackage>} is there already. */
    static synchronized void installFor(String npmPackage) throws IOException {
        Path installed = Path.of("web-tests/node_modules", npmPackage);
        if (Files.isDirectory(installed)) {
            return;
        }
        try {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--silent")
                    .directory(Path.of("web-tests").toFile()).inheritIO().start();
            if (npm.waitFor() != 0 || !Files.isDirectory(installed)) {
                throw new IllegalStateException("npm ci in web-tests failed: the npm " + npmPackage + " package is missing");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing web-tests' npm packages", e);
        }
    }
}
