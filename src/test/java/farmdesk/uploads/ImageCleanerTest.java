package farmdesk.uploads;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

import farmdesk.testing.LogCapture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How many images are cleaned at once follows the heap, and a heap too small is said (docs/deploy.md "Cleaning images"). */
class ImageCleanerTest {

    private static final long MB = 1024 * 1024;

    @Test
    void twoAtOnceWhenTwoAtThePixelLimitFitInHalfTheHeapElseOne() {
        long limit = 40_000_000; // 320 MB each at 8 bytes a pixel
        assertEquals(2, ImageCleaner.forHeap(limit, 6 * 1024 * MB).concurrent());
        assertEquals(2, ImageCleaner.forHeap(limit, 2 * limit * 8 * 2).concurrent());
        assertEquals(1, ImageCleaner.forHeap(limit, 2 * limit * 8 * 2 - 1).concurrent());
        assertEquals(1, ImageCleaner.forHeap(limit, 512 * MB).concurrent(), "a 512 MB heap cleans one at a time");
        assertEquals(2, ImageCleaner.forHeap(16_000_000, 1024 * MB).concurrent());
    }

    @Test
    void aHeapTooSmallForOneImageAtTheLimitIsToldAtStart() {
        try (LogCapture log = LogCapture.start()) {
            ImageCleaner.forHeap(40_000_000, 1024 * MB);
            assertEquals(List.of(), warnings(log), "one image of 320 MB fits in half of 1 GB");
            ImageCleaner.forHeap(40_000_000, 512 * MB);
            List<String> warned = warnings(log);
            assertEquals(1, warned.size(), warned.toString());
            assertTrue(warned.get(0).contains("FARMDESK_MAX_IMAGE_PIXELS=40000000") && warned.get(0).contains("-Xmx"),
                    warned.get(0));
        }
    }

    private static List<String> warnings(LogCapture log) {
        return log.records().stream().filter(r -> r.getLevel() == Level.WARNING)
                .filter(r -> ImageCleaner.class.getName().equals(r.getLoggerName())).map(LogRecord::getMessage).toList();
    }
}
