package farmdesk.streams;

import java.util.List;

import org.junit.jupiter.api.Test;

import farmdesk.Refused;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The numbers of stream and poll requests, read strictly (the HTTP side is in ReplayTest and LongPollTest). */
class StreamParamsTest {

    @Test
    void timeoutIsANumberOfSecondsLeadingZerosIncluded() {
        assertEquals(5, StreamParams.timeoutSeconds("005"));
        assertEquals(0, StreamParams.timeoutSeconds("000"));
        assertEquals(0, StreamParams.timeoutSeconds("0"));
        assertEquals(7, StreamParams.timeoutSeconds("7"));
        assertEquals(30, StreamParams.timeoutSeconds("030"));
        assertEquals(30, StreamParams.timeoutSeconds("31"));
        assertEquals(30, StreamParams.timeoutSeconds("99999999999999999999999"));
        assertEquals(12, StreamParams.timeoutSeconds("00000000000000000000000012"));
    }

    @Test
    void eventIdsAreAsciiDigitsAndHugeOnesLieBeyondTheLog() {
        assertEquals(5, StreamParams.eventId("5", "after"));
        assertEquals(5, StreamParams.eventId("0005", "after"));
        assertEquals(0, StreamParams.eventId("0", "after"));
        assertEquals(Long.MAX_VALUE, StreamParams.eventId("99999999999999999999", "after"));
        for (String bad : List.of("+5", "-1", "٥", "５", "1.5", "1e3", "0x10", "", " 1")) {
            Refused e = assertThrows(Refused.class, () -> StreamParams.eventId(bad, "after"), bad);
            assertEquals(Refused.Why.INVALID, e.why(), bad);
        }
        for (String bad : List.of("+5", "-1", "٥", "５", "x", "")) {
            assertEquals(Refused.Why.INVALID,
                    assertThrows(Refused.class, () -> StreamParams.timeoutSeconds(bad), bad).why(), bad);
        }
    }
}
