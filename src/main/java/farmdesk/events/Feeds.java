package farmdesk.events;

/**
 * Where streams, polls (and later webhooks and push) open their {@link Feed}: the log for history, the
 * broadcaster for what comes live.
 */
public final class Feeds {

    private final EventLog log;
    private final Broadcaster broadcaster;

    public Feeds(EventLog log, Broadcaster broadcaster) {
        this.log = log;
        this.broadcaster = broadcaster;
    }

    /**
     * Opens a feed for the audience, resuming after {@code resumeAfter} (null: from now). Open it on the
     * thread that reads it: that thread is interrupted if the feed is dropped for lagging.
     */
    public Feed open(Audience audience, Long resumeAfter, Feed.Options options) {
        return new Feed(log, broadcaster, audience, resumeAfter, options);
    }

    /** The id of the newest stored event, 0 when the log is empty: where a client starts "from now". */
    public long latestId() {
        return log.latestId();
    }
}
