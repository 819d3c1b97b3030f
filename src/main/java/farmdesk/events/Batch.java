package farmdesk.events;

import java.util.List;

/**
 * What a {@link Feed} hands out at a time: events to send in order, or a reset.
 *
 * @param events  stored events (ids increasing, none sent before), live-only events and at most one
 *                heartbeat, oldest first; empty on a reset, a timeout or an end by signal
 * @param reset   the resume id is not an id the log holds (pruned by retention, lost by a restore from a
 *                backup, beyond the log, invented): the client must reload, then resume from {@code last}
 *                (the newest stored id)
 * @param last    the id the client resumes after once it has this batch
 * @param endedBy null while the feed goes on; else nothing follows this batch: the marker given to
 *                {@link Feed#signal} (the batch's events are then dropped: the client resumes by id and
 *                loses nothing), or {@link Feed#LAGGING} (the batch holds what was still queued)
 */
public record Batch(List<Event> events, boolean reset, long last, Event endedBy) {
}
