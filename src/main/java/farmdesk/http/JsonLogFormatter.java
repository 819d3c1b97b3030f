package farmdesk.http;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

import farmdesk.Json;

/**
 * {@code FARMDESK_LOG_FORMAT=json}: one JSON object per line, for log shippers: {@code time} (ISO-8601,
 * UTC), {@code level}, {@code logger}, {@code message}, {@code error} (the stack trace, in one string,
 * when there is one); an access-log line has its fields as fields too ({@code method}, {@code path},
 * {@code query}, {@code status}, {@code ms}, and for a stream {@code events} and {@code end}).
 */
public final class JsonLogFormatter extends Formatter {

    @Override
    public String format(LogRecord record) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", record.getInstant().toString());
        line.put("level", record.getLevel().getName());
        line.put("logger", record.getLoggerName());
        line.put("message", formatMessage(record));
        if (record instanceof AccessLine.AccessRecord access) {
            line.put("method", access.method());
            line.put("path", access.path());
            line.put("query", access.query());
            line.put("status", access.status());
            line.put("ms", access.millis());
            if (access.end() != null) {
                line.put("events", access.events());
                line.put("end", access.end());
            }
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.put("error", trace.toString());
        }
        return Json.write(line) + System.lineSeparator();
    }
}
