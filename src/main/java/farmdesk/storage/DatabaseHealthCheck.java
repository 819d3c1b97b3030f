package farmdesk.storage;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Readiness: "database" is up when a cheap round trip answers ({@link Database#ping()}); a load balancer
 * then stops sending traffic to an instance that cannot store anything.
 */
public final class DatabaseHealthCheck implements HealthCheck {

    private final Database database;

    public DatabaseHealthCheck(Database database) {
        this.database = database;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "database";
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.builder().status(database.ping()).build();
    }
}
