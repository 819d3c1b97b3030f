package farmdesk.storage;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The database's start line never carries a password written into the JDBC URL. */
@Tag("h2-only") // not on PostgreSQL: string handling of JDBC URLs, no database
class DatabaseStartLineTest {

    @Test
    void passwordsInTheUrlAreRedacted() {
        assertEquals("jdbc:postgresql://db:5432/farmdesk?user=app&password=[redacted]&ssl=true",
                Database.withoutSecrets("jdbc:postgresql://db:5432/farmdesk?user=app&password=s3cr3t&ssl=true"));
        assertEquals("jdbc:h2:file:./data/farmdesk;USER=sa;PASSWORD=[redacted]",
                Database.withoutSecrets("jdbc:h2:file:./data/farmdesk;USER=sa;PASSWORD=x"));
        assertEquals("jdbc:postgresql://app:[redacted]@db/farmdesk", Database.withoutSecrets("jdbc:postgresql://app:pw@db/farmdesk"));
        assertEquals("jdbc:postgresql://db/farmdesk", Database.withoutSecrets("jdbc:postgresql://db/farmdesk"));
    }
}
