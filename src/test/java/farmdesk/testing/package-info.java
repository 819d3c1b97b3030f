/**
 * What the tests share: a client for the API ({@link farmdesk.testing.Api}), SSE and raw HTTP clients,
 * the test settings and databases, and the one way to start a server.
 *
 * <h2>Starting a server in a test</h2>
 * Annotate the class with {@link farmdesk.testing.FarmdeskServer} and ask for what the test needs as
 * parameters of its constructor, of a {@code @BeforeAll} method or of a test method:
 * <pre>{@code
 * @FarmdeskServer
 * class TicketsTest {
 *     private final Api api;
 *
 *     TicketsTest(Api api) {           // also: Farmdesk app, URI base
 *         this.api = api;
 *     }
 *
 *     @ServerSettings                  // only if the class needs other settings
 *     static void settings(Settings.Builder settings) {
 *         settings.heartbeat(Duration.ofHours(1));
 *     }
 *
 *     @Test
 *     void ...() { api.createTicket(api.farmer("F-1"), "Seeds", "late"); }
 *
 *     @Test                            // a server of the test's own: other settings, a restart, two instances
 *     void ...(Servers servers) {
 *         Farmdesk limited = servers.start(settings -> settings.rateLimit(1));
 *         Api l = new Api(limited.port());
 *     }
 * }
 * }</pre>
 * <ul>
 * <li>The class's server is in process, on a random port, with {@link farmdesk.testing.TestSettings}: a
 *     fresh in-memory H2 database, or a fresh database on the embedded PostgreSQL when the suite runs with
 *     {@code -Dfarmdesk.test.db=postgres} (the pom's second execution). It starts when first asked for and
 *     is closed after the class; its tests share it, so they use ids of their own.</li>
 * <li>{@link farmdesk.testing.Servers} starts servers for one test ({@code start(change)} on a fresh test
 *     database, {@code start(settings)} for a database that outlives a restart or that instances share).
 *     They are closed when the test ends, passed or failed; {@code servers.stop(app)} closes one earlier
 *     when stopping is part of the test.</li>
 * <li>Killing a server with SIGKILL or SIGTERM needs a process of its own: {@link farmdesk.testing.ServerProcess},
 *     opened in a try-with-resources (chaos and shutdown tests).</li>
 * </ul>
 * Tests do not call {@code Farmdesk.start} themselves. The exceptions: a test that stops a PostgreSQL of its
 * own under a running server ({@link farmdesk.testing.StoppablePostgres}; MultiInstanceTest, DatabaseOutageTest)
 * stops its servers before that PostgreSQL, in a try-with-resources, as the extension would close them only
 * after the test; and RetentionBenchmark, run by hand.
 */
package farmdesk.testing;
