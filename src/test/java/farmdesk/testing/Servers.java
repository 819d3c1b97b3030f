package farmdesk.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import farmdesk.Farmdesk;
import farmdesk.Settings;

/**
 * Starts Farmdesk servers of a test's own, for a test that needs other settings than its class's
 * server, a restart on the same database, or several instances: ask for it as a test method parameter.
 * Every server still running when the test ends (passed or failed) is closed by {@link FarmdeskExtension},
 * newest first; {@link #stop} closes one earlier, when the stop is part of what the test does.
 */
public final class Servers {

    private final List<Farmdesk> running = new ArrayList<>();

    Servers() {
    }

    /** A server on a fresh test database ({@link TestSettings#builder()}), with {@code change} applied. */
    public Farmdesk start(Consumer<Settings.Builder> change) {
        Settings.Builder settings = TestSettings.builder();
        change.accept(settings);
        return start(settings.build());
    }

    /** A server with exactly these settings: a database that outlives it, or one that instances share. */
    public synchronized Farmdesk start(Settings settings) {
        Farmdesk app = Farmdesk.start(settings);
        running.add(app);
        return app;
    }

    /** Closes this server now (a graceful stop: {@link Farmdesk#close()}); it is not closed again at the end. */
    public void stop(Farmdesk app) {
        synchronized (this) {
            if (!running.remove(app)) {
                throw new IllegalStateException("not a running server of this test");
            }
        }
        app.close();
    }

    /**
     * Closes every server of the test now, newest first (the extension would at the end): for a test whose
     * outside parts (a push service, a webhook receiver) must outlive its servers, so that a stop does not
     * wait on retries against a part already gone.
     */
    public void stopAll() {
        closeAll();
    }

    /** Closes what is still running, newest first; the first failure is thrown after all were closed. */
    synchronized void closeAll() {
        RuntimeException failure = null;
        while (!running.isEmpty()) {
            try {
                running.removeLast().close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
