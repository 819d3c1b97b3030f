package farmdesk.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessLogHandlerTest {

    @Test
    void writesEveryLineInOrderFromItsOwnThread() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AccessLogHandler handler = new AccessLogHandler(out);
        for (int i = 0; i < 5_000; i++) {
            LogRecord record = new LogRecord(Level.INFO, "GET /api/tickets/TKT-" + i + " 200 0 ms");
            record.setLoggerName(AccessLog.LOGGER_NAME);
            handler.publish(record);
        }
        handler.close();
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(5_000 - handler.dropped(), lines.length);
        assertEquals(0, handler.dropped(), "a queue of 65,536 lines holds 5,000");
        for (int i = 0; i < lines.length; i++) {
            assertTrue(lines[i].matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO farmdesk\\.access: "
                    + "GET /api/tickets/TKT-" + i + " 200 0 ms"), lines[i]);
        }
    }
}
