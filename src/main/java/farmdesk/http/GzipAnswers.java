package farmdesk.http;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.WritableHeaders;
import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncoding;

/**
 * gzip for answers, through Helidon's content-encoding SPI (the JDK's deflater; Helidon's own
 * helidon-http-encoding-gzip module is not available from our registry at 4.5.0). Answers only: request bodies
 * with {@code Content-Encoding: gzip} are not decoded (a small compressed body could grow far past the 64 KiB
 * limit), as before. Which answers: {@link CompressionScope}.
 */
public final class GzipAnswers implements ContentEncoding {

    @Override
    public Set<String> ids() {
        return Set.of("gzip", "x-gzip");
    }

    @Override
    public boolean supportsEncoding() {
        return true;
    }

    @Override
    public boolean supportsDecoding() {
        return false;
    }

    @Override
    public ContentDecoder decoder() {
        return ContentDecoder.NO_OP;
    }

    @Override
    public ContentEncoder encoder() {
        return new ContentEncoder() {
            @Override
            public OutputStream apply(OutputStream network) {
                if (CompressionScope.plainOnThisThread()) {
                    return network;
                }
                try {
                    // sync flush: a flush of the answer pushes what was written so far (never used for streams)
                    return new GZIPOutputStream(network, true);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void headers(WritableHeaders<?> headers) {
                if (CompressionScope.plainOnThisThread()) {
                    return;
                }
                headers.set(HeaderValues.create(HeaderNames.CONTENT_ENCODING, "gzip"));
                headers.remove(HeaderNames.CONTENT_LENGTH); // the length was of the plain body
            }
        };
    }

    @Override
    public String name() {
        return "gzip";
    }

    @Override
    public String type() {
        return "gzip";
    }
}
